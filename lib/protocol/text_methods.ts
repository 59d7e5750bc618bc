/**
 * Methods of the matched protocol for text ({@link TextSet}): the embedding-bag classifier trained
 * on the labeled subset — from scratch (supervised) or from pretrained word vectors (fine-tuned) —
 * and the feature source of pooled word vectors that the linear probe reads. The networks are
 * small, so they run inline on the protocol's thread (the worker pool hosts image training only).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { TextSet } from "../data/text.ts";
import { buildEmbeddingBagClassifier, padTokens } from "../models/word_vectors.ts";
import type { Family } from "../results/mod.ts";
import { fit } from "../train/fit.ts";
import type { BatchSource } from "../train/fit.ts";
import type { Features } from "../eval/features.ts";
import {
  accuracyScorer,
  cachedFeatures,
  type FeatureSource,
  type Method,
  type ProtocolData,
  type Scorer,
} from "./protocol.ts";
import { averageWordVectors } from "../eval/text_features.ts";
import { scheduleFor, type StepSchedule } from "./train_and_score.ts";

/**
 * Each document of the train pool and the test set as its mean word vector
 * ({@link averageWordVectors}), computed once: the one path from word vectors — pretrained or the
 * random control (`randomWordVectors`) — to the features a probe reads.
 */
export function wordVectorSource(data: ProtocolData<TextSet>, vectors: Features): FeatureSource {
  return cachedFeatures(data, (set) => averageWordVectors(set, vectors));
}

/** Documents `indices` of `set` as padded ids [batch, maxTokens] with their labels. */
export function labeledTextSource(
  set: TextSet,
  indices: ArrayLike<number>,
  opts: { maxTokens: number },
): BatchSource {
  return {
    size: indices.length,
    batch(positions) {
      const chosen = Array.from(positions, (p) => indices[p]);
      const x = tf.tensor2d(
        padTokens(chosen.map((i) => set.tokens[i]), opts.maxTokens),
        [chosen.length, opts.maxTokens],
        "int32",
      );
      const y = tf.tensor1d(Int32Array.from(chosen, (i) => set.labels[i]), "int32");
      return { x, y };
    },
  };
}

/** Predicted classes of every document of `set`. */
export async function predictTexts(
  model: tf.LayersModel,
  set: TextSet,
  opts: { maxTokens: number; batchSize?: number },
): Promise<Int32Array> {
  const batchSize = opts.batchSize ?? 256;
  const out = new Int32Array(set.n);
  for (let start = 0; start < set.n; start += batchSize) {
    const docs = set.tokens.slice(start, start + batchSize);
    const pred = tf.tidy(() => {
      const x = tf.tensor2d(
        padTokens(docs, opts.maxTokens),
        [docs.length, opts.maxTokens],
        "int32",
      );
      return tf.argMax(model.predict(x) as tf.Tensor, -1);
    });
    out.set(await readAndDispose(pred), start);
  }
  return out;
}

/** Options of {@link embeddingBagMethod}. */
export interface EmbeddingBagMethodOptions {
  vocabSize: number;
  /** Vector length of a from-scratch model (default 100). */
  dim?: number;
  /** Pretrained word vectors [vocabSize, dim] to start from (fine-tuning); omitted: random. */
  vectors?: Features;
  /** Tokens read per document. */
  maxTokens: number;
  schedule: StepSchedule;
  scorer?: Scorer;
}

/**
 * The embedding-bag classifier trained on the labeled subset (Adam, cosine decay, the shared
 * schedule), seeded by the cell's seed, scored on the test set. Runs inline.
 */
export function embeddingBagMethod(
  name: string,
  family: Family,
  opts: EmbeddingBagMethodOptions,
): Method<TextSet> {
  const scorer = opts.scorer ?? accuracyScorer;
  return {
    name,
    family,
    deterministic: false,
    inline: true,
    metrics: scorer.metrics,
    async evaluate(cell) {
      const model = buildEmbeddingBagClassifier({
        vocabSize: opts.vocabSize,
        dim: opts.dim,
        numClasses: cell.numClasses,
        vectors: opts.vectors,
        maxTokens: opts.maxTokens,
        seed: cell.seed,
      });
      try {
        const { epochs, steps } = scheduleFor(cell.subset.length, opts.schedule);
        await fit(model, labeledTextSource(cell.data.train, cell.subset, opts), {
          epochs,
          stepsPerEpoch: steps,
          batchSize: opts.schedule.batchSize,
          learningRate: opts.schedule.learningRate,
          cosine: true,
          seed: cell.seed,
          label: `${name} · ${cell.labelsPerClass}/class · seed ${cell.seed}`,
          progress: cell.progress,
        });
        return scorer.score(await predictTexts(model, cell.data.test, opts), cell.data.test.labels);
      } finally {
        model.dispose();
      }
    },
  };
}
