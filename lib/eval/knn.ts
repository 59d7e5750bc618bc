/**
 * Weighted k-nearest-neighbour classifier on cosine similarity, as DINO's `knn_classifier`
 * (Caron et al. 2021): the k most similar training features vote for their class with weight
 * exp(similarity / T). Defaults k = 20, T = 0.07.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Features } from "./features.ts";

/** Options of {@link knnClassify}. */
export interface KnnOptions {
  k?: number;
  temperature?: number;
  numClasses?: number;
  /** Test rows per block (bounds memory: block × train similarities). */
  blockSize?: number;
}

function l2Normalized(features: Features): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.tensor2d(features.data, [features.n, features.dim]);
    const norm = tf.maximum(tf.norm(x, "euclidean", 1, true), 1e-12);
    return tf.div(x, norm) as tf.Tensor2D;
  });
}

/** Predicts a class for every row of `test` from the labeled `train` rows. */
export function knnClassify(
  train: { features: Features; labels: ArrayLike<number> },
  test: Features,
  opts: KnnOptions = {},
): Int32Array {
  const numClasses = opts.numClasses ?? 10;
  const temperature = opts.temperature ?? 0.07;
  if (train.features.n !== train.labels.length) {
    throw new Error(
      `knnClassify(): ${train.features.n} training rows but ${train.labels.length} labels.`,
    );
  }
  if (train.features.dim !== test.dim) {
    throw new Error(`knnClassify(): train dim ${train.features.dim} ≠ test dim ${test.dim}.`);
  }
  if (train.features.n === 0) throw new Error("knnClassify(): no training rows.");
  const k = Math.min(opts.k ?? 20, train.features.n);
  const blockSize = opts.blockSize ?? 1000;
  const trainT = l2Normalized(train.features); // [nTrain, dim]
  const testT = l2Normalized(test); // [nTest, dim]
  const predictions = new Int32Array(test.n);
  const votes = new Float64Array(numClasses);
  for (let start = 0; start < test.n; start += blockSize) {
    const count = Math.min(blockSize, test.n - start);
    const { values, indices } = tf.tidy(() => {
      const block = testT.slice([start, 0], [count, test.dim]);
      return tf.topk(tf.matMul(block, trainT, false, true), k); // [count, k]
    });
    const sims = values.dataSync(), idx = indices.dataSync();
    tf.dispose([values, indices]);
    for (let r = 0; r < count; r++) {
      votes.fill(0);
      for (let j = 0; j < k; j++) {
        votes[train.labels[idx[r * k + j]]] += Math.exp(sims[r * k + j] / temperature);
      }
      let best = 0;
      for (let c = 1; c < numClasses; c++) if (votes[c] > votes[best]) best = c;
      predictions[start + r] = best;
    }
  }
  tf.dispose([trainT, testT]);
  return predictions;
}
