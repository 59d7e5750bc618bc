import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import type { ImageSet } from "../data/mod.ts";
import { buildAutoencoder } from "../models/decoder.ts";
import { buildEncoder } from "../models/encoder.ts";
import { createRng } from "../random.ts";
import { fit } from "../train/fit.ts";
import {
  imageRow,
  inpaintingMask,
  inpaintingSource,
  maskedImageSource,
  maskedMseLoss,
  meanPixel,
  reconstruct,
  reconstructionError,
} from "./inpainting.ts";

await tf.setBackend("cpu");

const n = 6;
const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 37 + (i >> 5)) % 256);
const set: ImageSet = { images, labels: new Uint8Array(n), n, height: 28, width: 28 };

/** A model whose output is its input (a 1×1 convolution with weight 1): "predicts the fill". */
function identityModel(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  const conv = tf.layers.conv2d({
    filters: 1,
    kernelSize: 1,
    useBias: false,
    kernelInitializer: "ones",
  });
  return tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor });
}

Deno.test("maskedMseLoss() matches a hand-computed weighted mean", () => {
  // 4 pixels: targets 1, 0, 0.5, 1; outputs 0.5, 0, 1, 1; weights 1, 1, 0.1, 0.
  // Σ w·err² = 0.25 + 0 + 0.1·0.25 + 0 = 0.275; Σ w = 2.1 → 0.130952…
  const output = tf.tensor4d([0.5, 0, 1, 1], [1, 2, 2, 1]);
  const target = tf.tensor4d([1, 1, 1, 0, 1, 1, 0.5, 0.1, 0, 1, 0, 0], [1, 2, 2, 3]);
  assertAlmostEquals(maskedMseLoss()(output, target).dataSync()[0], 0.275 / 2.1, 1e-6);
  // all weights zero: 0, not NaN
  const none = tf.tensor4d([1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0], [1, 2, 2, 3]);
  assertEquals(maskedMseLoss()(output, none).dataSync()[0], 0);
  tf.dispose([output, target, none]);
});

Deno.test("maskedImageSource() fills the hidden pixels and marks weight and hidden", () => {
  const mask = new Uint8Array(784);
  mask[0] = mask[29] = 1;
  const source = maskedImageSource(set, [3, 1], {
    mask: () => mask,
    fill: 0.25,
    contextWeight: 0.1,
  });
  const before = tf.memory().numTensors;
  const { x, y } = source.batch(Int32Array.from([1]), createRng(0));
  assertEquals(x.shape, [1, 28, 28, 1]);
  assertEquals(y.shape, [1, 28, 28, 3]);
  const xs = x.dataSync(), ys = y.dataSync();
  const image = images.subarray(784, 1568); // position 1 → image 1
  assertEquals(xs[0], 0.25);
  assertEquals(xs[29], 0.25);
  assertAlmostEquals(xs[1], image[1] / 255, 1e-6);
  assertAlmostEquals(ys[0], image[0] / 255, 1e-6); // the target is the original
  assertEquals([ys[1], ys[2]], [1, 1]); // hidden: weight 1
  assertAlmostEquals(ys[4], 0.1, 1e-6); // visible: contextWeight
  assertEquals(ys[5], 0);
  tf.dispose([x, y]);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("inpaintingSource('none') is the plain autoencoder: every pixel weighs 1", () => {
  const { x, y } = inpaintingSource(set, [0, 1], { mask: "none", fill: 0.3 })
    .batch(Int32Array.from([0, 1]), createRng(0));
  const ys = y.dataSync();
  for (let p = 0; p < 2 * 784; p++) assertEquals([ys[3 * p + 1], ys[3 * p + 2]], [1, 0]);
  assertAlmostEquals(x.dataSync()[100], images[100] / 255, 1e-6);
  tf.dispose([x, y]);
});

Deno.test("inpaintingSource(): central square fixed; random blocks fresh, or fixed by a seed", () => {
  const hiddenOf = (y: tf.Tensor) => Array.from(y.dataSync()).filter((_, i) => i % 3 === 2);
  const center = inpaintingSource(set, [0, 1, 2], { mask: "center", fill: 0 });
  const c = center.batch(Int32Array.from([0, 2]), createRng(0));
  const hidden = hiddenOf(c.y);
  assertEquals(hidden.reduce((s, v) => s + v, 0), 2 * 196);
  assertEquals(hidden.slice(0, 784), hidden.slice(784));
  const blocks = (seed?: number) =>
    inpaintingSource(set, [0, 1, 2], { mask: "blocks", fill: 0, seed });
  const draw = (source: ReturnType<typeof blocks>, rng: number) => {
    const { x, y } = source.batch(Int32Array.from([1]), createRng(rng));
    const out = hiddenOf(y);
    tf.dispose([x, y]);
    return out;
  };
  const b1 = draw(blocks(), 1);
  assert(b1.reduce((s, v) => s + v, 0) >= 196, "random blocks hide at least a quarter");
  assert(draw(blocks(), 2).join() !== b1.join(), "fresh masks from the batch rng");
  assertEquals(draw(blocks(5), 1), draw(blocks(5), 2)); // seeded: the batch rng does not matter
  tf.dispose([c.x, c.y]);
});

Deno.test("inpainting sources reject bad options, naming them", () => {
  assertThrows(
    () => inpaintingMask("ring" as never, 28),
    /unknown mask "ring"; use "center", "blocks" or "none"/,
  );
  assertThrows(
    () => maskedImageSource(set, [0], { mask: () => null, fill: 0, contextWeight: 2 }),
    /contextWeight must be in \[0, 1\]/,
  );
  assertThrows(() => meanPixel(set, []), /indices is empty/);
});

Deno.test("meanPixel() is the mean of the chosen images in 0..1", () => {
  // image 0: three quarters white; image 1: black
  const tinyImages = Uint8Array.from({ length: 2 * 784 }, (_, i) => (i < 588 ? 255 : 0));
  const tiny: ImageSet = {
    images: tinyImages,
    labels: new Uint8Array(2),
    n: 2,
    height: 28,
    width: 28,
  };
  assertAlmostEquals(meanPixel(tiny, [0]), 0.75, 1e-12);
  assertAlmostEquals(meanPixel(tiny, [0, 1]), 0.375, 1e-12);
});

Deno.test("reconstructionError() and reconstruct(): a model that copies its input", async () => {
  const model = identityModel();
  const source = inpaintingSource(set, [0, 1, 2, 3, 4, 5], { mask: "center", fill: 0.5, seed: 1 });
  const before = tf.memory().numTensors;
  const error = await reconstructionError(model, source, { batchSize: 4 });
  assertEquals(tf.memory().numTensors, before);
  assertAlmostEquals(error.visible, 0, 1e-10); // it copies the visible pixels exactly…
  assertAlmostEquals(error.hidden, error.fill, 1e-7); // …and "predicts" the fill in the hole
  let fill = 0;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 784; p++) {
      const r = Math.floor(p / 28), c = p % 28;
      if (r >= 7 && r < 21 && c >= 7 && c < 21) fill += (images[i * 784 + p] / 255 - 0.5) ** 2;
    }
  }
  assertAlmostEquals(error.fill, fill / (n * 196), 1e-6);
  const [shown] = await reconstruct(model, source, [2]);
  assertEquals(tf.memory().numTensors, before);
  assertAlmostEquals(shown.original[300], images[2 * 784 + 300] / 255, 1e-6);
  assertEquals(shown.masked[14 * 28 + 14], 0.5);
  assertEquals(Array.from(shown.pasted), Array.from(shown.masked));
  assertEquals(Array.from(shown.output), Array.from(shown.masked));
  const [inputOnly] = await reconstruct(null, source, [2]);
  assertEquals(Array.from(inputOnly.output), Array.from(shown.masked));
  // nothing hidden: no hidden error
  assert(
    Number.isNaN(
      (await reconstructionError(model, inpaintingSource(set, [0], { mask: "none", fill: 0 })))
        .hidden,
    ),
  );
});

Deno.test("an autoencoder trains through fit() on the inpainting loss, without leaking", async () => {
  const encoder = buildEncoder({ seed: 0, channels: [4, 4, 8] });
  const { model } = buildAutoencoder(encoder, { seed: 0, channels: [4, 4] });
  const source = inpaintingSource(set, [0, 1, 2, 3, 4, 5], { mask: "center", fill: 0.3 });
  const before = tf.memory().numTensors;
  const history = await fit(model, source, {
    epochs: 4,
    batchSize: 3,
    seed: 0,
    learningRate: 0.01,
    loss: maskedMseLoss(),
    progress: false,
  });
  assertEquals(tf.memory().numTensors, before);
  assert(history.every((h) => Number.isFinite(h.loss) && h.accuracy === undefined));
  assert(history[3].loss < history[0].loss, `loss ${history[0].loss} → ${history[3].loss}`);
});

Deno.test("imageRow() labels a row of square images by column", () => {
  const row = imageRow("epoch 1", [new Float32Array(784), new Float32Array(784)]);
  assertEquals(row.map((im) => [im.row, im.col, im.width, im.height]), [
    ["epoch 1", "1", 28, 28],
    ["epoch 1", "2", 28, 28],
  ]);
});
