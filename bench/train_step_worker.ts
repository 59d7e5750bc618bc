/**
 * One worker of bench/train_step.ts's pool measurement: trains the reference encoder's step on
 * the native backend with the given thread count for a given time; posts its images/s.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/mod.ts";
import { setNativeThreads } from "../lib/backend/native/mod.ts";
import { buildClassifier, buildEncoder } from "../lib/models/mod.ts";
import { sparseCrossEntropy } from "../lib/train/fit.ts";

self.onmessage = async (e: MessageEvent<{ threads: number; batch: number; seconds: number }>) => {
  const { threads, batch, seconds } = e.data;
  await initBackend("native");
  setNativeThreads(threads);
  const model = buildClassifier(buildEncoder({ seed: 1 }), { seed: 1, numClasses: 10 });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, "float32", 7);
  const y = tf.randomUniform([batch], 0, 10, "int32", 8);
  const step = async () => {
    const value = optimizer.minimize(
      () => sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y),
      true,
    )!;
    await value.data();
    value.dispose();
  };
  for (let i = 0; i < 3; i++) await step();
  const t0 = performance.now();
  let images = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await step();
    images += batch;
  }
  self.postMessage(images / ((performance.now() - t0) / 1000));
};
