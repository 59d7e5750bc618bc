import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { randomGarments } from "../data/_test_util.ts";
import { clipFrames, movingFashion } from "../data/moving_fashion.ts";
import { buildAutoencoder } from "../models/decoder.ts";
import { createRng } from "../random.ts";
import { sparseCrossEntropy } from "../train/fit.ts";
import { maskedMseLoss } from "./inpainting.ts";
import {
  buildOrderModel,
  buildVideoEncoder,
  clipBatch,
  frameOrderSource,
  frameRestorationError,
  isInOrder,
  maskedFrameSource,
  restoreFrame,
  shuffledOrder,
} from "./video.ts";

await initBackend();

const set = movingFashion(randomGarments(20, 9), { clips: 16, seed: 1, frames: 5, size: 32 });
const all = Int32Array.from({ length: set.n }, (_, i) => i);

Deno.test("shuffledOrder never draws the identity or its reverse; isInOrder says which are", () => {
  const rng = createRng(0);
  for (let k = 0; k < 200; k++) {
    const order = shuffledOrder(4, rng);
    assert(!isInOrder(order));
    assertEquals([...order].sort(), [0, 1, 2, 3]);
  }
  assert(isInOrder([0, 1, 2]) && isInOrder([2, 1, 0]) && !isInOrder([1, 0, 2]));
  assertThrows(() => shuffledOrder(2, rng), /at least 3 frames/);
});

Deno.test("frameOrderSource: channels are the clip's frames, in order for label 1, a true shuffle for 0", async () => {
  const { x, y } = frameOrderSource(set, all, { seed: 3 }).batch(all, createRng(0));
  assertEquals(x.shape, [16, 32, 32, 5]);
  const xs = await x.data(), ys = await y.data();
  const area = 32 * 32;
  let inOrder = 0;
  for (let i = 0; i < 16; i++) {
    const frames = clipFrames(set, i);
    const channel = (k: number) =>
      Array.from({ length: area }, (_, p) => Math.round(xs[(i * area + p) * 5 + k] * 255)).join();
    const frame = (f: number) => Array.from(frames.subarray(f * area, (f + 1) * area)).join();
    const shown = [0, 1, 2, 3, 4].map(channel), truth = [0, 1, 2, 3, 4].map(frame);
    assertEquals([...shown].sort(), [...truth].sort(), `clip ${i}: a permutation of its frames`);
    const forwards = shown.join("|") === truth.join("|");
    const backwards = shown.join("|") === [...truth].reverse().join("|");
    assertEquals(forwards || backwards, ys[i] === 1, `clip ${i}: label ${ys[i]}`);
    inOrder += ys[i];
  }
  assert(inOrder > 2 && inOrder < 14, `${inOrder} of 16 in order`);
  tf.dispose([x, y]);
});

Deno.test("maskedFrameSource: one interior frame hidden with the fill; the target is that frame", async () => {
  const { x, y } = maskedFrameSource(set, all, { fill: 0.3, seed: 2 }).batch(all, createRng(0));
  assertEquals([x.shape, y.shape], [[16, 32, 32, 5], [16, 32, 32, 3]]);
  const xs = await x.data(), ys = await y.data(), area = 32 * 32;
  for (let i = 0; i < 16; i++) {
    const frames = clipFrames(set, i);
    const hidden = [0, 1, 2, 3, 4].filter((k) =>
      Array.from({ length: area }, (_, p) => xs[(i * area + p) * 5 + k]).every((v) =>
        Math.abs(v - 0.3) < 1e-6
      )
    );
    assertEquals(hidden.length, 1, `clip ${i}: one frame hidden`);
    assert(hidden[0] >= 1 && hidden[0] <= 3, "an interior frame");
    for (const p of [0, 100, 500]) {
      assertAlmostEquals(ys[(i * area + p) * 3], frames[hidden[0] * area + p] / 255, 1e-6);
      assertEquals(ys[(i * area + p) * 3 + 1], 1);
    }
  }
  tf.dispose([x, y]);
  assertThrows(() => maskedFrameSource(set, all, { fill: 2 }), /fill must be in 0..1/);
});

Deno.test("the video pretext losses start where chance puts them", async () => {
  const encoder = buildVideoEncoder({ seed: 0, frames: 5, size: 32 });
  const order = buildOrderModel(encoder, { seed: 0 });
  const { x, y } = frameOrderSource(set, all, { seed: 1 }).batch(all, createRng(0));
  const ce = (await sparseCrossEntropy(order.apply(x) as tf.Tensor, y).data())[0];
  assert(Math.abs(ce - Math.log(2)) < 0.35, `order: initial cross-entropy ${ce} ≈ ln 2`);
  const { model } = buildAutoencoder(buildVideoEncoder({ seed: 0, frames: 5, size: 32 }), {
    seed: 0,
  });
  const masked = maskedFrameSource(set, all, { fill: 0.5, seed: 1 }).batch(all, createRng(0));
  const out = model.apply(masked.x) as tf.Tensor;
  assertEquals(out.shape, [16, 32, 32, 1]);
  const mse = (await maskedMseLoss()(out, masked.y).data())[0];
  assert(mse > 0.01 && mse < 1, `restoration: initial MSE ${mse}`);
  assertEquals(clipBatch(set, [0, 1]).shape, [2, 32, 32, 5]);
  tf.dispose([x, y, masked.x, masked.y, out]);
});

Deno.test("frameRestorationError: a model that outputs the neighbours' mean scores as that baseline", async () => {
  // the mean of the two channels around the hidden one cannot be built without knowing it, but a
  // model that outputs the fill everywhere has a known error: the truth's distance to the fill
  const constant = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [32, 32, 5],
        filters: 1,
        kernelSize: 1,
        kernelInitializer: "zeros",
        biasInitializer: tf.initializers.constant({ value: 0.25 }),
      }),
    ],
  });
  const errors = await frameRestorationError(constant, set, all, { fill: 0.25, seed: 4 });
  const { y } = maskedFrameSource(set, all, { fill: 0.25, seed: 4 }).batch(all, createRng(0));
  const ys = await y.data();
  let sum = 0;
  for (let k = 0; k < ys.length; k += 3) sum += (ys[k] - 0.25) ** 2;
  assertAlmostEquals(errors.model, sum / (ys.length / 3), 1e-6);
  assert(errors.neighbourMean <= errors.copyPrevious * 1.5);
  const shown = await restoreFrame(constant, set, 0, { hidden: 2, fill: 0.25 });
  assertEquals([shown.input.length, shown.truth.length, shown.restored.length], [5, 1024, 1024]);
  assert(
    shown.input[2].every((v) => v === 0.25) &&
      shown.restored.every((v) => Math.abs(v - 0.25) < 1e-6),
  );
  y.dispose();
});
