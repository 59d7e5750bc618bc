import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { buildEncoder } from "./encoder.ts";
import { applyToParts } from "./tiles.ts";

await tf.setBackend("cpu");

Deno.test("applyToParts() equals the encoder applied to each part, with one set of weights", () => {
  const encoder = buildEncoder({ seed: 1, inputShape: [12, 12, 1], channels: [4, 4, 8] });
  const input = tf.input({ shape: [3, 12, 12, 1] });
  const model = tf.model({ inputs: input, outputs: applyToParts(encoder, input) });
  assertEquals(model.outputs[0].shape, [null, 3, 8]);
  assertEquals(model.getWeights().length, encoder.getWeights().length); // shared, not copied
  const x = tf.randomUniform([2, 3, 12, 12, 1], 0, 1, "float32", 5);
  const together = model.predict(x) as tf.Tensor;
  assertEquals(together.shape, [2, 3, 8]);
  const want = tf.tidy(() => encoder.predict(x.reshape([6, 12, 12, 1])) as tf.Tensor);
  const got = together.reshape([6, 8]).arraySync() as number[][];
  (want.arraySync() as number[][]).forEach((row, i) =>
    row.forEach((v, j) => assertAlmostEquals(got[i][j], v, 1e-5))
  );
  tf.dispose([x, together, want]);
});

Deno.test("applyToParts() passes training mode to batch norm and trains the shared weights", () => {
  const encoder = buildEncoder({ seed: 2, inputShape: [8, 8, 1], channels: [2, 2, 4] });
  const input = tf.input({ shape: [2, 8, 8, 1] });
  const model = tf.model({ inputs: input, outputs: applyToParts(encoder, input) });
  const x = tf.randomNormal([4, 2, 8, 8, 1], 3, 2, "float32", 1);
  const movingMean = () =>
    encoder.layers.find((l) => l.getClassName() === "BatchNormalization")!.getWeights()[2]
      .dataSync().slice();
  const before = encoder.getWeights()[0].dataSync().slice();
  const meanBefore = movingMean();
  const optimizer = tf.train.sgd(0.1);
  optimizer.minimize(() => tf.mean(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  const after = encoder.getWeights()[0].dataSync();
  assert(after.some((v, i) => v !== before[i]), "the encoder's conv kernel changed");
  assert(movingMean().some((v, i) => v !== meanBefore[i]), "batch norm ran in training mode");
  tf.dispose([x]);
  optimizer.dispose();
});

Deno.test("applyToParts() names the shape mismatch and the fix", () => {
  const encoder = buildEncoder({ seed: 0, inputShape: [14, 14, 1], channels: [2, 2, 2] });
  assertThrows(
    () => applyToParts(encoder, tf.input({ shape: [4, 12, 12, 1] })),
    /parts are 12×12×1 .* takes 14×14×1; build the encoder with inputShape \[12, 12, 1\]/,
  );
});
