/**
 * The word2vec pretext tasks (Mikolov et al. 2013, "Distributed Representations of Words and
 * Phrases"): skip-gram — predict the words around a word — and CBOW — predict a hidden (masked)
 * word from the words around it. Both with negative sampling: the true word must score above
 * `negatives` words drawn from the unigram distribution raised to 3/4. Frequent words are
 * subsampled (kept with probability (√(f/t) + 1)·t/f, as word2vec's code). Trained by sparse SGD
 * ({@link trainWord2Vec}), as the reference implementation.
 *
 * @example
 * ```ts
 * import { buildVocabulary, encodeTokens, tokenize } from "../data/text.ts";
 * import { negativeSampler, tokenStream, trainWord2Vec } from "./word2vec.ts";
 * const docs = ["the whale and the sea", "the ship and the whale"].map((t) => tokenize(t));
 * const vocab = buildVocabulary(docs, { minCount: 1 });
 * const stream = tokenStream(docs.map((d) => encodeTokens(vocab, d)), { seed: 0 });
 * const model = await trainWord2Vec(stream, {
 *   kind: "skip-gram", vocabSize: vocab.size, dim: 8, window: 2, negatives: 2,
 *   sampler: negativeSampler(vocab.counts), seed: 0, progress: false,
 * });
 * ```
 * @module
 */
import { OOV_ID, PAD_ID } from "../data/text.ts";
import { createRng, type Rng } from "../random.ts";
import type { Features } from "../eval/features.ts";
import { type ProgressDisplay, progressDisplay } from "../show/mod.ts";
import { yieldToEventLoop } from "../_yield.ts";

/** Draws word ids from counts^power (special ids never). */
export interface NegativeSampler {
  sample(rng: Rng): number;
  /** Probability of each id. */
  probabilities: Float64Array;
}

/** The unigram^0.75 negative sampler (`power` 0.75 by default; ids 0 and 1 are never drawn). */
export function negativeSampler(
  counts: ArrayLike<number>,
  opts: { power?: number } = {},
): NegativeSampler {
  const power = opts.power ?? 0.75;
  const cumulative = new Float64Array(counts.length);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    if (i > OOV_ID) total += Math.max(0, counts[i]) ** power;
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new Error("negativeSampler(): every word count is 0; nothing to sample.");
  const probabilities = new Float64Array(counts.length);
  for (let i = OOV_ID + 1; i < counts.length; i++) {
    probabilities[i] = (cumulative[i] - cumulative[i - 1]) / total;
  }
  return {
    probabilities,
    sample(rng) {
      const u = rng.next() * total;
      let lo = OOV_ID + 1, hi = counts.length - 1;
      while (lo < hi) { // first id whose cumulative weight exceeds u
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}

/**
 * Probability of keeping each word when subsampling frequent words: min(1, (√(f/t) + 1)·t/f) with
 * f the word's share of the corpus (word2vec's formula; `threshold` t default 1e-4). Special ids
 * get 0: they never enter the stream.
 */
export function keepProbabilities(
  counts: ArrayLike<number>,
  opts: { threshold?: number } = {},
): Float64Array {
  const t = opts.threshold ?? 1e-4;
  let total = 0;
  for (let i = OOV_ID + 1; i < counts.length; i++) total += counts[i];
  const keep = new Float64Array(counts.length);
  for (let i = OOV_ID + 1; i < counts.length; i++) {
    const f = counts[i] / total;
    keep[i] = f > 0 ? Math.min(1, (Math.sqrt(f / t) + 1) * t / f) : 0;
  }
  return keep;
}

/** The training text as one id stream; contexts never cross a document's bounds. */
export interface TokenStream {
  ids: Int32Array;
  /** Document of each position. */
  doc: Int32Array;
  /** Stream bounds of each document: positions docStart[d] … docEnd[d] - 1. */
  docStart: Int32Array;
  docEnd: Int32Array;
}

/**
 * Concatenates encoded documents (in a seeded random order with `shuffle`) into a
 * {@link TokenStream}: padding and out-of-vocabulary ids are dropped, frequent words subsampled
 * when `keep` (from {@link keepProbabilities}) is given (seeded, once), and documents left with
 * fewer than two words skipped.
 */
export function tokenStream(
  docs: readonly Int32Array[],
  opts: { keep?: Float64Array; seed: number; shuffle?: boolean },
): TokenStream {
  const rng = createRng(opts.seed);
  const order = Array.from(docs, (_, i) => i);
  if (opts.shuffle) rng.shuffle(order); // mixed corpora: every part sees the whole decay of the step
  const ids: number[] = [], doc: number[] = [], starts: number[] = [], ends: number[] = [];
  for (const tokens of order.map((i) => docs[i])) {
    const start = ids.length;
    for (const id of tokens) {
      if (id === PAD_ID || id === OOV_ID) continue;
      if (opts.keep && rng.next() >= opts.keep[id]) continue;
      ids.push(id);
      doc.push(starts.length);
    }
    if (ids.length - start < 2) {
      ids.length = doc.length = start;
      continue;
    }
    starts.push(start);
    ends.push(ids.length);
  }
  if (!ids.length) {
    throw new Error(
      "tokenStream(): no document has two in-vocabulary words; check the vocabulary and the texts.",
    );
  }
  return {
    ids: Int32Array.from(ids),
    doc: Int32Array.from(doc),
    docStart: Int32Array.from(starts),
    docEnd: Int32Array.from(ends),
  };
}

/** Options of {@link trainWord2Vec}. */
export interface Word2VecOptions {
  /** "skip-gram": each context word predicts the centre word's output vector (word2vec's code);
   * "cbow": the mean of the context predicts the hidden centre word. */
  kind: "skip-gram" | "cbow";
  vocabSize: number;
  /** Vector length (default 100). */
  dim?: number;
  /** Largest distance to a context word; each position draws its reach from 1..window. */
  window: number;
  /** Negative words per positive one, from `sampler`. */
  negatives: number;
  sampler: NegativeSampler;
  /** Passes over the stream (default 1). */
  epochs?: number;
  /** Starting SGD step, decayed linearly to 0.01 % of it (word2vec: 0.025 skip-gram, 0.05 CBOW). */
  learningRate?: number;
  seed: number;
  /** Shown in the progress line. */
  label?: string;
  /** Live progress: true (default) opens a display; false none; a display is reused. */
  progress?: boolean | ProgressDisplay;
  /** Called every `logEvery` positions with running means (curves). */
  onLog?: (point: Word2VecLogPoint) => void;
  /** Stream positions between `onLog` calls (default 20,000). */
  logEvery?: number;
}

/** A point of the training curve: means since the previous point. */
export interface Word2VecLogPoint {
  /** Fractional epoch. */
  epoch: number;
  /** Negative-sampling loss per (positive + negatives) group. */
  loss: number;
  /** Share of groups where the true word scores above every negative (chance 1/(1+negatives)). */
  accuracy: number;
}

/** Trained word2vec: input vectors (the word vectors) and output vectors. */
export interface Word2Vec {
  /** [vocabSize, dim]: the word vectors downstream tasks use. */
  vectors: Features;
  /** [vocabSize, dim]: the output ("context") vectors. */
  output: Float32Array;
  dim: number;
  kind: "skip-gram" | "cbow";
  /** Per-epoch means and speed. */
  history: {
    epoch: number;
    loss: number;
    accuracy: number;
    seconds: number;
    wordsPerSecond: number;
  }[];
}

const MAX_SCORE = 30; // scores are clipped before the sigmoid, as word2vec's table (±6) does

/**
 * Trains word2vec with negative sampling by plain SGD on sparse rows, as the reference C code
 * does (one example at a time, linearly decaying step): a dense-gradient optimiser would update
 * all vocabulary × dim weights for every batch, which on two CPU cores is ~50× slower. Seeded and
 * deterministic. Yields to the event loop regularly so progress displays update.
 */
export async function trainWord2Vec(stream: TokenStream, opts: Word2VecOptions): Promise<Word2Vec> {
  const { vocabSize, window, negatives, kind } = opts;
  const dim = opts.dim ?? 100;
  const epochs = opts.epochs ?? 1;
  if (!(Number.isInteger(window) && window >= 1)) {
    throw new Error(`trainWord2Vec(): window must be a positive integer, got ${window}.`);
  }
  if (!(Number.isInteger(negatives) && negatives >= 1)) {
    throw new Error(`trainWord2Vec(): negatives must be a positive integer, got ${negatives}.`);
  }
  if (!(Number.isInteger(epochs) && epochs >= 1)) {
    throw new Error(`trainWord2Vec(): epochs must be a positive integer, got ${epochs}.`);
  }
  const rng = createRng(opts.seed);
  const input = new Float32Array(vocabSize * dim);
  for (let i = 0; i < input.length; i++) input[i] = (rng.next() - 0.5) / dim; // word2vec's init
  const output = new Float32Array(vocabSize * dim);
  const hidden = new Float32Array(dim), update = new Float32Array(dim);
  const lr0 = opts.learningRate ?? (kind === "skip-gram" ? 0.025 : 0.05);
  const n = stream.ids.length, total = n * epochs;
  const label = opts.label ?? `word2vec (${kind})`;
  const ownDisplay = opts.progress === undefined || opts.progress === true;
  const progress = opts.progress === false
    ? null
    : ownDisplay
    ? progressDisplay()
    : opts.progress as ProgressDisplay;
  const logEvery = opts.logEvery ?? 20000;
  let loss = 0, right = 0, groups = 0;
  let logLoss = 0, logRight = 0, logGroups = 0;
  const history: Word2Vec["history"] = [];

  // One (hidden → target + negatives) group: updates output rows, accumulates into `update`.
  const group = (target: number, lr: number): void => {
    let positive = 0, best = -Infinity;
    for (let k = 0; k <= negatives; k++) {
      const word = k === 0 ? target : opts.sampler.sample(rng);
      if (k > 0 && word === target) continue;
      const at = word * dim;
      let score = 0;
      for (let j = 0; j < dim; j++) score += hidden[j] * output[at + j];
      score = Math.max(-MAX_SCORE, Math.min(MAX_SCORE, score));
      const sigma = 1 / (1 + Math.exp(-score));
      const g = ((k === 0 ? 1 : 0) - sigma) * lr;
      for (let j = 0; j < dim; j++) update[j] += g * output[at + j];
      for (let j = 0; j < dim; j++) output[at + j] += g * hidden[j];
      if (k === 0) {
        positive = score;
        loss -= Math.log(sigma + 1e-12);
      } else {
        loss -= Math.log(1 - sigma + 1e-12);
        best = Math.max(best, score);
      }
    }
    if (positive > best) right++;
    groups++;
  };

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const before = { loss, right, groups };
      for (let p = 0; p < n; p++) {
        const done = (epoch - 1) * n + p;
        const lr = Math.max(lr0 * 1e-4, lr0 * (1 - done / total));
        const d = stream.doc[p];
        const reach = 1 + rng.int(window);
        const lo = Math.max(stream.docStart[d], p - reach);
        const hi = Math.min(stream.docEnd[d] - 1, p + reach);
        const centre = stream.ids[p];
        if (kind === "skip-gram") {
          for (let q = lo; q <= hi; q++) {
            if (q === p) continue;
            const at = stream.ids[q] * dim;
            for (let j = 0; j < dim; j++) hidden[j] = input[at + j];
            update.fill(0);
            group(centre, lr);
            for (let j = 0; j < dim; j++) input[at + j] += update[j];
          }
        } else {
          hidden.fill(0);
          const count = hi - lo; // context words (the centre is left out)
          for (let q = lo; q <= hi; q++) {
            if (q === p) continue;
            const at = stream.ids[q] * dim;
            for (let j = 0; j < dim; j++) hidden[j] += input[at + j] / count;
          }
          update.fill(0);
          group(centre, lr);
          for (let q = lo; q <= hi; q++) {
            if (q === p) continue;
            const at = stream.ids[q] * dim;
            for (let j = 0; j < dim; j++) input[at + j] += update[j];
          }
        }
        if ((p + 1) % logEvery === 0 || p === n - 1) {
          const count = groups - logGroups;
          const point = {
            epoch: epoch - 1 + (p + 1) / n,
            loss: (loss - logLoss) / Math.max(count, 1),
            accuracy: (right - logRight) / Math.max(count, 1),
          };
          if (!Number.isFinite(point.loss)) {
            throw new Error(
              `trainWord2Vec(${label}): the loss became ${point.loss} at epoch ${epoch}; lower learningRate (now ${lr0}).`,
            );
          }
          opts.onLog?.(point);
          logLoss = loss;
          logRight = right;
          logGroups = groups;
          const rate = (p + 1) / ((performance.now() - started) / 1000);
          progress?.update(
            `${label} · epoch ${epoch}/${epochs} · ${((p + 1) / n * 100).toFixed(0)} % · loss ${
              point.loss.toFixed(3)
            } · acc ${(point.accuracy * 100).toFixed(1)} % · ${rate.toFixed(0)} words/s`,
          );
          await yieldToEventLoop();
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const count = groups - before.groups;
      history.push({
        epoch,
        loss: (loss - before.loss) / count,
        accuracy: (right - before.right) / count,
        seconds,
        wordsPerSecond: n / seconds,
      });
    }
  } finally {
    if (ownDisplay) progress?.done();
  }
  return { vectors: { data: input, n: vocabSize, dim }, output, dim, kind, history };
}

/**
 * The pretext task's score on held-out text: for each position of `stream` (one context word for
 * skip-gram, the whole context for CBOW, within `window`), does the true word score above
 * `negatives` sampled words? Seeded; nothing is trained. Chance is 1/(1 + negatives).
 */
export function word2vecAccuracy(
  model: Word2Vec,
  stream: TokenStream,
  opts: {
    window: number;
    negatives: number;
    sampler: NegativeSampler;
    seed: number;
    limit?: number;
  },
): number {
  const rng = createRng(opts.seed);
  const { dim } = model;
  const input = model.vectors.data, output = model.output;
  const hidden = new Float32Array(dim);
  const n = Math.min(stream.ids.length, opts.limit ?? Infinity);
  const score = (word: number) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += hidden[j] * output[word * dim + j];
    return s;
  };
  let right = 0;
  for (let p = 0; p < n; p++) {
    const d = stream.doc[p];
    const reach = 1 + rng.int(opts.window);
    const lo = Math.max(stream.docStart[d], p - reach);
    const hi = Math.min(stream.docEnd[d] - 1, p + reach);
    hidden.fill(0);
    if (model.kind === "skip-gram") {
      let q = p;
      while (q === p) q = lo + rng.int(hi - lo + 1);
      hidden.set(input.subarray(stream.ids[q] * dim, (stream.ids[q] + 1) * dim));
    } else {
      for (let q = lo; q <= hi; q++) {
        if (q === p) continue;
        for (let j = 0; j < dim; j++) hidden[j] += input[stream.ids[q] * dim + j];
      }
    }
    const positive = score(stream.ids[p]);
    let best = -Infinity;
    for (let k = 0; k < opts.negatives; k++) {
      const word = opts.sampler.sample(rng);
      if (word !== stream.ids[p]) best = Math.max(best, score(word));
    }
    if (positive > best) right++;
  }
  return n ? right / n : 0;
}
