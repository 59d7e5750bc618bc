/**
 * One worker of bench/train_step.ts's pool measurement: trains the reference encoder's step on
 * the native backend with the given thread count for a given time; posts its images/s.
 * @module
 */
import { initBackend } from "../lib/backend/mod.ts";
import { setNativeThreads } from "../lib/backend/native/mod.ts";
import { referenceStep } from "./train_step.ts";

self.onmessage = async (e: MessageEvent<{ threads: number; batch: number; seconds: number }>) => {
  const { threads, batch, seconds } = e.data;
  await initBackend("native");
  setNativeThreads(threads);
  const { step } = referenceStep(batch);
  for (let i = 0; i < 3; i++) await step();
  const t0 = performance.now();
  let images = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await step();
    images += batch;
  }
  self.postMessage(images / ((performance.now() - t0) / 1000));
};
