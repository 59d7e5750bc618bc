import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import {
  applyMask,
  centralSquareMask,
  patchGrid,
  patchMaskToPixels,
  randomBlocksMask,
  randomPatchMask,
} from "./masks.ts";

const count = (mask: ArrayLike<number>) => Array.from(mask).reduce((s, v) => s + v, 0);

Deno.test("centralSquareMask() hides the central square of a hand-drawn 4×4 image", () => {
  assertEquals(
    Array.from(centralSquareMask(4, { maskSize: 2 })),
    [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0],
  );
  // odd slack (5 − 2 = 3): one row/column above and left, two below and right
  const odd = centralSquareMask(5, { maskSize: 2 });
  assertEquals(Array.from(odd.subarray(5, 10)), [0, 1, 1, 0, 0]);
  assertEquals(count(odd), 4);
});

Deno.test("centralSquareMask() hides a quarter of a 28×28 image at half the side", () => {
  const mask = centralSquareMask(28, { maskSize: 14 });
  assertEquals(count(mask), 196);
  assertEquals(mask[7 * 28 + 7], 1);
  assertEquals(mask[7 * 28 + 6], 0);
  assertEquals(mask[20 * 28 + 20], 1);
  assertEquals(mask[21 * 28 + 20], 0);
  assertEquals(count(centralSquareMask(28, { maskSize: 0 })), 0);
});

Deno.test("centralSquareMask() rejects a square larger than the image, naming it", () => {
  assertThrows(
    () => centralSquareMask(28, { maskSize: 29 }),
    /maskSize must be an integer in 0\.\.28/,
  );
  assertThrows(() => centralSquareMask(0, { maskSize: 0 }), /size must be a positive integer/);
});

Deno.test("randomBlocksMask() covers at least the target with whole blocks, deterministically", () => {
  const opts = { blockSize: 7, coverage: 0.25 };
  const a = randomBlocksMask(28, createRng(3), opts);
  const b = randomBlocksMask(28, createRng(3), opts);
  assertEquals(a, b);
  assert(count(a) >= 196, `hidden ${count(a)} < 196`);
  assert(count(a) < 196 + 49, "stops after the block that reaches the coverage");
  assert(!randomBlocksMask(28, createRng(4), opts).every((v, i) => v === a[i]), "seed matters");
  // a single block covering everything
  assertEquals(count(randomBlocksMask(4, createRng(0), { blockSize: 4, coverage: 1 })), 16);
  // each hidden pixel lies in a hidden 7×7 square (blocks are whole): check the top-left corner's
  let corners = 0;
  for (let r = 0; r <= 21; r++) {
    for (let c = 0; c <= 21; c++) {
      let full = true;
      for (let k = 0; k < 49 && full; k++) {
        full = a[(r + Math.floor(k / 7)) * 28 + c + (k % 7)] === 1;
      }
      if (full) corners++;
    }
  }
  assert(corners >= 4, `at least 4 whole blocks, found ${corners} fully hidden 7×7 squares`);
});

Deno.test("randomBlocksMask() rejects a bad coverage or block size", () => {
  assertThrows(() => randomBlocksMask(28, createRng(0), { blockSize: 7, coverage: 0 }), /coverage/);
  assertThrows(
    () => randomBlocksMask(28, createRng(0), { blockSize: 30, coverage: 0.2 }),
    /blockSize/,
  );
});

Deno.test("randomPatchMask() hides exactly round(ratio · patches), seeded", () => {
  for (const ratio of [0, 0.25, 0.5, 0.75, 1]) {
    assertEquals(count(randomPatchMask(49, ratio, createRng(1))), Math.round(ratio * 49));
  }
  assertEquals(randomPatchMask(49, 0.75, createRng(1)), randomPatchMask(49, 0.75, createRng(1)));
  // over many draws every patch is hidden about `ratio` of the time
  const rng = createRng(2);
  const hits = new Float64Array(16);
  for (let t = 0; t < 2000; t++) randomPatchMask(16, 0.5, rng).forEach((v, i) => (hits[i] += v));
  assert(hits.every((h) => Math.abs(h / 2000 - 0.5) < 0.05), `uneven: ${Array.from(hits)}`);
  assertThrows(() => randomPatchMask(49, 1.5, createRng(0)), /ratio must be in \[0, 1\]/);
});

Deno.test("patchMaskToPixels() expands hidden patches to their pixels", () => {
  assertEquals(
    Array.from(patchMaskToPixels([0, 1, 0, 0], { size: 4, patchSize: 2 })),
    [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
  );
  const mask = patchMaskToPixels(randomPatchMask(49, 0.75, createRng(0)), {
    size: 28,
    patchSize: 4,
  });
  assertEquals(count(mask), 37 * 16);
  assertThrows(
    () => patchMaskToPixels([1, 0], { size: 4, patchSize: 2 }),
    /has 2×2 = 4 patches.*2 entries/,
  );
  assertThrows(() => patchGrid("f()", 28, 5), /patchSize must be a positive integer dividing/);
});

Deno.test("applyMask() fills hidden pixels and scales the rest", () => {
  assertEquals(Array.from(applyMask([0, 255, 255, 0], [0, 1, 0, 0], { fill: 0.5, scale: 255 })), [
    0,
    0.5,
    1,
    0,
  ]);
  assertEquals(Array.from(applyMask([1, 2], null, { fill: 9 })), [1, 2]);
  assertThrows(() => applyMask([1, 2], [1], { fill: 0 }), /mask has 1 entries but the image 2/);
});
