import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { blockFeatures } from "./blocks.ts";
import { buildEncoder } from "./encoder.ts";

await tf.setBackend("cpu");

const close = (a: tf.Tensor, b: tf.Tensor) => {
  assertEquals(a.shape, b.shape);
  const bd = b.dataSync();
  a.dataSync().forEach((v, i) => assertAlmostEquals(v, bd[i], 1e-5));
};

Deno.test("blockFeatures() gives 32/64/128-d features; block 3 is the encoder's output", () => {
  const encoder = buildEncoder({ seed: 4 });
  const x = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 2);
  const dims = [1, 2, 3].map((b) => (blockFeatures(encoder, b).predict(x) as tf.Tensor).shape[1]);
  assertEquals(dims, [32, 64, 128]);
  close(blockFeatures(encoder, 3).predict(x) as tf.Tensor, encoder.predict(x) as tf.Tensor);
});

Deno.test("blockFeatures() averages the block's ReLU output over space", () => {
  const encoder = buildEncoder({ seed: 5, channels: [4, 6, 8] });
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 3);
  const relu2 = encoder.layers.find((l) => l.name.endsWith("_relu2"))!;
  const upToRelu2 = tf.model({
    inputs: encoder.inputs,
    outputs: relu2.output as tf.SymbolicTensor,
  });
  const want = tf.mean(upToRelu2.predict(x) as tf.Tensor, [1, 2]); // [2, 6]
  close(blockFeatures(encoder, 2).predict(x) as tf.Tensor, want);
});

Deno.test("blockFeatures() shares the encoder's weights", () => {
  const encoder = buildEncoder({ seed: 6, channels: [2, 2, 2] });
  const block1 = blockFeatures(encoder, 1);
  const x = tf.ones([1, 28, 28, 1]);
  const before = (block1.predict(x) as tf.Tensor).dataSync().slice();
  encoder.setWeights(encoder.getWeights().map((w) => tf.mul(w, 2)));
  const after = (block1.predict(x) as tf.Tensor).dataSync();
  assertEquals(after.some((v, i) => v !== before[i]), true);
});

Deno.test("blockFeatures() rejects a block the encoder does not have", () => {
  assertThrows(() => blockFeatures(buildEncoder({ seed: 0 }), 4), /block must be 1\.\.3 .* got 4/);
});
