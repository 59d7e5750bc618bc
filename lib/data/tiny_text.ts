/**
 * A deliberately small text pipeline for the paradigms overview's word-context demo: raw text →
 * sentences → lower-case word tokens → a frequency-ranked vocabulary → integer ids. Id 0 is
 * padding (`<pad>`), id 1 every word outside the vocabulary (`<unk>`).
 *
 * @example
 * ```ts
 * import { buildWordVocabulary, splitSentences, wordTokens } from "./tiny_text.ts";
 * const sentences = splitSentences("Call me Ishmael. Some years ago, never mind how long.")
 *   .map(wordTokens);
 * const vocab = buildWordVocabulary(sentences, { size: 10 });
 * const ids = vocab.encode(sentences[0]); // Int32Array of 3 ids ≥ 2
 * if (vocab.words[ids[0]] !== "call") throw new Error();
 * ```
 * @module
 */

/** Splits text into sentences: at `.`, `!`, `?` or `;` followed by space, and at blank lines. */
export function splitSentences(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/(?<=[.!?;])\s+|\n\s*\n/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.length > 0);
}

/** Lower-case word tokens: runs of letters, with inner apostrophes kept ("whale's"). */
export function wordTokens(sentence: string): string[] {
  return sentence.toLowerCase().replace(/[’‘]/g, "'").match(/[a-z]+(?:'[a-z]+)*/g) ?? [];
}

/** The padding id. */
export const PAD_ID = 0;
/** The out-of-vocabulary id. */
export const UNKNOWN_ID = 1;

/** A word ↔ id mapping, most frequent words first. */
export interface WordVocabulary {
  /** words[id]; words[0] = "<pad>", words[1] = "<unk>". */
  words: string[];
  /** Occurrences of each word in the text it was built from (0 for the two special ids). */
  counts: number[];
  /** The id of a word (UNKNOWN_ID when it is not in the vocabulary). */
  id(word: string): number;
  /** Ids of a token list. */
  encode(tokens: readonly string[]): Int32Array;
}

/** Options of {@link buildWordVocabulary}. */
export interface WordVocabularyOptions {
  /** Vocabulary size including the two special ids. */
  size: number;
  /** Words seen fewer times are left out (default 1). */
  minCount?: number;
}

/** Builds a vocabulary of the most frequent words (ties broken alphabetically, so it is stable). */
export function buildWordVocabulary(
  sentences: readonly (readonly string[])[],
  opts: WordVocabularyOptions,
): WordVocabulary {
  if (!Number.isInteger(opts.size) || opts.size < 3) {
    throw new Error(`buildWordVocabulary(): size must be an integer ≥ 3, got ${opts.size}.`);
  }
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts.entries()]
    .filter(([, c]) => c >= (opts.minCount ?? 1))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, opts.size - 2);
  const words = ["<pad>", "<unk>", ...ranked.map(([w]) => w)];
  const index = new Map(words.map((w, i) => [w, i]));
  index.delete("<pad>");
  index.delete("<unk>");
  const id = (word: string): number => index.get(word) ?? UNKNOWN_ID;
  return {
    words,
    counts: [0, 0, ...ranked.map(([, c]) => c)],
    id,
    encode: (tokens) => Int32Array.from(tokens, id),
  };
}
