/**
 * The fused batch norm against tfjs's own (tf.moments + tf.batchNorm, differentiated op by op):
 * outputs and gradients on cpu, wasm and native (oneDNN's primitives), and the layer's moving
 * averages and inference against tf.layers.batchNormalization over training steps.
 */
import * as tf from "@tensorflow/tfjs";
import { assert } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { registerNativeBackend } from "../backend/native/mod.ts";
import { createRng } from "../random.ts";
import { batchNormalization, batchNormTraining } from "./batch_norm.ts";

const native = await registerNativeBackend().then(() => true, () => false);
const BACKENDS = native ? ["cpu", "wasm", "native"] : ["cpu", "wasm"];

function maxDiff(a: Float32Array | number[], b: Float32Array | number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function values(rng: ReturnType<typeof createRng>, n: number, offset = 0): Float32Array {
  return Float32Array.from({ length: n }, () => offset + 2 * rng.normal());
}

Deno.test("batchNormTraining: output and gradients equal tfjs's batch norm (cpu, wasm, native)", async () => {
  const rng = createRng(3);
  for (const shape of [[4, 5, 6, 3], [16, 7], [2, 3, 3, 40]]) {
    const c = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b, 1);
    const xv = values(rng, n, 1), gv = values(rng, c, 1), bv = values(rng, c), wv = values(rng, n);
    const axes = [...Array(shape.length - 1).keys()];
    for (const backend of BACKENDS) {
      await initBackend(backend);
      const run = (fused: boolean) =>
        tf.tidy(() => {
          const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            if (fused) {
              const r = batchNormTraining(x, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3);
              tf.dispose([r.mean, r.variance]);
              return r.y.mul(tf.tensor(wv, shape)).sum();
            }
            const { mean, variance } = tf.moments(x, axes);
            return tf.batchNorm(x, mean, variance, b, g, 1e-3).mul(tf.tensor(wv, shape)).sum();
          };
          const { value, grads } = tf.valueAndGrads(f)([
            tf.tensor(xv, shape),
            tf.tensor1d(gv),
            tf.tensor1d(bv),
          ]);
          return [value, ...grads].map((t) => t.dataSync() as Float32Array);
        });
      const ours = run(true), theirs = run(false);
      ours.forEach((o, i) => {
        const err = maxDiff(o, theirs[i]);
        const scale = Math.max(1, ...Array.from(theirs[i], Math.abs));
        assert(
          err / scale < 1e-4,
          `${backend} ${shape} output ${i}: relative error ${err / scale}`,
        );
      });
    }
  }
  await initBackend("wasm");
});

Deno.test("batchNormalization layer: same training outputs, moving averages and inference as tfjs's", async () => {
  for (const backend of BACKENDS) {
    await initBackend(backend);
    const rng = createRng(5);
    const ours = batchNormalization({ momentum: 0.9, name: `ours_${backend}` });
    const theirs = tf.layers.batchNormalization({ momentum: 0.9, name: `theirs_${backend}` });
    const shape = [8, 4, 4, 6];
    for (let step = 0; step < 3; step++) {
      const x = tf.tensor(values(rng, 8 * 4 * 4 * 6, step), shape);
      const a = ours.apply(x, { training: true }) as tf.Tensor;
      const b = theirs.apply(x, { training: true }) as tf.Tensor;
      assert(maxDiff(a.dataSync() as Float32Array, b.dataSync() as Float32Array) < 1e-4, "train");
      tf.dispose([x, a, b]);
    }
    ours.getWeights().forEach((w, i) => {
      const err = maxDiff(
        w.dataSync() as Float32Array,
        theirs.getWeights()[i].dataSync() as Float32Array,
      );
      assert(err < 1e-4, `${backend}: weight ${i} differs by ${err}`);
    });
    const x = tf.tensor(values(rng, 8 * 4 * 4 * 6), shape);
    const a = ours.apply(x) as tf.Tensor, b = theirs.apply(x) as tf.Tensor;
    assert(maxDiff(a.dataSync() as Float32Array, b.dataSync() as Float32Array) < 1e-4, "inference");
    assert(ours.getClassName() === "BatchNormalization", ours.getClassName());
    tf.dispose([x, a, b]);
  }
  await initBackend("wasm");
});

Deno.test("batchNormTraining leaks no tensors (forward, gradient, layer update)", async () => {
  await initBackend(native ? "native" : "wasm");
  const layer = batchNormalization({ momentum: 0.9 });
  layer.apply(tf.ones([2, 3, 3, 4]), { training: true }); // builds the weights
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const f = (x: tf.Tensor) => (layer.apply(x, { training: true }) as tf.Tensor).square().sum();
    tf.grad(f)(tf.randomNormal([2, 3, 3, 4]));
  });
  assert(tf.memory().numTensors === before, `${tf.memory().numTensors} tensors, was ${before}`);
  await initBackend("wasm");
});
