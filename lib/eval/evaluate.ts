/**
 * Accuracy of a model on every example of a batch source (e.g. a pretext task on held-out
 * images), in inference mode.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { createRng } from "../random.ts";
import type { BatchSource } from "../train/fit.ts";

/** Fraction of examples where argmax(model(x)) equals the target class id. */
export async function sourceAccuracy(
  model: tf.LayersModel,
  source: BatchSource,
  opts: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = opts.batchSize ?? 250;
  const rng = createRng(0);
  let right = 0, total = 0;
  for (let start = 0; start < source.size; start += batchSize) {
    const positions = Int32Array.from(
      { length: Math.min(batchSize, source.size - start) },
      (_, i) => start + i,
    );
    const { x, y } = source.batch(positions, rng);
    const correct = tf.tidy(() =>
      tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, -1), y.toInt()), "int32"))
    );
    right += (await readAndDispose(correct))[0];
    total += y.shape[0];
    tf.dispose([x, y]);
  }
  return total ? right / total : 0;
}
