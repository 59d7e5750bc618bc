/**
 * Weighted k-nearest-neighbour classifier on cosine similarity, as DINO's `knn_classifier`
 * (Caron et al. 2021): the k most similar training features vote for their class with weight
 * exp(similarity / T). Defaults k = 20, T = 0.07.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { yieldToEventLoop } from "../_yield.ts";
import type { Features } from "./features.ts";

/** Options of {@link knnClassify}. */
export interface KnnOptions {
  k?: number;
  temperature?: number;
  numClasses?: number;
  /** Test rows per block (bounds memory: block × train similarities). */
  blockSize?: number;
}

/** The rows of `features` scaled to unit length, as a tensor [n, dim] (the caller disposes it). */
export function l2Normalized(features: Features): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.tensor2d(features.data, [features.n, features.dim]);
    const norm = tf.maximum(tf.norm(x, "euclidean", 1, true), 1e-12);
    return tf.div(x, norm) as tf.Tensor2D;
  });
}

/**
 * Indices of the k largest values (ties: the lower index first), in descending order of value. A
 * linear scan with a small sorted buffer: faster than tf.topk on the wasm backend for k ≪ n.
 */
export function topK(values: ArrayLike<number>, k: number): Int32Array {
  const idx = new Int32Array(k).fill(-1);
  const val = new Float64Array(k).fill(-Infinity);
  let filled = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (filled === k && !(v > val[k - 1])) continue;
    let pos = filled < k ? filled++ : k - 1;
    while (pos > 0 && v > val[pos - 1]) {
      val[pos] = val[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    val[pos] = v;
    idx[pos] = i;
  }
  return idx.subarray(0, filled);
}

/** Predicts a class for every row of `test` from the labeled `train` rows. */
export async function knnClassify(
  train: { features: Features; labels: ArrayLike<number> },
  test: Features,
  opts: KnnOptions = {},
): Promise<Int32Array> {
  const config = { k: opts.k ?? 20, temperature: opts.temperature ?? 0.07 };
  return (await knnClassifyGrid(train, test, [config], opts))[0];
}

/** One setting of the kNN vote. */
export interface KnnSetting {
  k: number;
  temperature: number;
}

/**
 * {@link knnClassify} for several settings at once: one similarity pass, the top max-k neighbours
 * of each test row found once, then one vote per setting. Returns predictions per setting, in
 * order (a setting's k above the training rows is clipped to them).
 */
export async function knnClassifyGrid(
  train: { features: Features; labels: ArrayLike<number> },
  test: Features,
  settings: KnnSetting[],
  opts: { numClasses?: number; blockSize?: number } = {},
): Promise<Int32Array[]> {
  const numClasses = opts.numClasses ?? 10;
  if (train.features.n !== train.labels.length) {
    throw new Error(
      `knnClassify(): ${train.features.n} training rows but ${train.labels.length} labels.`,
    );
  }
  if (train.features.dim !== test.dim) {
    throw new Error(`knnClassify(): train dim ${train.features.dim} ≠ test dim ${test.dim}.`);
  }
  if (train.features.n === 0) throw new Error("knnClassify(): no training rows.");
  if (!settings.length) {
    throw new Error("knnClassifyGrid(): no settings; give e.g. [{k: 20, temperature: 0.07}].");
  }
  for (const { k, temperature } of settings) {
    if (!(Number.isInteger(k) && k >= 1) || !(temperature > 0)) {
      throw new Error(
        `knnClassify(): k must be a positive integer and temperature positive, got k = ${k}, ` +
          `temperature = ${temperature}.`,
      );
    }
  }
  const nTrain = train.features.n;
  const ks = settings.map((s) => Math.min(s.k, nTrain));
  const maxK = Math.max(...ks);
  const blockSize = opts.blockSize ?? 500;
  // Transposed once: tfjs-wasm's matMul with transposeB is ~15× slower than on a transposed copy.
  const trainT = tf.tidy(() => tf.transpose(l2Normalized(train.features))); // [dim, nTrain]
  const testT = l2Normalized(test); // [nTest, dim]
  const predictions = settings.map(() => new Int32Array(test.n));
  const votes = new Float64Array(numClasses);
  try {
    for (let start = 0; start < test.n; start += blockSize) {
      await yieldToEventLoop();
      const count = Math.min(blockSize, test.n - start);
      const sims = await readAndDispose( // [count, nTrain]
        tf.tidy(() => tf.matMul(testT.slice([start, 0], [count, test.dim]), trainT)),
      ) as Float32Array;
      for (let r = 0; r < count; r++) {
        const top = topK(sims.subarray(r * nTrain, (r + 1) * nTrain), maxK); // nearest first
        settings.forEach((setting, s) => {
          votes.fill(0);
          for (let j = 0; j < ks[s]; j++) {
            const at = top[j];
            votes[train.labels[at]] += Math.exp(sims[r * nTrain + at] / setting.temperature);
          }
          let best = 0;
          for (let c = 1; c < numClasses; c++) if (votes[c] > votes[best]) best = c;
          predictions[s][start + r] = best;
        });
      }
    }
  } finally {
    tf.dispose([trainT, testT]);
  }
  return predictions;
}

/**
 * The `k` nearest rows of `features` (cosine similarity) to each row `queries` of the same
 * features, the query itself excluded — "which images does this representation call similar?".
 * Returns one index array per query, nearest first.
 */
export async function nearestRows(
  features: Features,
  queries: ArrayLike<number>,
  k: number,
): Promise<Int32Array[]> {
  if (!(Number.isInteger(k) && k >= 1 && k < features.n)) {
    throw new Error(
      `nearestRows(): k must be an integer in 1..${features.n - 1} (n − 1), got ${k}.`,
    );
  }
  for (const q of Array.from(queries)) {
    if (!(Number.isInteger(q) && q >= 0 && q < features.n)) {
      throw new RangeError(`nearestRows(): query ${q} is not a row index in 0..${features.n - 1}.`);
    }
  }
  const all = l2Normalized(features);
  const out: Int32Array[] = [];
  for (const q of Array.from(queries)) {
    const sims = await readAndDispose(
      tf.tidy(() => tf.matMul(all, tf.transpose(all.slice([q, 0], [1, -1])))),
    );
    sims[q] = -Infinity; // not its own neighbour
    out.push(topK(sims, k));
  }
  all.dispose();
  return out;
}
