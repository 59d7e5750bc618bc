/**
 * Few-shot retrieval under the protocol — the seed's "cat" example at scale: for each class and
 * seed, take the class's examples in the protocol's labelled subset (the same subsets the
 * read-outs get at that budget), rank every other image of the pool by how much it looks like
 * them, and measure the ranking against the pool's labels (used only to score).
 *
 * Frozen feature spaces rank by cosine similarity to the examples' prototype; the supervised
 * network trained on the same labelled subset (all classes) ranks by its softmax probability of
 * the class.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { type ImageSet, stratifiedSubset } from "../data/mod.ts";
import { modelOutputs } from "../eval/features.ts";
import { prototypeScores, type RankingMetrics, rankingMetrics } from "../eval/retrieval.ts";
import type { FeatureSource } from "./sources.ts";
import { trainClassifier, type TrainSchedule } from "./train_and_score.ts";

/** One ranking: a space, a seed and a class, with its metrics. */
export interface RetrievalResult extends RankingMetrics {
  space: string;
  seed: number;
  classId: number;
}

/** Options of {@link fewShotRetrieval}. */
export interface RetrievalOptions {
  /** Labelled examples per class (the protocol's subset at this budget). */
  shots: number;
  seeds: number[];
  /** The k of precision@k. */
  ks: number[];
  /** Adds the supervised network trained from scratch on the subset, under this name. */
  supervised?: { name: string; schedule: TrainSchedule };
  numClasses?: number;
  /** Called as each space of each seed is done. */
  onProgress?: (line: string) => void;
}

/**
 * Ranks the pool `pool` (the protocol's train pool: `spaces`' `train()` features are its rows)
 * for every class, seed and space; returns one {@link RetrievalResult} per ranking. The labelled
 * examples themselves are left out of each ranking.
 */
export async function fewShotRetrieval(
  pool: ImageSet,
  spaces: Record<string, FeatureSource>,
  opts: RetrievalOptions,
): Promise<RetrievalResult[]> {
  const classes = opts.numClasses ?? 10;
  const out: RetrievalResult[] = [];
  for (const seed of opts.seeds) {
    const subset = stratifiedSubset(pool.labels, opts.shots, { seed, numClasses: classes });
    const exclude = new Uint8Array(pool.n);
    for (const i of subset) exclude[i] = 1;
    const measure = (space: string, classId: number, scores: ArrayLike<number>) => {
      const relevant = Uint8Array.from(pool.labels, (l) => (l === classId ? 1 : 0));
      out.push({
        space,
        seed,
        classId,
        ...rankingMetrics(scores, relevant, { exclude, ks: opts.ks }),
      });
    };
    for (const [space, source] of Object.entries(spaces)) {
      const features = await source.train();
      if (features.n !== pool.n) {
        throw new Error(
          `fewShotRetrieval(): space "${space}" has ${features.n} rows, the pool ${pool.n}: ` +
            `give the sources of the protocol's data, whose train() is the pool.`,
        );
      }
      for (let c = 0; c < classes; c++) {
        measure(
          space,
          c,
          await prototypeScores(features, subset.filter((i) => pool.labels[i] === c)),
        );
      }
      opts.onProgress?.(`seed ${seed}: ${space}`);
    }
    if (opts.supervised) {
      const { model } = await trainClassifier(
        {
          label: `${opts.supervised.name} · seed ${seed}`,
          seed,
          subset,
          encoderWeights: null,
          numClasses: classes,
          schedule: opts.supervised.schedule,
        },
        pool,
        false,
      );
      try {
        const logits = (await modelOutputs(model, pool))[0];
        const probs = await readAndDispose(
          tf.tidy(() => tf.softmax(tf.tensor2d(logits.data, [logits.n, logits.dim]))),
        );
        for (let c = 0; c < classes; c++) {
          measure(
            opts.supervised.name,
            c,
            Float32Array.from({ length: pool.n }, (_, i) => probs[i * classes + c]),
          );
        }
      } finally {
        model.dispose();
      }
      opts.onProgress?.(`seed ${seed}: ${opts.supervised.name}`);
    }
  }
  return out;
}
