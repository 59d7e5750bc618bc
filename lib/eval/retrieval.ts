/**
 * Retrieval from a few examples — the seed's "identify all the cat images in a large volume of
 * images and label them", measured: score every image of a collection by how much it looks like
 * a handful of labelled examples of one class, rank, and measure the ranking against the truth
 * (average precision, precision at k, the precision–recall curve).
 *
 * @example
 * ```ts
 * import { rankingMetrics } from "./retrieval.ts";
 * const m = rankingMetrics(Float32Array.from([0.9, 0.8, 0.1, 0.7]), Uint8Array.from([1, 0, 0, 1]), {
 *   ks: [2],
 * });
 * console.log(m.averagePrecision, m.precisionAt[2]); // (1 + 2/3) / 2 ≈ 0.833, 0.5
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { Features } from "./features.ts";
import { l2Normalized } from "./knn.ts";

/**
 * Cosine similarity of every row of `features` to the prototype of the rows `examples`: the mean
 * of their unit-length vectors (a nearest-class-mean retrieval, the simplest few-shot scorer).
 */
export async function prototypeScores(
  features: Features,
  examples: ArrayLike<number>,
): Promise<Float32Array> {
  if (!examples.length) throw new Error("prototypeScores(): give at least one example row.");
  for (const e of Array.from(examples)) {
    if (!(Number.isInteger(e) && e >= 0 && e < features.n)) {
      throw new RangeError(`prototypeScores(): example ${e} is not a row in 0..${features.n - 1}.`);
    }
  }
  const all = l2Normalized(features);
  try {
    return await readAndDispose(tf.tidy(() => {
      const proto = tf.mean(tf.gather(all, Array.from(examples)), 0, true); // [1, dim]
      const unit = tf.div(proto, tf.maximum(tf.norm(proto), 1e-12));
      return tf.reshape(tf.matMul(all, unit, false, true), [-1]);
    })) as Float32Array;
  } finally {
    all.dispose();
  }
}

/** What {@link rankingMetrics} measures of one ranking. */
export interface RankingMetrics {
  /** Mean of the precision at the rank of each relevant item (area under the PR curve). */
  averagePrecision: number;
  /** Precision among the top k, for each k asked. */
  precisionAt: Record<number, number>;
  /** Interpolated precision (the best precision at this recall or beyond) on a recall grid. */
  curve: { recall: number; precision: number }[];
  /** Relevant items ranked (the excluded aside). */
  relevant: number;
}

/**
 * Ranks the items by `scores` (highest first; ties: lower index first), leaving out those with
 * `exclude[i]` (e.g. the labelled examples themselves), and measures the ranking against
 * `relevant` (1 = an item of the class sought). Throws when the lengths differ or nothing
 * relevant is left.
 */
export function rankingMetrics(
  scores: ArrayLike<number>,
  relevant: ArrayLike<number>,
  opts: { exclude?: ArrayLike<number>; ks?: number[]; curvePoints?: number } = {},
): RankingMetrics {
  const n = scores.length;
  if (relevant.length !== n || (opts.exclude && opts.exclude.length !== n)) {
    throw new Error(
      `rankingMetrics(): scores (${n}), relevant (${relevant.length}) and exclude ` +
        `(${opts.exclude?.length ?? n}) must have one entry per item.`,
    );
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => !opts.exclude?.[i])
    .sort((a, b) => scores[b] - scores[a] || a - b);
  const total = order.reduce((s, i) => s + (relevant[i] ? 1 : 0), 0);
  if (!total) throw new Error("rankingMetrics(): no relevant item among those ranked.");
  const precisions: number[] = []; // precision at the rank of each relevant item
  let hits = 0;
  const precisionAt: Record<number, number> = {};
  const ks = new Set(opts.ks ?? []);
  order.forEach((i, rank) => {
    if (relevant[i]) precisions.push(++hits / (rank + 1));
    if (ks.has(rank + 1)) precisionAt[rank + 1] = hits / (rank + 1);
  });
  for (const k of ks) precisionAt[k] ??= hits / order.length; // k beyond the ranking
  const points = opts.curvePoints ?? 50;
  const curve = Array.from({ length: points + 1 }, (_, j) => {
    const recall = j / points;
    const from = Math.max(0, Math.ceil(recall * total) - 1); // the relevant items reaching it
    let best = 0;
    for (let r = from; r < precisions.length; r++) best = Math.max(best, precisions[r]);
    return { recall, precision: best };
  });
  return {
    averagePrecision: precisions.reduce((a, b) => a + b, 0) / total,
    precisionAt,
    curve,
    relevant: total,
  };
}
