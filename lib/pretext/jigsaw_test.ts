import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import type { ImageSet } from "../data/mod.ts";
import { cutTiles, maxHammingPermutations, unpermuteTiles } from "../augment/jigsaw.ts";
import { buildEncoder } from "../models/encoder.ts";
import { fit } from "../train/fit.ts";
import { buildJigsawModel, jigsawSource, solvePuzzles } from "./jigsaw.ts";

await tf.setBackend("cpu");

const n = 6;
const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 13 + (i >> 9)) % 256);
const set: ImageSet = { images, labels: new Uint8Array(n), n, height: 28, width: 28 };
const permutations = maxHammingPermutations(24, { tiles: 4, seed: 0 });

Deno.test("jigsawSource() yields shuffled tiles that the label's permutation puts back", () => {
  const source = jigsawSource(set, [4, 1, 2], { grid: 2, tileSize: 14, permutations });
  assertEquals(source.size, 3);
  const { x, y } = source.batch(Int32Array.from([0, 2]), createRng(1));
  assertEquals(x.shape, [2, 4, 14, 14, 1]);
  const labels = Array.from(y.dataSync());
  const batch = x.arraySync() as number[][][][][];
  [4, 2].forEach((image, i) => {
    const shuffled = batch[i].map((tile) => tile.flat(2).map((v) => Math.round(v * 255)));
    const solved = unpermuteTiles(shuffled, permutations[labels[i]]);
    const truth = cutTiles(images.subarray(image * 784, (image + 1) * 784), 28, {
      grid: 2,
      tileSize: 14,
    });
    assertEquals(solved, truth.map((t) => Array.from(t)));
  });
  tf.dispose([x, y]);
});

Deno.test("jigsawSource() with a seed gives every image the same puzzle each time", () => {
  const source = jigsawSource(set, [0, 1, 2, 3], { grid: 2, tileSize: 12, permutations, seed: 7 });
  const a = source.batch(Int32Array.from([0, 3]), createRng(1));
  const b = source.batch(Int32Array.from([0, 3]), createRng(2));
  assertEquals(a.x.dataSync(), b.x.dataSync());
  assertEquals(a.y.dataSync(), b.y.dataSync());
  tf.dispose([a.x, a.y, b.x, b.y]);
});

Deno.test("jigsawSource() rejects permutations of the wrong length", () => {
  assertThrows(
    () => jigsawSource(set, [0], { grid: 3, tileSize: 9, permutations }),
    /3×3 grid has 9 tiles; every permutation must have 9 entries/,
  );
});

Deno.test("buildJigsawModel() trains through fit() on stacked tiles", async () => {
  const encoder = buildEncoder({ seed: 0, inputShape: [12, 12, 1], channels: [4, 8, 8] });
  const model = buildJigsawModel(encoder, {
    tiles: 4,
    numPermutations: permutations.length,
    hidden: 16,
    seed: 0,
  });
  assertEquals(model.outputs[0].shape, [null, 24]);
  const before = encoder.getWeights()[0].dataSync().slice();
  const history = await fit(
    model,
    jigsawSource(set, [0, 1, 2, 3, 4, 5], {
      grid: 2,
      tileSize: 12,
      permutations,
    }),
    { epochs: 2, batchSize: 3, seed: 0, progress: false },
  );
  assertEquals(history.length, 2);
  for (const h of history) {
    assert(Number.isFinite(h.loss));
    assert(h.accuracy! >= 0 && h.accuracy! <= 1, `accuracy per puzzle, got ${h.accuracy}`);
  }
  const after = encoder.getWeights()[0].dataSync();
  assert(after.some((v, i) => v !== before[i]), "the tile encoder was trained");
});

Deno.test("solvePuzzles() returns the shuffled tiles, the label and the model's answer", async () => {
  const encoder = buildEncoder({ seed: 0, inputShape: [14, 14, 1], channels: [2, 2, 2] });
  const model = buildJigsawModel(encoder, { tiles: 4, numPermutations: 24, hidden: 4, seed: 0 });
  const source = jigsawSource(set, [0, 1, 2], { grid: 2, tileSize: 14, permutations, seed: 3 });
  const solved = await solvePuzzles(model, source, [2, 0]);
  assertEquals(solved.length, 2);
  const { x, y } = source.batch(Int32Array.from([2, 0]), createRng(9));
  assertEquals(solved.map((s) => s.label), Array.from(y.dataSync()));
  const first = Array.from(x.slice([0, 1], [1, 1]).dataSync(), (v) => Math.round(v * 255));
  assertEquals(Array.from(solved[0].tiles[1]), first);
  assert(solved.every((s) => s.predicted >= 0 && s.predicted < 24));
  tf.dispose([x, y]);
});
