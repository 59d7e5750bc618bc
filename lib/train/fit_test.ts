import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { createRng } from "../random.ts";
import { type BatchSource, fit } from "./fit.ts";

await tf.setBackend("cpu");

/** Two linearly separable classes in 4-d (class = sign of the first coordinate). */
function toySource(n: number, seed: number, corrupt = false): BatchSource {
  const rng = createRng(seed);
  const xs = Float32Array.from({ length: n * 4 }, () => rng.normal());
  const ys = Int32Array.from({ length: n }, (_, i) => (xs[i * 4] > 0 ? 1 : 0));
  return {
    size: n,
    batch(positions) {
      const x = new Float32Array(positions.length * 4);
      positions.forEach((p, i) => x.set(xs.subarray(p * 4, p * 4 + 4), i * 4));
      if (corrupt) x[0] = NaN;
      return {
        x: tf.tensor2d(x, [positions.length, 4]),
        y: tf.tensor1d(Int32Array.from(positions, (p) => ys[p]), "int32"),
      };
    },
  };
}

function toyModel(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units: 8,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    ],
  });
}

Deno.test("fit() learns a separable problem and records loss and accuracy per epoch", async () => {
  const model = toyModel(1);
  const history = await fit(model, toySource(256, 0), {
    epochs: 8,
    batchSize: 32,
    seed: 0,
    learningRate: 0.02,
    progress: false,
  });
  assertEquals(history.length, 8);
  assert(history[7].loss < history[0].loss, "loss did not decrease");
  assert(history[7].accuracy! > 0.9, `accuracy ${history[7].accuracy}`);
});

Deno.test("fit() is reproducible for a seed", async () => {
  const run = async () =>
    (await fit(toyModel(2), toySource(64, 1), {
      epochs: 2,
      batchSize: 16,
      seed: 5,
      progress: false,
    }))
      .map((h) => h.loss);
  assertEquals(await run(), await run());
});

Deno.test("fit() leaks no tensors: the tensor count is flat across epochs", async () => {
  const model = toyModel(3);
  const counts: number[] = [];
  await fit(model, toySource(128, 2), {
    epochs: 4,
    batchSize: 32,
    seed: 0,
    progress: false,
    onEpochEnd: () => {
      counts.push(tf.memory().numTensors);
    },
  });
  assertEquals(new Set(counts).size, 1, `tensor counts ${counts}`);
});

Deno.test("fit() stops with a clear message when the loss becomes NaN", async () => {
  await assertRejects(
    () =>
      fit(toyModel(4), toySource(64, 3, true), {
        epochs: 2,
        batchSize: 16,
        seed: 0,
        label: "toy",
        progress: false,
      }),
    /fit\(toy\): the loss became NaN at epoch 1, step \d+\. Lower learningRate/,
  );
});

Deno.test("fit() rejects bad options naming the option", async () => {
  await assertRejects(
    () => fit(toyModel(5), toySource(8, 0), { epochs: 0, batchSize: 4, seed: 0 }),
    /epochs must be a positive integer, got 0/,
  );
});

Deno.test("fit() reports curve points every logEvery steps with running means", async () => {
  const points: { epoch: number; loss: number; accuracy?: number }[] = [];
  await fit(toyModel(6), toySource(64, 4), {
    epochs: 2,
    batchSize: 16,
    seed: 0,
    progress: false,
    logEvery: 2,
    onLog: (p) => points.push(p),
  });
  assertEquals(points.map((p) => p.epoch), [0.5, 1, 1.5, 2]);
  assert(points.every((p) => Number.isFinite(p.loss) && p.accuracy! >= 0 && p.accuracy! <= 1));
});
