/**
 * Document features for the text notebooks: bag of words (log counts or TF-IDF; columns chosen by
 * document frequency, no labels), a sparse TF-IDF matrix for LSA, averaged word vectors, and the
 * untrained control for pretrained word vectors (random ones of the same shape).
 * @module
 */
import { OOV_ID, type TextSet } from "../data/text.ts";
import { createRng } from "../random.ts";
import type { Features } from "./features.ts";

/** The columns of a bag of words and their inverse document frequencies. */
export interface BagOfWords {
  /** Word id of each column. */
  columns: Int32Array;
  /** Column of each word id (-1: not a column). */
  columnOf: Int32Array;
  /** Smoothed idf of each column: ln((1 + n) / (1 + df)) + 1 (scikit-learn's). */
  idf: Float64Array;
}

/**
 * Picks the `maxFeatures` words found in the most documents of `set` (at least `minDocuments`,
 * default 2; ties by id) — labels are not read — and their idf.
 */
export function fitBagOfWords(
  set: TextSet,
  opts: { maxFeatures: number; vocabSize: number; minDocuments?: number },
): BagOfWords {
  const df = new Int32Array(opts.vocabSize);
  const seen = new Int32Array(opts.vocabSize).fill(-1);
  set.tokens.forEach((doc, d) => {
    for (const id of doc) {
      if (id <= OOV_ID || id >= opts.vocabSize) continue;
      if (seen[id] !== d) {
        seen[id] = d;
        df[id]++;
      }
    }
  });
  const minDocuments = opts.minDocuments ?? 2;
  const ids = Array.from({ length: opts.vocabSize }, (_, i) => i)
    .filter((i) => df[i] >= minDocuments)
    .sort((a, b) => df[b] - df[a] || a - b)
    .slice(0, opts.maxFeatures)
    .sort((a, b) => a - b);
  if (!ids.length) {
    throw new Error(
      `fitBagOfWords(): no word occurs in ${minDocuments} of the ${set.n} documents; lower minDocuments.`,
    );
  }
  const columnOf = new Int32Array(opts.vocabSize).fill(-1);
  ids.forEach((id, c) => (columnOf[id] = c));
  return {
    columns: Int32Array.from(ids),
    columnOf,
    idf: Float64Array.from(ids, (id) => Math.log((1 + set.n) / (1 + df[id])) + 1),
  };
}

/** A sparse matrix in compressed-row form. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** Row r's entries are rowStart[r] … rowStart[r + 1] - 1. */
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

/** Per-document term counts over the columns of `bow`, as a CSR matrix (columns sorted). */
function countMatrix(bow: BagOfWords, set: TextSet): CsrMatrix {
  const rowStart = new Int32Array(set.n + 1);
  const cols: number[] = [], values: number[] = [];
  const count = new Map<number, number>();
  set.tokens.forEach((doc, d) => {
    count.clear();
    for (const id of doc) {
      const c = id < bow.columnOf.length ? bow.columnOf[id] : -1;
      if (c >= 0) count.set(c, (count.get(c) ?? 0) + 1);
    }
    for (const c of [...count.keys()].sort((a, b) => a - b)) {
      cols.push(c);
      values.push(count.get(c)!);
    }
    rowStart[d + 1] = cols.length;
  });
  return {
    rows: set.n,
    cols: bow.columns.length,
    rowStart,
    colIndex: Int32Array.from(cols),
    values: Float64Array.from(values),
  };
}

/**
 * Sublinear TF-IDF rows, L2-normalised: (1 + ln count) · idf (scikit-learn's
 * `TfidfVectorizer(sublinear_tf=True)`), as a sparse matrix for LSA.
 */
export function tfIdfMatrix(bow: BagOfWords, set: TextSet): CsrMatrix {
  const m = countMatrix(bow, set);
  for (let r = 0; r < m.rows; r++) {
    let norm = 0;
    for (let e = m.rowStart[r]; e < m.rowStart[r + 1]; e++) {
      m.values[e] = (1 + Math.log(m.values[e])) * bow.idf[m.colIndex[e]];
      norm += m.values[e] ** 2;
    }
    norm = Math.sqrt(norm) || 1;
    for (let e = m.rowStart[r]; e < m.rowStart[r + 1]; e++) m.values[e] /= norm;
  }
  return m;
}

/** Dense bag-of-words features: ln(1 + count) per column (the probe standardises them). */
export function bagOfWordsFeatures(bow: BagOfWords, set: TextSet): Features {
  const m = countMatrix(bow, set);
  const dim = m.cols;
  const data = new Float32Array(set.n * dim);
  for (let r = 0; r < m.rows; r++) {
    for (let e = m.rowStart[r]; e < m.rowStart[r + 1]; e++) {
      data[r * dim + m.colIndex[e]] = Math.log1p(m.values[e]);
    }
  }
  return { data, n: set.n, dim };
}

/**
 * Each document's mean word vector (`vectors`: [vocabSize, dim], e.g. skip-gram's), over its
 * in-vocabulary words; a document without any gets zeros.
 */
export function averageWordVectors(set: TextSet, vectors: Features): Features {
  const { dim } = vectors;
  const data = new Float32Array(set.n * dim);
  set.tokens.forEach((doc, d) => {
    let count = 0;
    const row = data.subarray(d * dim, (d + 1) * dim);
    for (const id of doc) {
      if (id <= OOV_ID || id >= vectors.n) continue;
      count++;
      for (let j = 0; j < dim; j++) row[j] += vectors.data[id * dim + j];
    }
    if (count) { for (let j = 0; j < dim; j++) row[j] /= count; }
  });
  return { data, n: set.n, dim };
}

/**
 * Random word vectors of the same shape as `like` ([vocabSize, dim], e.g. skip-gram's vectors):
 * every entry drawn from N(0, 1/dim), seeded — the text analogue of the untrained encoder. Pooled
 * and probed exactly as the pretrained vectors are (see `wordVectorSource` in text_methods.ts),
 * they are the control that says how much of a probe's score comes from pretraining rather than
 * from averaging a document's words into `dim` numbers (a random projection of its word counts).
 * Their scale matters to the probe only through its L2 strength, which cross-validation chooses
 * (with standardised or raw features) inside each labelled subset, as for the pretrained vectors.
 */
export function randomWordVectors(
  like: Pick<Features, "n" | "dim">,
  opts: { seed: number },
): Features {
  const { n, dim } = like;
  const rng = createRng(opts.seed);
  const scale = 1 / Math.sqrt(dim);
  const data = new Float32Array(n * dim);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * scale;
  return { data, n, dim };
}
