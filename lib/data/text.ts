/**
 * The suite's general text pipeline: a tokenizer (lowercasing, punctuation removed, numbers folded
 * into one token), a vocabulary builder (min-count, a size cap, padding and out-of-vocabulary
 * ids) and labeled, encoded text sets ({@link TextSet}) that the matched protocol runs on.
 *
 * @example
 * ```ts
 * import { buildVocabulary, encodeTokens, tokenize } from "./text.ts";
 * const docs = ["The whale! The sea.", "A whale, a ship."].map((t) => tokenize(t));
 * const vocab = buildVocabulary(docs, { minCount: 2 });
 * encodeTokens(vocab, tokenize("the whale swims")); // [id of "the", id of "whale", OOV_ID]
 * ```
 * @module
 */

/** Id of the padding token (`"<pad>"`): never a word; embedding bags ignore it. */
export const PAD_ID = 0;
/** Id of the out-of-vocabulary token (`"<unk>"`): every word the vocabulary does not hold. */
export const OOV_ID = 1;
/** The token that stands for every number (digits only), when `numbers` is "fold". */
export const NUMBER_TOKEN = "<num>";

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Lowercase first (default true). */
  lowercase?: boolean;
  /** Numbers: "fold" into {@link NUMBER_TOKEN} (default), "keep" as they are, or "drop". */
  numbers?: "fold" | "keep" | "drop";
  /** Tokens longer than this are dropped: URLs, base64 and other debris (default 25). */
  maxLength?: number;
}

// Letters and digits; an apostrophe inside a word keeps it whole ("don't", "nation's").
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const DIGITS = /^\p{N}+$/u;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Splits `text` into word tokens: lowercased, punctuation and whitespace removed, numbers folded
 * into {@link NUMBER_TOKEN}. Empty text gives no tokens. Throws a TypeError naming what it got
 * when `text` is not a string.
 */
export function tokenize(text: string, opts: TokenizeOptions = {}): string[] {
  if (typeof text !== "string") {
    throw new TypeError(
      `tokenize(): expected text (a string), got ${describe(text)}; pass the document's text.`,
    );
  }
  const { lowercase = true, numbers = "fold", maxLength = 25 } = opts;
  const source = lowercase ? text.toLowerCase() : text;
  const out: string[] = [];
  for (const match of source.matchAll(WORD)) {
    let token = match[0].replace("’", "'");
    if (token.length > maxLength) continue;
    if (numbers !== "keep" && DIGITS.test(token)) {
      if (numbers === "drop") continue;
      token = NUMBER_TOKEN;
    }
    out.push(token);
  }
  return out;
}

/** A vocabulary: id → word and count, word → id. Ids 0 and 1 are `<pad>` and `<unk>`. */
export interface Vocabulary {
  /** Words by id; `words[0]` = "<pad>", `words[1]` = "<unk>", then by decreasing count. */
  words: string[];
  /** Occurrences in the corpus it was built from (`counts[OOV_ID]` = out-of-vocabulary tokens). */
  counts: Float64Array;
  /** Word → id. */
  index: Map<string, number>;
  /** Number of ids, including the two special ones. */
  size: number;
}

/** Options of {@link buildVocabulary}. */
export interface VocabularyOptions {
  /** Words seen fewer times are out of vocabulary (default 5, as word2vec). */
  minCount?: number;
  /** At most this many ids in all (special ids included): the most frequent words are kept. */
  maxSize?: number;
}

/**
 * Builds a vocabulary from tokenized documents: words with at least `minCount` occurrences, most
 * frequent first (ties alphabetical, so the ids are deterministic), capped at `maxSize` ids.
 * Throws when there are no documents or no tokens at all, or when no word reaches `minCount`.
 */
export function buildVocabulary(
  docs: Iterable<readonly string[]>,
  opts: VocabularyOptions = {},
): Vocabulary {
  const { minCount = 5, maxSize = Infinity } = opts;
  if (!(Number.isInteger(minCount) && minCount >= 1)) {
    throw new Error(`buildVocabulary(): minCount must be a positive integer, got ${minCount}.`);
  }
  if (!(maxSize >= 3)) {
    throw new Error(
      `buildVocabulary(): maxSize must be at least 3 (two special ids), got ${maxSize}.`,
    );
  }
  const counts = new Map<string, number>();
  let total = 0, documents = 0;
  for (const doc of docs) {
    if (!Array.isArray(doc)) {
      throw new TypeError(
        `buildVocabulary(): document ${documents} is ${describe(doc)}, not an array of tokens; ` +
          `tokenize each text first (tokenize(text)).`,
      );
    }
    documents++;
    for (const token of doc) {
      counts.set(token, (counts.get(token) ?? 0) + 1);
      total++;
    }
  }
  if (total === 0) {
    throw new Error(
      `buildVocabulary(): the corpus is empty (${documents} documents, no tokens); ` +
        `pass non-empty texts.`,
    );
  }
  const kept = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxSize - 2);
  if (!kept.length) {
    throw new Error(
      `buildVocabulary(): no word occurs ${minCount} times in ${total} tokens; lower minCount.`,
    );
  }
  const words = ["<pad>", "<unk>", ...kept.map(([w]) => w)];
  const vocabCounts = new Float64Array(words.length);
  let inVocabulary = 0;
  kept.forEach(([, c], i) => {
    vocabCounts[i + 2] = c;
    inVocabulary += c;
  });
  vocabCounts[OOV_ID] = total - inVocabulary;
  return {
    words,
    counts: vocabCounts,
    index: new Map(words.map((w, i) => [w, i])),
    size: words.length,
  };
}

/** The ids of `tokens` (out-of-vocabulary words → {@link OOV_ID}). */
export function encodeTokens(vocab: Vocabulary, tokens: readonly string[]): Int32Array {
  return Int32Array.from(tokens, (t) => vocab.index.get(t) ?? OOV_ID);
}

/** Labeled, encoded documents: what the text notebooks' matched protocol runs on. */
export interface TextSet {
  /** Token ids of each document (see {@link encodeTokens}). */
  tokens: Int32Array[];
  /** Class id of each document. */
  labels: Uint8Array;
  n: number;
  /** Class names by id. */
  classNames: string[];
}

/**
 * Tokenizes and encodes `texts` with their labels into a {@link TextSet}. Throws when the counts
 * differ or a label is not a class id of `classNames`.
 */
export function encodeTextSet(
  texts: readonly string[],
  labels: ArrayLike<number>,
  opts: { vocab: Vocabulary; classNames: string[]; tokenize?: TokenizeOptions },
): TextSet {
  if (texts.length !== labels.length) {
    throw new Error(
      `encodeTextSet(): ${texts.length} texts but ${labels.length} labels; give one label per text.`,
    );
  }
  const k = opts.classNames.length;
  for (let i = 0; i < labels.length; i++) {
    if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < k)) {
      throw new Error(
        `encodeTextSet(): label ${labels[i]} of text ${i} is not a class id 0..${k - 1} ` +
          `(${opts.classNames.join(", ")}).`,
      );
    }
  }
  return {
    tokens: texts.map((t) => encodeTokens(opts.vocab, tokenize(t, opts.tokenize))),
    labels: Uint8Array.from(labels),
    n: texts.length,
    classNames: opts.classNames,
  };
}

/** The documents `indices` of `set` (a subset with the same vocabulary and classes). */
export function selectTexts(set: TextSet, indices: ArrayLike<number>): TextSet {
  const chosen = Array.from(indices);
  return {
    tokens: chosen.map((i) => set.tokens[i]),
    labels: Uint8Array.from(chosen, (i) => set.labels[i]),
    n: chosen.length,
    classNames: set.classNames,
  };
}

/** Splits text into sentences: at `.`, `!`, `?` or `;` followed by space, and at blank lines. */
export function splitSentences(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/(?<=[.!?;])\s+|\n\s*\n/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.length > 0);
}
