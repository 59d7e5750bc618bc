import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../_assert.ts";
import type { Features } from "../eval/features.ts";
import { buildDiscriminator, buildGenerator } from "../models/dcgan.ts";
import { buildEncoder } from "../models/encoder.ts";
import { createRng } from "../random.ts";
import { generateImages, noiseBatch, recalibrateBatchNorm, trainGan } from "./gan.ts";

await tf.setBackend("cpu");

// 12 "real" images: a bright square at one of three places.
const real: Features = { data: new Float32Array(12 * 784), n: 12, dim: 784 };
for (let i = 0; i < 12; i++) {
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) real.data[i * 784 + (4 + 8 * (i % 3) + r) * 28 + 10 + c] = 0.9;
  }
}
const players = (seed: number) => ({
  generator: buildGenerator({ seed, noiseDim: 8, channels: [4, 2], name: `g${seed}` }),
  discriminator: buildDiscriminator(buildEncoder({ seed, channels: [2, 2, 4], name: `t${seed}` }), {
    seed,
  }),
});
const weights = (m: tf.LayersModel) =>
  m.trainableWeights.map((w) => Array.from(w.read().dataSync()));

Deno.test("noiseBatch() is standard normal noise of the asked shape, seeded", () => {
  const z = noiseBatch(50, 40, createRng(1));
  assertEquals(z.shape, [50, 40]);
  const v = z.dataSync() as Float32Array;
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  assertAlmostEquals(mean, 0, 0.1);
  assertEquals(Array.from(noiseBatch(50, 40, createRng(1)).dataSync()), Array.from(v));
});

Deno.test("trainGan() trains both players, logs both losses, calls the checkpoints, seeded", async () => {
  const { generator, discriminator } = players(0);
  const g0 = weights(generator), d0 = weights(discriminator);
  const seen: number[] = [];
  const history = await trainGan(generator, discriminator, real, {
    steps: 4,
    batchSize: 6,
    seed: 0,
    logEvery: 2,
    progress: false,
    checkpoints: [0, 2],
    onCheckpoint: (step) => void seen.push(step),
  });
  assertEquals(seen, [0, 2]);
  assertEquals(history.points.map((p) => p.step), [2, 4]);
  assertAlmostEquals(history.points[1].epoch, 2, 1e-9); // 4 steps × 6 images / 12
  for (const p of history.points) {
    assert(p.discriminatorLoss > 0 && p.generatorLoss > 0, JSON.stringify(p));
    assert(p.realScore > 0 && p.realScore < 1 && p.fakeScore > 0 && p.fakeScore < 1);
  }
  assert(weights(generator).some((w, i) => w.some((v, j) => v !== g0[i][j])), "G trained");
  assert(weights(discriminator).some((w, i) => w.some((v, j) => v !== d0[i][j])), "D trained");
  const again = players(0);
  const repeat = await trainGan(again.generator, again.discriminator, real, {
    steps: 4,
    batchSize: 6,
    seed: 0,
    logEvery: 2,
    progress: false,
  });
  assertEquals(
    repeat.points.map((p) => p.generatorLoss),
    history.points.map((p) => p.generatorLoss),
  );
});

Deno.test("trainGan(): at the start, D's loss is ≈ BCE(0.5, 0.9) + ln 2 with near-zero logits", async () => {
  const { generator, discriminator } = players(1);
  // zero the logit layer: D(·) = σ(0) = 0.5 for every image at step 1
  const head = discriminator.layers[discriminator.layers.length - 1];
  head.setWeights(head.getWeights().map((w) => tf.zerosLike(w)));
  const history = await trainGan(generator, discriminator, real, {
    steps: 1,
    batchSize: 4,
    seed: 0,
    logEvery: 1,
    progress: false,
  });
  // BCE with target 0.9 at p = 0.5 is ln 2 as well: −0.9 ln 0.5 − 0.1 ln 0.5
  assertAlmostEquals(history.points[0].discriminatorLoss, 2 * Math.log(2), 1e-5);
  assertAlmostEquals(history.points[0].realScore, 0.5, 1e-6);
});

Deno.test("trainGan() leaks no tensors", async () => {
  const { generator, discriminator } = players(2);
  const opts = { steps: 2, batchSize: 4, seed: 0, progress: false } as const;
  await trainGan(generator, discriminator, real, opts);
  const before = tf.memory().numTensors;
  await trainGan(generator, discriminator, real, { ...opts, steps: 5 });
  await generateImages(generator, noiseBatch(3, 8, createRng(0)));
  assertEquals(tf.memory().numTensors, before + 1); // the noise batch passed in
});

Deno.test("trainGan() stops on NaN and names the step; rejects bad options", async () => {
  const { generator, discriminator } = players(3);
  const broken: Features = { data: new Float32Array(4 * 784).fill(NaN), n: 4, dim: 784 };
  await assertRejects(
    () =>
      trainGan(generator, discriminator, broken, {
        steps: 3,
        batchSize: 4,
        seed: 0,
        progress: false,
      }),
    /losses became D NaN.* at step 1/,
  );
  await assertRejects(
    () =>
      trainGan(generator, discriminator, real, {
        steps: 1,
        batchSize: 4,
        seed: 0,
        realTarget: 0.3,
        progress: false,
      }),
    /realTarget must be in \(0\.5, 1\]/,
  );
  await assertRejects(
    () =>
      trainGan(generator, discriminator, { data: new Float32Array(4), n: 1, dim: 4 }, {
        steps: 1,
        batchSize: 4,
        seed: 0,
        progress: false,
      }),
    /have 4 values, the discriminator takes \[28, 28, 1\]/,
  );
});

Deno.test("generateImages() returns one 28×28 picture per noise row", async () => {
  const { generator } = players(4);
  const pictures = await generateImages(generator, noiseBatch(3, 8, createRng(0)));
  assertEquals(pictures.length, 3);
  assertEquals(pictures.map((p) => p.length), [784, 784, 784]);
});

Deno.test("recalibrateBatchNorm() moves the moving statistics to those of the given images", async () => {
  const input = tf.input({ shape: [2] });
  const bn = tf.layers.batchNormalization({ momentum: 0.9 });
  const model = tf.model({ inputs: input, outputs: bn.apply(input) as tf.SymbolicTensor });
  // 64 images: rows [1, 3] and [3, 5] alternately → mean [2, 4], variance [1, 1] per batch of all 64
  const images: Features = {
    data: Float32Array.from(
      { length: 128 },
      (_, i) => (i % 2) * 2 + 1 + (Math.floor(i / 2) % 2) * 2,
    ),
    n: 64,
    dim: 2,
  };
  const before = tf.memory().numTensors;
  await recalibrateBatchNorm(model, images, { batches: 60, batchSize: 64, seed: 0 });
  assertEquals(tf.memory().numTensors, before);
  const [, , movingMean, movingVariance] = bn.getWeights().map((w) => Array.from(w.dataSync()));
  // 0.9⁶⁰ ≈ 0.2 % of the initial statistics (mean 0, variance 1) remain
  movingMean.forEach((v, i) => assertAlmostEquals(v, [2, 4][i], 0.01));
  movingVariance.forEach((v) => assertAlmostEquals(v, 1, 0.02));
});
