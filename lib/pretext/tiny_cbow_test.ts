import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { buildVocabulary, encodeTokens } from "../data/text.ts";
import { nearestWords } from "../models/word_vectors.ts";
import { sourceAccuracy } from "../eval/evaluate.ts";
import { fit } from "../train/fit.ts";
import { buildCbowModel, cbowEmbeddings, contextPairs, contextPairSource } from "./tiny_cbow.ts";

await tf.setBackend("cpu");

Deno.test("contextPairs() manufactures (neighbours → word) pairs, padding the edges", () => {
  const pairs = contextPairs([Int32Array.of(2, 3, 1, 4)], { window: 1 });
  // the <unk> (1) target is skipped, but it still appears as a neighbour
  assertEquals([...pairs.targets], [2, 3, 4]);
  assertEquals([...pairs.contexts], [0, 3, 2, 1, 1, 0]);
  assertEquals(contextPairs([Int32Array.of(1)], { skipUnknown: false }).size, 1);
  assertThrows(() => contextPairs([], { window: 0 }), /window must be a positive integer/);
});

Deno.test("contextPairSource() batches rows of the chosen examples", () => {
  const pairs = contextPairs([Int32Array.of(2, 3, 4)], { window: 1 });
  const { x, y } = contextPairSource(pairs, [2, 0]).batch(Int32Array.of(0, 1), {} as never);
  assertEquals(x.shape, [2, 2]);
  assertEquals([...x.dataSync()], [3, 0, 0, 3]);
  assertEquals([...y.dataSync()], [4, 2]);
  tf.dispose([x, y]);
});

Deno.test("a CBOW model learns a deterministic language; words in the same slot become neighbours", async () => {
  // "the <animal> eats <food> today": animals share contexts, foods share contexts.
  const animals = ["cat", "dog", "cow"], foods = ["fish", "meat", "grass"];
  const sentences = [];
  for (let i = 0; i < 60; i++) {
    sentences.push(["the", animals[i % 3], "eats", foods[i % 3], "today"]);
  }
  const vocab = buildVocabulary(sentences, { minCount: 1, maxSize: 20 });
  const pairs = contextPairs(sentences.map((s) => encodeTokens(vocab, s)), { window: 2 });
  const model = buildCbowModel(vocab.words.length, { seed: 0, window: 2, dim: 8 });
  const source = contextPairSource(pairs);
  await fit(model, source, {
    epochs: 40,
    batchSize: 32,
    seed: 0,
    learningRate: 0.05,
    progress: false,
  });
  assert(await sourceAccuracy(model, source) > 0.9);
  const embeddings = await cbowEmbeddings(model);
  assertEquals([embeddings.n, embeddings.dim], [vocab.words.length, 8]);
  const near = nearestWords(embeddings, vocab.words, "eats", { k: 3 }).map((n) => n.word);
  assertEquals(near.length, 3);
  assertThrows(() => nearestWords(embeddings, vocab.words, "unicorn"), /not in the vocabulary/);
  model.dispose();
});
