import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { buildAutoencoder, buildDecoder, encoderFeatureMap } from "./decoder.ts";
import { buildEncoder } from "./encoder.ts";

await tf.setBackend("cpu");

Deno.test("buildDecoder() maps a 7×7 map or a vector to a 28×28 image in 0..1", () => {
  const before = tf.memory().numTensors;
  for (const inputShape of [[7, 7, 16], [16]]) {
    const decoder = buildDecoder({ inputShape, channels: [8, 4], seed: 0 });
    const out = tf.tidy(() => {
      const y = decoder.predict(
        tf.randomNormal([2, ...inputShape], 0, 3, "float32", 1),
      ) as tf.Tensor;
      return { shape: y.shape, min: y.min().dataSync()[0], max: y.max().dataSync()[0] };
    });
    assertEquals(out.shape, [2, 28, 28, 1]);
    assert(out.min > 0 && out.max < 1, `sigmoid output, got ${out.min}..${out.max}`);
    decoder.dispose();
  }
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("buildDecoder() is seeded: the same seed gives the same weights", () => {
  const weights = (seed: number) =>
    buildDecoder({ inputShape: [7, 7, 8], channels: [4, 4], seed }).getWeights()
      .map((w) => Array.from(w.dataSync()));
  assertEquals(weights(3), weights(3));
  assert(weights(3)[0].some((v, i) => v !== weights(4)[0][i]), "another seed, other weights");
});

Deno.test("buildDecoder() rejects an input shape it cannot decode, naming it", () => {
  assertThrows(() => buildDecoder({ inputShape: [7, 7], seed: 0 }), /inputShape must be.*\[7, 7\]/);
});

Deno.test("encoderFeatureMap() is the last ReLU's map, whose mean is the encoder's output", () => {
  const encoder = buildEncoder({ seed: 0, channels: [4, 4, 8] });
  const map = encoderFeatureMap(encoder);
  tf.tidy(() => {
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 2);
    const m = map.predict(x) as tf.Tensor;
    assertEquals(m.shape, [3, 7, 7, 8]);
    const pooled = (encoder.predict(x) as tf.Tensor).dataSync();
    const mean = m.mean([1, 2]).dataSync();
    pooled.forEach((v, i) => assert(Math.abs(v - mean[i]) < 1e-5, `feature ${i}`));
  });
});

Deno.test("buildAutoencoder() shares the encoder's weights and trains them", () => {
  for (const from of ["map", "vector"] as const) {
    const encoder = buildEncoder({ seed: 0, channels: [4, 4, 8] });
    const { model, decoder } = buildAutoencoder(encoder, { seed: 0, from, channels: [4, 4] });
    assertEquals(model.outputs[0].shape, [null, 28, 28, 1]);
    assert(decoder.inputs[0].shape.length === (from === "map" ? 4 : 2));
    const first = encoder.getWeights()[0].dataSync().slice();
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, "float32", 3);
    const optimizer = tf.train.adam(0.01);
    const loss = () =>
      tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, x)));
    const start = tf.tidy(() => loss().dataSync()[0]);
    for (let i = 0; i < 5; i++) optimizer.minimize(loss as () => tf.Scalar, true)?.dispose();
    const end = tf.tidy(() => loss().dataSync()[0]);
    assert(end < start, `${from}: loss ${start} → ${end} should fall`);
    assert(encoder.getWeights()[0].dataSync().some((v, i) => v !== first[i]), "encoder trained");
    tf.dispose([x]);
    optimizer.dispose();
  }
});

Deno.test("buildAutoencoder() needs an input side divisible by 4", () => {
  const encoder = buildEncoder({ seed: 0, channels: [4, 4, 8], inputShape: [14, 14, 1] });
  assertThrows(() => buildAutoencoder(encoder, { seed: 0 }), /side divisible by 4.*14×14/);
});
