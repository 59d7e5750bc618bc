import * as tf from "@tensorflow/tfjs";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../_assert.ts";
import type { ImageSet } from "../data/mod.ts";
import { pixelFeatures } from "../eval/features.ts";
import { buildDenseStack, stackLayers } from "../models/dense_stack.ts";
import { createRng } from "../random.ts";
import { fit } from "../train/fit.ts";
import {
  buildStackedAutoencoder,
  corrupt,
  reconstructionLoss,
  reconstructionSource,
  stackReconstruct,
  stackReconstructionError,
  trainGreedy,
} from "./layerwise.ts";

await tf.setBackend("cpu");

// 24 images: a bright band in one of four quarters, so there is something to stackReconstruct.
const n = 24, pixels784 = 784;
const images = new Uint8Array(n * pixels784);
for (let i = 0; i < n; i++) {
  for (let p = 0; p < 196; p++) images[i * pixels784 + (i % 4) * 196 + p] = 200 + (i % 3) * 20;
}
const set: ImageSet = { images, labels: new Uint8Array(n), n, height: 28, width: 28 };
const small = (seed: number) => buildDenseStack({ units: [8, 4], seed, name: `s${seed}` });

Deno.test("corrupt(): masking zeroes about the fraction asked, leaves the input alone, is seeded", () => {
  const values = new Float32Array(10_000).fill(0.5);
  const a = corrupt(values, { kind: "mask", fraction: 0.25 }, createRng(1));
  const zeros = a.filter((v) => v === 0).length;
  assert(zeros > 2300 && zeros < 2700, `≈ 25 % masked, got ${zeros}`);
  assert(a.every((v) => v === 0 || v === 0.5), "the rest unchanged");
  assert(values.every((v) => v === 0.5), "input not modified");
  assertEquals(
    Array.from(corrupt(values, { kind: "mask", fraction: 0.25 }, createRng(1))),
    Array.from(a),
  );
  assertEquals(
    Array.from(corrupt(new Float32Array([1, 2]), { kind: "mask", fraction: 1 }, createRng(0))),
    [0, 0],
  );
  assertEquals(
    Array.from(corrupt(new Float32Array([1, 2]), { kind: "mask", fraction: 0 }, createRng(0))),
    [1, 2],
  );
});

Deno.test("corrupt(): Gaussian noise has the std asked", () => {
  const noisy = corrupt(new Float32Array(20_000), { kind: "gaussian", std: 0.3 }, createRng(2));
  const mean = noisy.reduce((s, v) => s + v, 0) / noisy.length;
  const std = Math.sqrt(noisy.reduce((s, v) => s + (v - mean) ** 2, 0) / noisy.length);
  assertAlmostEquals(mean, 0, 0.01);
  assertAlmostEquals(std, 0.3, 0.01);
});

Deno.test("corrupt() names a bad corruption", () => {
  assertThrows(
    () => corrupt(new Float32Array(2), { kind: "mask", fraction: 1.5 }, createRng(0)),
    /"fraction":1\.5.* is not a valid corruption/,
  );
  assertThrows(
    () => corrupt(new Float32Array(2), { kind: "salt" } as never, createRng(0)),
    /is not a valid corruption/,
  );
});

Deno.test("reconstructionLoss() matches the hand-computed cross-entropy", () => {
  // logits [0, ln 3] → p = [0.5, 0.75]; targets [1, 1]: mean(−ln 0.5, −ln 0.75)
  const loss = reconstructionLoss(tf.tensor2d([[0, Math.log(3)]]), tf.tensor2d([[1, 1]]));
  assertAlmostEquals(loss.dataSync()[0], (Math.log(2) + Math.log(4 / 3)) / 2, 1e-6);
});

Deno.test("reconstructionSource(): clean targets, corrupted and reshaped inputs, seeded", () => {
  const features = pixelFeatures(set);
  const source = reconstructionSource(features, {
    corruption: { kind: "mask", fraction: 0.5 },
    inputShape: [28, 28, 1],
  });
  const { x, y } = source.batch(Int32Array.from([1, 2]), createRng(3));
  assertEquals(x.shape, [2, 28, 28, 1]);
  assertEquals(y.shape, [2, 784]);
  const clean = Array.from(y.dataSync()), noisy = Array.from(x.dataSync());
  assertEquals(clean, Array.from(features.data.subarray(784, 3 * 784)));
  assert(noisy.every((v, i) => v === 0 || v === clean[i]), "masked or unchanged");
  assert(noisy.some((v, i) => v === 0 && clean[i] > 0), "some values masked");
  const again = reconstructionSource(features, { corruption: { kind: "mask", fraction: 0.5 } })
    .batch(Int32Array.from([1, 2]), createRng(3));
  assertEquals(Array.from(again.x.dataSync()), noisy);
  tf.dispose([x, y, again.x, again.y]);
  assertThrows(() => reconstructionSource(features, { inputShape: [14, 14, 1] }), /product is 784/);
});

Deno.test("trainGreedy() trains each layer on the frozen codes below, in place, seeded", async () => {
  const stack = small(0);
  const before = stack.getWeights().map((w) => Array.from(w.dataSync()));
  const logged: number[] = [];
  const result = await trainGreedy(stack, set, {
    epochs: 3,
    batchSize: 8,
    seed: 0,
    learningRate: 0.01,
    progress: false,
    onLog: (p) => logged.push(p.layer),
  });
  assertEquals(result.decoders.length, 2);
  assertEquals(result.stages.map((s) => s.length), [3, 3]);
  assertEquals(result.decoders.map((d) => d.getConfig().units), [784, 8]); // pixels, layer-1 codes
  assert(logged.includes(1) && logged.includes(2), "curves of both stages");
  const after = stack.getWeights().map((w) => Array.from(w.dataSync()));
  assert(after.every((w, i) => w.some((v, j) => v !== before[i][j])), "every layer trained");
  for (const stage of result.stages) {
    assert(
      stage[2].loss < stage[0].loss,
      `loss falls: ${stage.map((e) => e.loss)}`,
    );
  }
  // same seed → the same weights
  const again = small(0);
  await trainGreedy(again, set, {
    epochs: 3,
    batchSize: 8,
    seed: 0,
    learningRate: 0.01,
    progress: false,
  });
  assertEquals(again.getWeights().map((w) => Array.from(w.dataSync())), after);
});

Deno.test("trainGreedy(): stage 2 leaves layer 1 frozen", async () => {
  const stack = small(1);
  const layer1 = () => Array.from(stackLayers(stack)[0].getWeights()[0].dataSync());
  let afterStage1: number[] = [];
  await trainGreedy(stack, set, {
    epochs: 2,
    batchSize: 8,
    seed: 1,
    learningRate: 0.01,
    progress: false,
    onLog: (p) => { // called after the last step of each epoch: the last layer-1 call ends stage 1
      if (p.layer === 1) afterStage1 = layer1();
    },
  });
  assertEquals(layer1(), afterStage1);
});

Deno.test("buildStackedAutoencoder() trains end to end and reconstructs through every layer", async () => {
  const stack = small(2);
  const { autoencoder, decoders } = buildStackedAutoencoder(stack, { seed: 0 });
  assertEquals(autoencoder.outputs[0].shape, [null, 784]);
  assertEquals(decoders.map((d) => d.getConfig().units), [784, 8]);
  const pixels = pixelFeatures(set);
  const errorBefore = await stackReconstructionError(stack, decoders, 2, pixels);
  const history = await fit(
    autoencoder,
    reconstructionSource(pixels, { inputShape: [28, 28, 1] }),
    {
      epochs: 30,
      batchSize: 8,
      seed: 0,
      learningRate: 0.02,
      loss: reconstructionLoss,
      progress: false,
    },
  );
  assert(history[29].loss < history[0].loss, "loss falls");
  const errorAfter = await stackReconstructionError(stack, decoders, 2, pixels);
  assert(errorAfter < errorBefore / 2, `reconstruction improves: ${errorBefore} → ${errorAfter}`);
  // stackReconstruct() through depth 2 is the autoencoder's own output, sigmoid-ed
  const direct = tf.tidy(() =>
    tf.sigmoid(autoencoder.predict(tf.tensor4d(pixels.data, [n, 28, 28, 1])) as tf.Tensor)
      .dataSync()
  );
  const viaDecoders = await stackReconstruct(stack, decoders, 2, pixels);
  direct.forEach((v, i) => assertAlmostEquals(viaDecoders[i], v, 1e-5));
  await assertRejects(() => stackReconstruct(stack, decoders, 3, pixels), /depth must be 1\.\.2/);
});

Deno.test("layerwise functions leak no tensors", async () => {
  const stack = small(3);
  const pixels = pixelFeatures(set);
  const result = await trainGreedy(stack, set, {
    epochs: 1,
    batchSize: 8,
    seed: 0,
    progress: false,
  });
  const before = tf.memory().numTensors;
  await trainGreedy(stack, set, { epochs: 2, batchSize: 8, seed: 0, progress: false });
  await stackReconstruct(stack, result.decoders, 2, pixels);
  await stackReconstructionError(stack, result.decoders, 1, pixels);
  // a new stage's decoder and optimizer state are the only new tensors: 2 decoders × (kernel, bias)
  assertEquals(tf.memory().numTensors, before + 4);
});

Deno.test("trainGreedy() and buildStackedAutoencoder() need sigmoid codes", async () => {
  const relu = buildDenseStack({ units: [4], seed: 0, activation: "relu", name: "r" });
  await assertRejects(
    () => trainGreedy(relu, set, { epochs: 1, batchSize: 8, seed: 0, progress: false }),
    /trainGreedy\(\): r has relu units.* activation "sigmoid"/,
  );
  assertThrows(() => buildStackedAutoencoder(relu, { seed: 0 }), /needs codes in 0\.\.1/);
});
