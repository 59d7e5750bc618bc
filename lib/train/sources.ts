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

/** The images `indices` of `set` with their class labels, as [b,28,28,1] floats and int32 ids. */
export function labeledImageSource(set: ImageSet, indices: ArrayLike<number>): BatchSource {
  return {
    size: indices.length,
    batch(positions) {
      const chosen = Array.from(positions, (p) => indices[p]);
      const x = tf.tensor4d(toFloatBatch(set, chosen), [chosen.length, set.height, set.width, 1]);
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
