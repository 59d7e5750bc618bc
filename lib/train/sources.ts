/**
 * Batch sources over Fashion-MNIST images: the supervised one (image → class) and the helper
 * pretext tasks use to build their own (uint8 images stay in memory; floats exist per batch).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { ImageSet } from "../data/mod.ts";
import { toFloatBatch } from "../data/mod.ts";
import type { BatchSource } from "./fit.ts";
import { cropResize, flipHorizontal } from "../augment/views.ts";
import type { Rng } from "../random.ts";

/**
 * The light augmentation of labelled training (supervised from scratch and every fine-tune
 * alike): a random shift of up to `shift` pixels in each direction (edge pixels repeated; the
 * garments' borders are black) and a horizontal flip with probability ½. Square images only.
 */
export function augmentLabeled(
  batch: Float32Array,
  size: number,
  rng: Rng,
  opts: { shift?: number } = {},
): Float32Array {
  const shift = opts.shift ?? 2;
  const pixels = size * size;
  for (let at = 0; at < batch.length; at += pixels) {
    const dx = rng.int(2 * shift + 1) - shift, dy = rng.int(2 * shift + 1) - shift;
    let image = batch.subarray(at, at + pixels) as Float32Array;
    if (dx || dy) image = cropResize(image, size, { x: dx, y: dy, width: size, height: size });
    if (rng.next() < 0.5) image = flipHorizontal(image, size);
    batch.set(image, at);
  }
  return batch;
}

/**
 * The images `indices` of `set` with their class labels, as [b,28,28,1] floats and int32 ids;
 * with `augment`, each batch goes through {@link augmentLabeled} (drawn from fit's seeded rng).
 */
export function labeledImageSource(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: { augment?: boolean } = {},
): BatchSource {
  if (opts.augment && set.height !== set.width) {
    throw new Error(
      `labeledImageSource(): augmentation needs square images, got ${set.height}×${set.width}.`,
    );
  }
  return {
    size: indices.length,
    batch(positions, rng) {
      const chosen = Array.from(positions, (p) => indices[p]);
      const floats = toFloatBatch(set, chosen);
      if (opts.augment) augmentLabeled(floats, set.width, rng);
      const x = tf.tensor4d(floats, [chosen.length, set.height, set.width, 1]);
      const y = tf.tensor1d(Int32Array.from(chosen, (i) => set.labels[i]), "int32");
      return { x, y };
    },
  };
}

/** Predicted classes (argmax of the model's output) for the images `indices` (default: all). */
export async function predictClasses(
  model: tf.LayersModel,
  set: ImageSet,
  opts: { indices?: ArrayLike<number>; batchSize?: number } = {},
): Promise<Int32Array> {
  const indices = opts.indices ?? Int32Array.from({ length: set.n }, (_, i) => i);
  const batchSize = opts.batchSize ?? 500;
  const out = new Int32Array(indices.length);
  for (let start = 0; start < indices.length; start += batchSize) {
    const chosen = Array.from(
      { length: Math.min(batchSize, indices.length - start) },
      (_, i) => indices[start + i],
    );
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(toFloatBatch(set, chosen), [chosen.length, set.height, set.width, 1]);
      return tf.argMax(model.predict(x) as tf.Tensor, -1);
    });
    out.set(await readAndDispose(pred), start);
  }
  return out;
}

/**
 * What training a classifier on a labelled subset needs of a set — images, or any other examples
 * (e.g. video clips): its labels, labelled batches, and predictions.
 */
export interface TrainableSet {
  n: number;
  labels: Uint8Array;
  /** Labelled batches of the examples `indices`, lightly augmented when `augment`. */
  labeledSource(indices: ArrayLike<number>, opts: { augment?: boolean }): BatchSource;
  /** The predicted class of each example `indices` (default: all). */
  predict(model: tf.LayersModel, indices?: ArrayLike<number>): Promise<Int32Array>;
  /** What determines the examples and labels completely (the run cache's key). */
  identity(): unknown;
  /**
   * How the protocol's worker pool trains on this set (absent: only image sets go to workers,
   * which are handed the images): the set as plain, structured-cloneable data, and the job
   * (module and function export) that rebuilds the set from that data and trains on it.
   */
  worker?: { job: { module: string; exportName: string }; data(): unknown };
}

/** An image set as a {@link TrainableSet}: {@link labeledImageSource}, {@link predictClasses}. */
export function imageTrainable(set: ImageSet): TrainableSet {
  return {
    n: set.n,
    labels: set.labels,
    labeledSource: (indices, opts) => labeledImageSource(set, indices, opts),
    predict: (model, indices) => predictClasses(model, set, { indices }),
    identity: () => ({ height: set.height, width: set.width, images: set.images }),
  };
}

/** `set` itself when it is a {@link TrainableSet}, else the image set wrapped. */
export function asTrainable(set: ImageSet | TrainableSet): TrainableSet {
  return "labeledSource" in set ? set : imageTrainable(set);
}
