import { assertEquals, assertThrows } from "../_assert.ts";
import { buildWordVocabulary, splitSentences, UNKNOWN_ID, wordTokens } from "./tiny_text.ts";

Deno.test("splitSentences() splits at sentence ends and blank lines, normalising space", () => {
  assertEquals(splitSentences("Call me\nIshmael. Some years ago!\n\nCHAPTER 1 Loomings"), [
    "Call me Ishmael.",
    "Some years ago!",
    "CHAPTER 1 Loomings",
  ]);
});

Deno.test("wordTokens() lower-cases words and keeps inner apostrophes", () => {
  assertEquals(wordTokens("The whale’s  TAIL -- 1851, 'twas"), ["the", "whale's", "tail", "twas"]);
});

Deno.test("buildWordVocabulary() ranks by frequency, ties alphabetically; unknown → 1", () => {
  const vocab = buildWordVocabulary([["b", "a", "c", "a"], ["b", "d"]], { size: 5 });
  assertEquals(vocab.words, ["<pad>", "<unk>", "a", "b", "c"]);
  assertEquals(vocab.counts, [0, 0, 2, 2, 1]);
  assertEquals([...vocab.encode(["a", "d", "<pad>"])], [2, UNKNOWN_ID, UNKNOWN_ID]);
  assertEquals(buildWordVocabulary([["a", "b", "a"]], { size: 10, minCount: 2 }).words.length, 3);
  assertThrows(() => buildWordVocabulary([], { size: 2 }), /size must be an integer ≥ 3/);
});
