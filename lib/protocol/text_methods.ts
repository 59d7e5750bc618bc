/**
 * Methods of the matched protocol for text ({@link TextSet}): the embedding-bag classifier trained
 * on the labeled subset — from scratch (supervised) or from pretrained word vectors (fine-tuned) —
 * and the feature source of pooled word vectors that the linear probe reads. The networks train
 * as the image notebooks' do (`trainEarlyStopped`: by epochs, early stopping on a held-out fifth
 * of the labels, the learning rate chosen there), without augmentation, on the protocol's worker
 * pool ({@link EMBEDDING_BAG_JOB}: a worker is handed the text sets once and each run as plain
 * data).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { TextSet } from "../data/text.ts";
import { buildEmbeddingBagClassifier, padTokens } from "../models/word_vectors.ts";
import type { Family } from "../results/mod.ts";
import type { BatchSource } from "../train/fit.ts";
import type { TrainableSet } from "../train/sources.ts";
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
import type { ProgressDisplay } from "../show/mod.ts";
import { trainEarlyStopped, type TrainSchedule, type TrainSelection } from "./train_and_score.ts";

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

/** Predicted classes of the documents `indices` of `set` (default: all). */
export async function predictTexts(
  model: tf.LayersModel,
  set: TextSet,
  opts: { maxTokens: number; batchSize?: number; indices?: ArrayLike<number> },
): Promise<Int32Array> {
  const batchSize = opts.batchSize ?? 256;
  const indices = opts.indices ?? Int32Array.from({ length: set.n }, (_, i) => i);
  const out = new Int32Array(indices.length);
  for (let start = 0; start < indices.length; start += batchSize) {
    const docs = Array.from(
      { length: Math.min(batchSize, indices.length - start) },
      (_, i) => set.tokens[indices[start + i]],
    );
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

/**
 * A text set as a {@link TrainableSet} (documents read as their first `maxTokens` tokens), for
 * the label side's training loop. Text has no light augmentation: asking for it is an error.
 */
export function textTrainable(set: TextSet, opts: { maxTokens: number }): TrainableSet {
  return {
    n: set.n,
    labels: set.labels,
    labeledSource(indices, o) {
      if (o.augment) {
        throw new Error(
          "text training: the schedule asks for augmentation (`augment: true`), which text does " +
            "not have; set `augment: false` in the embedding bag's schedule.",
        );
      }
      return labeledTextSource(set, indices, opts);
    },
    predict: (model, indices) => predictTexts(model, set, { ...opts, indices }),
    identity: () => ({ tokens: set.tokens, labels: set.labels, maxTokens: opts.maxTokens }),
  };
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
  /** As the image networks' (`augment` must be false): by epochs, early-stopped. */
  schedule: TrainSchedule;
  scorer?: Scorer;
}

/** One embedding-bag run as plain data (what a worker of the protocol's pool is sent). */
export interface EmbeddingBagTask
  extends
    Pick<EmbeddingBagMethodOptions, "vocabSize" | "dim" | "vectors" | "maxTokens" | "schedule"> {
  label: string;
  seed: number;
  /** Indices into the train set of the labelled subset. */
  subset: Int32Array;
  numClasses: number;
}

/** What an embedding-bag run gives back: its class for every test document, and its choices. */
export interface EmbeddingBagOutcome {
  predictions: Int32Array;
  selected: TrainSelection;
}

/** The pool job that trains an embedding bag: {@link trainEmbeddingBag}. */
export const EMBEDDING_BAG_JOB = {
  module: import.meta.url,
  exportName: "trainEmbeddingBag",
} as const;

/**
 * Trains the embedding-bag classifier of `task` on its labelled subset of `data.train` by
 * {@link trainEarlyStopped} (seeded by the task's seed) and predicts every document of
 * `data.test`: the run of {@link embeddingBagMethod}, here or on a worker.
 */
export async function trainEmbeddingBag(
  task: EmbeddingBagTask,
  data: { train: TextSet; test: TextSet },
  progress: ProgressDisplay | false,
): Promise<EmbeddingBagOutcome> {
  const { model, selected } = await trainEarlyStopped(
    () =>
      buildEmbeddingBagClassifier({
        vocabSize: task.vocabSize,
        dim: task.dim,
        numClasses: task.numClasses,
        vectors: task.vectors,
        maxTokens: task.maxTokens,
        seed: task.seed,
      }),
    textTrainable(data.train, task),
    task,
    progress,
  );
  try {
    return { predictions: await predictTexts(model, data.test, task), selected: { ...selected } };
  } finally {
    model.dispose();
  }
}

/**
 * The embedding-bag classifier trained on the labeled subset by {@link trainEmbeddingBag}
 * (by epochs, early stopping and the learning rate on a held-out part of the subset), seeded by
 * the cell's seed, scored on the test set; the rows' `selected` records the learning rate and
 * epoch kept. Runs on the protocol's worker pool when it has one (one kernel thread per worker),
 * else on this thread.
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
    metrics: scorer.metrics,
    async evaluate(cell) {
      const task: EmbeddingBagTask = {
        label: `${name} · ${cell.labelsPerClass}/class · seed ${cell.seed}`,
        seed: cell.seed,
        subset: cell.subset,
        numClasses: cell.numClasses,
        vocabSize: opts.vocabSize,
        dim: opts.dim,
        vectors: opts.vectors,
        maxTokens: opts.maxTokens,
        schedule: opts.schedule,
      };
      const outcome: EmbeddingBagOutcome = cell.pool
        ? await cell.pool.run(EMBEDDING_BAG_JOB, task, (text) => cell.progress.update(text))
        : await trainEmbeddingBag(task, cell.data, cell.progress);
      return {
        scores: scorer.score(outcome.predictions, cell.data.test.labels),
        selected: { ...outcome.selected },
      };
    },
  };
}
