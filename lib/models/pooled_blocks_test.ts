import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { blockFeatures } from "./blocks.ts";
import { buildEncoder } from "./encoder.ts";
import { pooledBlockFeatures } from "./pooled_blocks.ts";

await tf.setBackend("cpu");
const encoder = buildEncoder({ seed: 0, name: "enc" });

Deno.test("pooledBlockFeatures() sizes: Σ grid²·channels over the blocks (the paper's 4×4: 3,584)", () => {
  assertEquals(pooledBlockFeatures(encoder, { grid: 4 }).outputs[0].shape, [
    null,
    16 * (32 + 64 + 128),
  ]);
  assertEquals(pooledBlockFeatures(encoder, { grid: 2 }).outputs[0].shape, [null, 4 * 224]);
  assertEquals(pooledBlockFeatures(encoder, { grid: 1 }).outputs[0].shape, [null, 224]);
  assertEquals(pooledBlockFeatures(encoder, { grid: 4, blocks: [3] }).outputs[0].shape, [
    null,
    2048,
  ]);
});

Deno.test("pooledBlockFeatures(): grid 1 is each block's global max, 2×2 the max of each quadrant", () => {
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 5);
  // the ReLU output of block 2 (14×14×64), read through a model on the same layer
  const relu2 = encoder.layers.filter((l) => l.getClassName() === "ReLU")[1];
  const activations = tf.model({
    inputs: encoder.inputs,
    outputs: relu2.getOutputAt(0) as tf.SymbolicTensor,
  })
    .predict(x) as tf.Tensor4D; // [2, 14, 14, 64]
  const globalMax = tf.max(activations, [1, 2]).arraySync() as number[][];
  const one = (pooledBlockFeatures(encoder, { grid: 1, blocks: [2] }).predict(x) as tf.Tensor)
    .arraySync() as number[][];
  one.forEach((row, i) => row.forEach((v, c) => assertAlmostEquals(v, globalMax[i][c], 1e-6)));
  // 2×2: top-left quadrant = rows 0..6, cols 0..6; flattened [row, col, channel] → first 64 values
  const topLeft = tf.max(activations.slice([0, 0, 0, 0], [2, 7, 7, 64]), [1, 2])
    .arraySync() as number[][];
  const two = (pooledBlockFeatures(encoder, { grid: 2, blocks: [2] }).predict(x) as tf.Tensor)
    .arraySync() as number[][];
  two.forEach((row, i) =>
    row.slice(0, 64).forEach((v, c) => assertAlmostEquals(v, topLeft[i][c], 1e-6))
  );
  // averaging instead of max: blockFeatures is the mean of the same activations
  const mean = tf.mean(activations, [1, 2]).arraySync() as number[][];
  const gap = (blockFeatures(encoder, 2).predict(x) as tf.Tensor).arraySync() as number[][];
  gap[0].forEach((v, c) => assertAlmostEquals(v, mean[0][c], 1e-5));
});

Deno.test("pooledBlockFeatures() names a grid or block it cannot use", () => {
  assertThrows(
    () => pooledBlockFeatures(encoder, { grid: 5 }),
    /block 3 is 7×7, which cannot be max-pooled to 5×5/,
  );
  assertThrows(
    () => pooledBlockFeatures(encoder, { grid: 0 }),
    /grid must be a positive integer, got 0/,
  );
  assertThrows(
    () => pooledBlockFeatures(encoder, { grid: 2, blocks: [4] }),
    /blocks must be .* 1\.\.3 .* got \[4\]/,
  );
});
