/**
 * Restoring hidden pixels: Context Encoders (Pathak et al. 2016, "Context Encoders: Feature
 * Learning by Inpainting") and, with nothing hidden, the plain autoencoder — one batch source and
 * one loss for both, and for the masked autoencoder (lib/pretext/mae.ts).
 *
 * A batch: x = the image with its hidden pixels replaced by a fill value ([batch, h, w, 1]); y =
 * [batch, h, w, 3] holding, per pixel, the target (the original image), the loss weight and
 * whether it was hidden. {@link maskedMseLoss} is the weighted mean squared error: on the hidden
 * region (weight 1), with an optional small weight on the visible rest (`contextWeight`; the paper
 * instead weights a thin band of context around the hole); with nothing hidden, on every pixel.
 *
 * The paper fills the hole with the data set's mean colour ({@link meanPixel}) and adds an
 * adversarial term (λ_adv = 0.001) for sharper pictures; its feature-learning results use the
 * reconstruction loss alone (the adversarial term did not converge with its AlexNet encoder), and
 * so do we.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { ImageSet } from "../data/mod.ts";
import { applyMask, centralSquareMask, randomBlocksMask } from "../augment/masks.ts";
import type { GridImage } from "../plot/specs.ts";
import { createRng, type Rng } from "../random.ts";
import type { BatchSource, LossFn } from "../train/fit.ts";

/** Draws a pixel mask (1 = hidden) for one example; null hides nothing. */
export type MaskFn = (rng: Rng) => Uint8Array | null;

/** Options of {@link maskedImageSource}. */
export interface MaskedSourceOptions {
  /** The mask of each example. */
  mask: MaskFn;
  /** Value of the hidden pixels in the input (pixels are 0..1), e.g. {@link meanPixel}. */
  fill: number;
  /** Loss weight of the visible pixels when some are hidden (default 0: the hidden region only). */
  contextWeight?: number;
  /** Fixes each example's mask by its position (held-out evaluation); omitted: fresh masks. */
  seed?: number;
}

/**
 * A batch source over the (unlabeled) images `indices`: masked inputs [batch, h, w, 1] and targets
 * [batch, h, w, 3] = (original pixel, loss weight, hidden 0/1). Pixels are scaled to 0..1.
 */
export function maskedImageSource(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: MaskedSourceOptions,
): BatchSource {
  const { height, width } = set;
  const pixels = height * width;
  const contextWeight = opts.contextWeight ?? 0;
  if (!(contextWeight >= 0 && contextWeight <= 1)) {
    throw new Error(
      `maskedImageSource(): contextWeight must be in [0, 1] (the loss weight of visible pixels ` +
        `relative to hidden ones), got ${contextWeight}.`,
    );
  }
  if (!Number.isFinite(opts.fill)) {
    throw new Error(`maskedImageSource(): fill must be a finite number (0..1), got ${opts.fill}.`);
  }
  return {
    size: indices.length,
    batch(positions, batchRng) {
      const b = positions.length;
      const x = new Float32Array(b * pixels);
      const y = new Float32Array(b * pixels * 3);
      for (let i = 0; i < b; i++) {
        const rng = opts.seed === undefined
          ? batchRng
          : createRng(opts.seed * 1_000_003 + positions[i]);
        const at = indices[positions[i]] * pixels;
        const image = set.images.subarray(at, at + pixels);
        const mask = opts.mask(rng);
        x.set(applyMask(image, mask, { fill: opts.fill, scale: 255 }), i * pixels);
        for (let p = 0; p < pixels; p++) {
          const hidden = mask ? mask[p] : 0;
          const row = (i * pixels + p) * 3;
          y[row] = image[p] / 255;
          y[row + 1] = mask ? (hidden ? 1 : contextWeight) : 1;
          y[row + 2] = hidden;
        }
      }
      return {
        x: tf.tensor4d(x, [b, height, width, 1]),
        y: tf.tensor4d(y, [b, height, width, 3]),
      };
    },
  };
}

/** The masks of {@link inpaintingSource}: Context Encoders' two, and none (a plain autoencoder). */
export type InpaintingMask = "center" | "blocks" | "none";

/** Options of {@link inpaintingMask}. */
export interface InpaintingMaskOptions {
  /** Side of the central square (default: half the image side, as the paper). */
  maskSize?: number;
  /** Side of each random block (default: a quarter of the image side). */
  blockSize?: number;
  /** Fraction of the image the random blocks hide at least (default 0.25, the central square's). */
  coverage?: number;
}

/** The {@link MaskFn} of one of Context Encoders' masks for `size`×`size` images. */
export function inpaintingMask(
  kind: InpaintingMask,
  size: number,
  opts: InpaintingMaskOptions = {},
): MaskFn {
  if (kind === "none") return () => null;
  if (kind === "center") {
    const mask = centralSquareMask(size, { maskSize: opts.maskSize ?? size / 2 });
    return () => mask;
  }
  if (kind === "blocks") {
    const blocks = { blockSize: opts.blockSize ?? size / 4, coverage: opts.coverage ?? 0.25 };
    return (rng) => randomBlocksMask(size, rng, blocks);
  }
  throw new Error(
    `inpaintingMask(): unknown mask "${kind}"; use "center", "blocks" or "none".`,
  );
}

/**
 * The Context Encoders source: `mask` "center" (a fixed central square), "blocks" (random blocks,
 * fresh per example and epoch) or "none" (the plain autoencoder: the whole image in, the whole
 * image out, every pixel in the loss).
 */
export function inpaintingSource(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: Omit<MaskedSourceOptions, "mask"> & InpaintingMaskOptions & { mask: InpaintingMask },
): BatchSource {
  return maskedImageSource(set, indices, {
    ...opts,
    mask: inpaintingMask(opts.mask, set.height, opts),
  });
}

/** The mean pixel (0..1) of the images `indices`: the paper's fill for the hole. */
export function meanPixel(set: ImageSet, indices: ArrayLike<number>): number {
  const pixels = set.height * set.width;
  if (!indices.length) throw new Error("meanPixel(): indices is empty; give at least one image.");
  let sum = 0;
  for (let k = 0; k < indices.length; k++) {
    const at = indices[k] * pixels;
    for (let p = 0; p < pixels; p++) sum += set.images[at + p];
  }
  return sum / (indices.length * pixels * 255);
}

/**
 * The loss for `fit`: Σ w·(ŷ − x)² / Σ w over the batch, with x and w the first two channels of
 * the target of {@link maskedImageSource}. output: [batch, h, w, 1]; target: [batch, h, w, 3].
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { maskedMseLoss } from "./inpainting.ts";
 * // two pixels: hidden (weight 1), error 0.5; visible (weight 0), error 1 → 0.25
 * const output = tf.tensor4d([0.5, 1], [1, 1, 2, 1]);
 * const target = tf.tensor4d([1, 1, 1, 0, 0, 0], [1, 1, 2, 3]);
 * maskedMseLoss()(output, target).dataSync()[0]; // 0.25
 * ```
 */
export function maskedMseLoss(): LossFn {
  return (output, target) =>
    tf.tidy(() => {
      const [image, weight] = tf.split(target, [1, 1, 1], 3); // each [batch, h, w, 1]
      const squared = tf.square(tf.sub(output, image));
      return tf.div(tf.sum(tf.mul(weight, squared)), tf.maximum(tf.sum(weight), 1e-8)) as tf.Scalar;
    });
}

/** Mean squared errors of a reconstruction model on a held-out source (pixels 0..1). */
export interface ReconstructionError {
  /** On the hidden pixels (NaN when none is hidden). */
  hidden: number;
  /** On the visible pixels. */
  visible: number;
  /** On the hidden pixels of the fill itself: the error of predicting nothing (NaN if none). */
  fill: number;
}

/** Runs `model` (inference mode) over every example of `source` and measures its errors. */
export async function reconstructionError(
  model: tf.LayersModel,
  source: BatchSource,
  opts: { batchSize?: number } = {},
): Promise<ReconstructionError> {
  const batchSize = opts.batchSize ?? 250;
  const rng = createRng(0);
  const sums = new Float64Array(5); // hidden error, visible error, fill error, hidden, visible
  for (let start = 0; start < source.size; start += batchSize) {
    const positions = Int32Array.from(
      { length: Math.min(batchSize, source.size - start) },
      (_, i) => start + i,
    );
    const { x, y } = source.batch(positions, rng);
    const batch = await readAndDispose(tf.tidy(() => {
      const [image, , hidden] = tf.split(y, [1, 1, 1], 3);
      const visible = tf.sub(1, hidden);
      const error = tf.square(tf.sub(model.predict(x) as tf.Tensor, image));
      const fillError = tf.square(tf.sub(x, image));
      return tf.stack([
        tf.sum(tf.mul(error, hidden)),
        tf.sum(tf.mul(error, visible)),
        tf.sum(tf.mul(fillError, hidden)),
        tf.sum(hidden),
        tf.sum(visible),
      ]);
    }));
    batch.forEach((v, k) => (sums[k] += v));
    tf.dispose([x, y]);
  }
  const per = (sum: number, count: number) => (count > 0 ? sum / count : NaN);
  return {
    hidden: per(sums[0], sums[3]),
    visible: per(sums[1], sums[4]),
    fill: per(sums[2], sums[3]),
  };
}

/** One example through a reconstruction model, as pictures (row-major, 0..1). */
export interface Reconstruction {
  original: Float32Array;
  /** What the model saw. */
  masked: Float32Array;
  /** The model's output. */
  output: Float32Array;
  /** The masked input with the output pasted into the hidden pixels (the paper's pictures). */
  pasted: Float32Array;
}

/**
 * Runs `model` (inference mode) on the examples `positions` of a masked-image `source`. With
 * `model` null, only the inputs are wanted: `output` is then the masked input.
 */
export async function reconstruct(
  model: tf.LayersModel | null,
  source: BatchSource,
  positions: ArrayLike<number>,
): Promise<Reconstruction[]> {
  const { x, y } = source.batch(Int32Array.from(positions), createRng(0));
  const pixels = x.shape[1]! * x.shape[2]!;
  const outputs = model
    ? await readAndDispose(tf.tidy(() => model.predict(x) as tf.Tensor)) as Float32Array
    : null;
  const masked = await readAndDispose(x) as Float32Array;
  const targets = await readAndDispose(y) as Float32Array;
  return Array.from(positions, (_, i) => {
    const at = i * pixels;
    const original = new Float32Array(pixels), pasted = new Float32Array(pixels);
    for (let p = 0; p < pixels; p++) {
      original[p] = targets[(at + p) * 3];
      pasted[p] = targets[(at + p) * 3 + 2] ? (outputs ?? masked)[at + p] : masked[at + p];
    }
    return {
      original,
      masked: masked.slice(at, at + pixels),
      output: (outputs ?? masked).slice(at, at + pixels),
      pasted,
    };
  });
}

/** One labelled row of square images for `imageGrid`: columns "1", "2", … in order. */
export function imageRow(row: string, images: Float32Array[]): GridImage[] {
  return images.map((pixels, i) => {
    const side = Math.round(Math.sqrt(pixels.length));
    return { pixels, width: side, height: side, row, col: `${i + 1}` };
  });
}
