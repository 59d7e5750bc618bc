import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import type { ImageSet } from "../data/mod.ts";
import { createRng } from "../random.ts";
import { maeMask, maeSource, patchify, spreadPatches, unpatchify } from "./mae.ts";

await tf.setBackend("cpu");

const n = 4;
const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 13 + (i >> 6)) % 256);
const set: ImageSet = { images, labels: new Uint8Array(n), n, height: 28, width: 28 };

Deno.test("patchify() lays a hand-made 4×4 image out as 2×2 patches, row-major", () => {
  const image = Array.from({ length: 16 }, (_, i) => i);
  assertEquals(
    Array.from(patchify(image, { size: 4, patchSize: 2 })),
    [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15],
  );
});

Deno.test("unpatchify() inverts patchify() for 4×4 and 7×7 patches of 28×28", () => {
  const image = images.subarray(0, 784);
  for (const patchSize of [4, 7]) {
    const geometry = { size: 28, patchSize };
    assertEquals(Array.from(unpatchify(patchify(image, geometry), geometry)), Array.from(image));
  }
  assertThrows(() => patchify(image, { size: 28, patchSize: 5 }), /patchSize must be .* dividing/);
  assertThrows(() => unpatchify([1, 2, 3], { size: 4, patchSize: 2 }), /expected 4 patches/);
});

Deno.test("maeMask() hides whole patches, exactly round(ratio · patches) of them", () => {
  const geometry = { size: 28, patchSize: 4 };
  const rng = createRng(0);
  for (const ratio of [0.25, 0.5, 0.75]) {
    const mask = maeMask(ratio, geometry)(rng)!;
    const perPatch = patchify(mask, geometry); // [49 patches × 16 pixels]
    let hiddenPatches = 0;
    for (let p = 0; p < 49; p++) {
      const sum = perPatch.subarray(p * 16, p * 16 + 16).reduce((s, v) => s + v, 0);
      assert(sum === 0 || sum === 16, `patch ${p} is partly hidden (${sum}/16)`);
      if (sum) hiddenPatches++;
    }
    assertEquals(hiddenPatches, Math.round(ratio * 49));
  }
  assertThrows(() => maeMask(75, geometry), /ratio must be in \[0, 1\].*got 75/);
});

Deno.test("maeSource() puts the loss on the hidden patches only, seeded per position", () => {
  const source = maeSource(set, [0, 1, 2, 3], { ratio: 0.75, patchSize: 7, fill: 0.2, seed: 3 });
  const before = tf.memory().numTensors;
  const first = source.batch(Int32Array.from([2, 0]), createRng(0));
  const again = source.batch(Int32Array.from([2]), createRng(9));
  const ys = first.y.dataSync(), xs = first.x.dataSync();
  let hidden = 0;
  for (let p = 0; p < 784; p++) {
    assertEquals(ys[3 * p + 1], ys[3 * p + 2]); // weight = hidden: 0 on visible patches
    if (ys[3 * p + 2]) hidden++, assert(Math.abs(xs[p] - 0.2) < 1e-7);
  }
  assertEquals(hidden, 12 * 49); // 12 of 16 patches of 7×7
  assertEquals(Array.from(again.y.dataSync()), Array.from(ys.subarray(0, 784 * 3)));
  tf.dispose([first.x, first.y, again.x, again.y]);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("spreadPatches() lays the patches out with gaps of the background", () => {
  // 4×4 image of 2×2 patches, gap 1 → 5×5; the middle row and column are the gap
  const image = Array.from({ length: 16 }, (_, i) => i / 15);
  const { pixels, size } = spreadPatches(image, { size: 4, patchSize: 2 }, { background: 0.2 });
  assertEquals(size, 5);
  assertEquals(Array.from(pixels.subarray(0, 5), (v) => Math.round(v * 255)), [0, 17, 51, 34, 51]);
  assertEquals(Array.from(pixels.subarray(10, 15), (v) => Math.round(v * 255)), [
    51,
    51,
    51,
    51,
    51,
  ]);
  assertEquals(pixels[24], 1);
});
