/**
 * One replica of bench/data_parallel.ts: its own tfjs (wasm), the same model (same seed), and a
 * loop that waits for a step, reads the weights from shared memory, computes the gradients of its
 * slice of the batch and writes them back.
 * @module
 */
/// <reference lib="deno.worker" />
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/mod.ts";
import { buildArchitecture, type EncoderArchitecture } from "../lib/models/dense_stack.ts";
import { buildClassifier } from "../lib/models/encoder.ts";
import { sparseCrossEntropy } from "../lib/train/fit.ts";

interface Init {
  backend: string;
  architecture: EncoderArchitecture;
  seed: number;
  rank: number;
  /** [start, end) of this replica's rows of the batch. */
  rows: [number, number];
  batch: number;
  control: SharedArrayBuffer; // Int32: [step, done]
  weights: SharedArrayBuffer; // Float32: every trainable weight, concatenated
  grads: SharedArrayBuffer; // Float32: this replica's gradients, same layout
  x: SharedArrayBuffer; // Float32: the batch [batch, 28, 28, 1]
  y: SharedArrayBuffer; // Int32: the labels [batch]
  loss: SharedArrayBuffer; // Float32: one loss per replica
}

self.onmessage = async (event: MessageEvent) => {
  const m = event.data as Init;
  await initBackend(m.backend);
  const model = buildClassifier(buildArchitecture(m.architecture, m.seed), {
    seed: m.seed,
    numClasses: 10,
  });
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const control = new Int32Array(m.control);
  const weights = new Float32Array(m.weights);
  const grads = new Float32Array(m.grads);
  const losses = new Float32Array(m.loss);
  const [start, end] = m.rows;
  const pixels = 784;
  self.postMessage({ type: "ready" });
  let step = 0;
  while (true) {
    Atomics.wait(control, 0, step); // until the main thread posts the next step
    step = Atomics.load(control, 0);
    if (step < 0) break;
    tf.tidy(() => {
      let at = 0;
      for (const v of vars) {
        v.assign(tf.tensor(weights.slice(at, at + v.size), v.shape));
        at += v.size;
      }
      const x = tf.tensor4d(
        new Float32Array(m.x).slice(start * pixels, end * pixels),
        [end - start, 28, 28, 1],
      );
      const y = tf.tensor1d(new Int32Array(m.y).slice(start, end), "int32");
      const { value, grads: g } = tf.variableGrads(
        () => sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y),
        vars,
      );
      at = 0;
      for (const v of vars) {
        grads.set(g[v.name].dataSync() as Float32Array, at);
        at += v.size;
      }
      losses[m.rank] = value.dataSync()[0];
    });
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  }
  model.dispose();
  self.close();
};
