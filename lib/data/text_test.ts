import { assertEquals, assertThrows } from "../_assert.ts";
import {
  buildVocabulary,
  encodeTextSet,
  encodeTokens,
  NUMBER_TOKEN,
  OOV_ID,
  PAD_ID,
  selectTexts,
  tokenize,
} from "./text.ts";

Deno.test("tokenize() lowercases, drops punctuation and folds numbers", () => {
  assertEquals(tokenize("Hello, World! It's 2002... FREE $$$ money?!"), [
    "hello",
    "world",
    "it's",
    NUMBER_TOKEN,
    "free",
    "money",
  ]);
  assertEquals(tokenize("A1 b-52", { numbers: "keep" }), ["a1", "b", "52"]);
  assertEquals(tokenize("x 42 y", { numbers: "drop" }), ["x", "y"]);
  assertEquals(tokenize("Keep Case", { lowercase: false }), ["Keep", "Case"]);
  assertEquals(tokenize("short aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", { maxLength: 10 }), ["short"]);
  assertEquals(tokenize("Café naïve"), ["café", "naïve"]);
  assertEquals(tokenize(""), []);
});

Deno.test("tokenize() rejects non-text input with a clear error", () => {
  assertThrows(
    () => tokenize(42 as unknown as string),
    /expected\ text\ \(a\ string\),\ got\ a\ number/,
  );
  assertThrows(() => tokenize(null as unknown as string), /got\ null/);
});

Deno.test("buildVocabulary() keeps frequent words by count, then alphabetically", () => {
  const docs = [["b", "a", "b", "c"], ["a", "b", "d"], ["c", "a"]];
  const vocab = buildVocabulary(docs, { minCount: 2 });
  assertEquals(vocab.words, ["<pad>", "<unk>", "a", "b", "c"]);
  assertEquals(Array.from(vocab.counts), [0, 1, 3, 3, 2]);
  assertEquals(vocab.size, 5);
  assertEquals(vocab.index.get("c"), 4);
  const capped = buildVocabulary(docs, { minCount: 1, maxSize: 4 });
  assertEquals(capped.words, ["<pad>", "<unk>", "a", "b"]);
  assertEquals(capped.counts[OOV_ID], 3); // c, c, d
});

Deno.test("encodeTokens() maps unknown words to the out-of-vocabulary id", () => {
  const vocab = buildVocabulary([["whale", "whale", "sea"]], { minCount: 1 });
  assertEquals(Array.from(encodeTokens(vocab, ["sea", "ship", "whale"])), [3, OOV_ID, 2]);
  assertEquals(PAD_ID, 0);
});

Deno.test("buildVocabulary() errors on an empty corpus, untokenized input and too high a min-count", () => {
  assertThrows(() => buildVocabulary([]), /the\ corpus\ is\ empty/);
  assertThrows(() => buildVocabulary([[], []]), /2\ documents,\ no\ tokens/);
  assertThrows(
    () => buildVocabulary(["not tokenized"] as unknown as string[][]),
    /tokenize\ each\ text\ first/,
  );
  assertThrows(() => buildVocabulary([["a", "b"]], { minCount: 5 }), /lower\ minCount/);
});

Deno.test("encodeTextSet() encodes texts with labels and checks them; selectTexts() subsets", () => {
  const vocab = buildVocabulary([tokenize("spam spam ham eggs")], { minCount: 1 });
  const set = encodeTextSet(["spam and eggs", "ham"], [1, 0], {
    vocab,
    classNames: ["ham", "spam"],
  });
  assertEquals(set.n, 2);
  assertEquals(Array.from(set.tokens[0]), [
    vocab.index.get("spam"),
    OOV_ID,
    vocab.index.get("eggs"),
  ]);
  assertEquals(Array.from(selectTexts(set, [1]).labels), [0]);
  assertThrows(
    () => encodeTextSet(["a"], [2], { vocab, classNames: ["ham", "spam"] }),
    /not\ a\ class\ id\ 0\.\.1/,
  );
  assertThrows(
    () => encodeTextSet(["a", "b"], [0], { vocab, classNames: ["x"] }),
    /2\ texts\ but\ 1\ labels/,
  );
});
