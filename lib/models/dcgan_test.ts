import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { buildDiscriminator, buildGenerator } from "./dcgan.ts";
import { buildEncoder } from "./encoder.ts";

await tf.setBackend("cpu");

Deno.test("buildGenerator() maps noise to 28×28 images in 0..1 through two transposed convolutions", () => {
  const generator = buildGenerator({ seed: 0, noiseDim: 8, channels: [4, 2] });
  assertEquals(generator.inputs[0].shape, [null, 8]);
  assertEquals(generator.outputs[0].shape, [null, 28, 28, 1]);
  assertEquals(
    generator.layers.filter((l) => l.getClassName() === "Conv2DTranspose").length,
    2,
  );
  const images = tf.tidy(() =>
    generator.predict(tf.randomNormal([3, 8], 0, 1, "float32", 1)) as tf.Tensor
  );
  const values = images.dataSync();
  images.dispose();
  assert(values.every((v) => v > 0 && v < 1), "sigmoid output");
});

Deno.test("buildGenerator() draws its weights from N(0, 0.02), seeded", () => {
  const a = buildGenerator({ seed: 3 }),
    b = buildGenerator({ seed: 3 }),
    c = buildGenerator({ seed: 4 });
  const kernel = (m: tf.LayersModel) => m.getWeights()[0].dataSync() as Float32Array; // the projection, 100 × 3136
  assertEquals(Array.from(kernel(a)), Array.from(kernel(b)));
  assert(Array.from(kernel(a)).some((v, i) => v !== kernel(c)[i]), "another seed, other weights");
  const w = kernel(a);
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert(Math.abs(std - 0.02) < 0.001, `std ≈ 0.02, got ${std}`);
});

Deno.test("buildGenerator() names a bad size", () => {
  assertThrows(
    () => buildGenerator({ seed: 0, noiseDim: 0 }),
    /noiseDim must be a positive integer, got 0/,
  );
  assertThrows(() => buildGenerator({ seed: 0, channels: [4, 1.5] }), /channels\[1\] must be/);
});

Deno.test("buildDiscriminator() puts one logit on the trunk and shares its weights", () => {
  const trunk = buildEncoder({ seed: 0, channels: [2, 2, 4] });
  const discriminator = buildDiscriminator(trunk, { seed: 0 });
  assertEquals(discriminator.outputs[0].shape, [null, 1]);
  const trunkWeights = new Set(trunk.trainableWeights.map((w) => w.name));
  const shared = discriminator.trainableWeights.filter((w) => trunkWeights.has(w.name));
  assertEquals(shared.length, trunk.trainableWeights.length);
  assertEquals(discriminator.trainableWeights.length, trunk.trainableWeights.length + 2); // + kernel, bias
});
