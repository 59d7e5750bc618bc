/**
 * Word-vector models: the embedding-bag classifier (the mean of a document's word vectors → a
 * linear layer, as fastText) that the text notebooks train from scratch or fine-tune from word2vec
 * vectors (lib/pretext/word2vec.ts), and nearest neighbours of words.
 *
 * The classifier takes int32 token ids; id 0 (padding) and id 1 (out of vocabulary) are left out
 * of every mean. Its embedding gradient is a `tf.gather` gradient, i.e. UnsortedSegmentSum, which
 * lib/backend provides for the wasm backend.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { OOV_ID } from "../data/text.ts";
import type { Features } from "../eval/features.ts";
import { createRng } from "../random.ts";
import { denseHead } from "./encoder.ts";

/**
 * Mean of the rows `ids` of `table`, per example, over the ids that are words (> OOV_ID):
 * table [vocab, dim], ids [batch, slots] int32 → [batch, dim]. A row with no word gives zeros.
 */
export function maskedMeanEmbedding(table: tf.Tensor2D, ids: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const vectors = tf.gather(table, ids); // [batch, slots, dim]
    const mask = tf.cast(tf.greater(ids, OOV_ID), "float32"); // [batch, slots]
    const sum = tf.sum(tf.mul(vectors, tf.expandDims(mask, 2)), 1); // [batch, dim]
    const count = tf.maximum(tf.sum(mask, 1, true), 1); // [batch, 1]
    return tf.div(sum, count) as tf.Tensor2D;
  });
}

let modelCount = 0;

/** Mean of the word vectors of an id sequence: [batch, tokens] int32 → [batch, dim]. */
class EmbeddingBag extends tf.layers.Layer {
  static className = "EmbeddingBag";
  readonly vocabSize: number;
  readonly dim: number;
  readonly initial: Features | null;
  readonly seed: number;
  table!: tf.LayerVariable;

  constructor(
    opts: { vocabSize: number; dim: number; seed: number; vectors?: Features; name: string },
  ) {
    super({ name: opts.name });
    this.vocabSize = opts.vocabSize;
    this.dim = opts.dim;
    this.seed = opts.seed;
    this.initial = opts.vectors ?? null;
  }

  override build(): void {
    const initializer = this.initial
      ? tf.initializers.zeros() // replaced by the given vectors just below
      : tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed }); // Keras' default
    this.table = this.addWeight("vectors", [this.vocabSize, this.dim], "float32", initializer);
    if (this.initial) {
      const v = tf.tensor2d(this.initial.data, [this.initial.n, this.initial.dim]);
      this.table.write(v);
      v.dispose();
    }
    this.built = true;
  }

  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [s[0], this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const ids = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    return maskedMeanEmbedding(this.table.read() as tf.Tensor2D, ids);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, dim: this.dim, seed: this.seed };
  }
}

/** Options of {@link buildEmbeddingBagClassifier}. */
export interface EmbeddingBagOptions {
  vocabSize: number;
  /** Vector length (default 100; taken from `vectors` when given). */
  dim?: number;
  numClasses: number;
  /** Start from these word vectors ([vocabSize, dim]; fine-tuning); omitted: random. */
  vectors?: Features;
  /** Tokens per document (longer documents are cut, shorter ones padded). */
  maxTokens: number;
  seed: number;
  name?: string;
}

/**
 * The embedding-bag classifier: ids [batch, maxTokens] → mean word vector → logits
 * [batch, numClasses]. Every weight trains, the word vectors included.
 */
export function buildEmbeddingBagClassifier(opts: EmbeddingBagOptions): tf.LayersModel {
  if (opts.vectors && opts.vectors.n !== opts.vocabSize) {
    throw new Error(
      `buildEmbeddingBagClassifier(): vectors have ${opts.vectors.n} rows for a vocabulary of ` +
        `${opts.vocabSize}; use the vectors trained on this vocabulary.`,
    );
  }
  const rng = createRng(opts.seed);
  const name = opts.name ?? `embedding_bag_${modelCount++}`;
  const dim = opts.vectors?.dim ?? opts.dim ?? 100;
  const input = tf.input({ shape: [opts.maxTokens], dtype: "int32" });
  const bag = new EmbeddingBag({
    vocabSize: opts.vocabSize,
    dim,
    seed: rng.fork(),
    vectors: opts.vectors,
    name: `${name}_bag`,
  }).apply(input) as tf.SymbolicTensor;
  const logits = denseHead(bag, { units: opts.numClasses, rng, name });
  return tf.model({ inputs: input, outputs: logits, name });
}

/** Pads (id 0) or cuts each document to `maxTokens` ids: [docs.length, maxTokens] int32 data. */
export function padTokens(docs: readonly Int32Array[], maxTokens: number): Int32Array {
  const out = new Int32Array(docs.length * maxTokens);
  docs.forEach((doc, i) => out.set(doc.subarray(0, maxTokens), i * maxTokens));
  return out;
}

/**
 * The `k` words nearest to `word` by cosine similarity of `vectors` (the word itself left out).
 * With `centre`, the mean word vector is subtracted first: word2vec vectors share a common
 * direction that makes every cosine high (Mu & Viswanath 2018, "All-but-the-top").
 */
export function nearestWords(
  vectors: Features,
  words: readonly string[],
  word: string,
  opts: { k?: number; centre?: boolean } = {},
): { word: string; similarity: number }[] {
  const target = words.indexOf(word);
  if (target < 0) throw new Error(`nearestWords(): "${word}" is not in the vocabulary.`);
  const { dim } = vectors;
  let data = vectors.data;
  if (opts.centre) {
    const mean = new Float64Array(dim);
    const rows = vectors.n - OOV_ID - 1;
    for (let i = OOV_ID + 1; i < vectors.n; i++) {
      for (let j = 0; j < dim; j++) mean[j] += data[i * dim + j] / rows;
    }
    data = Float32Array.from(data, (v, k) => v - mean[k % dim]);
  }
  const norm = (i: number) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] ** 2;
    return Math.sqrt(s) || 1;
  };
  const t = norm(target);
  const scored: { word: string; similarity: number }[] = [];
  for (let i = OOV_ID + 1; i < vectors.n; i++) {
    if (i === target) continue;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += data[i * dim + j] * data[target * dim + j];
    scored.push({ word: words[i], similarity: dot / (t * norm(i)) });
  }
  return scored.sort((a, b) => b.similarity - a.similarity).slice(0, opts.k ?? 8);
}
