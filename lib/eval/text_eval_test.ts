import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import type { TextSet } from "../data/text.ts";
import { createRng } from "../random.ts";
import { binaryScorer, binaryScores } from "./metrics.ts";
import { runProtocol } from "../protocol/protocol.ts";
import {
  averageWordVectors,
  bagOfWordsFeatures,
  fitBagOfWords,
  randomWordVectors,
  tfIdfMatrix,
} from "./text_features.ts";
import { embeddingBagMethod, wordVectorSource } from "../protocol/text_methods.ts";
import { fitTruncatedSvd, svdTransform } from "./truncated_svd.ts";

await initBackend("wasm");

Deno.test("binaryScores() computes precision, recall and F1 of the positive class", () => {
  const s = binaryScores([1, 1, 0, 0, 1], [1, 0, 0, 1, 1]);
  assertAlmostEquals(s.accuracy, 3 / 5);
  assertAlmostEquals(s.precision, 2 / 3);
  assertAlmostEquals(s.recall, 2 / 3);
  assertAlmostEquals(s.f1, 2 / 3);
  assertEquals(binaryScores([0, 0], [0, 1]).f1, 0); // no positive predicted: 0, not NaN
  assertEquals(binaryScorer({ name: "spam" }).metrics, [
    "accuracy",
    "F1 (spam)",
    "precision (spam)",
    "recall (spam)",
  ]);
});

const set: TextSet = {
  tokens: [Int32Array.of(2, 2, 3), Int32Array.of(3, 4, 1), Int32Array.of(4, 5, 0)],
  labels: Uint8Array.of(0, 1, 1),
  n: 3,
  classNames: ["a", "b"],
};

Deno.test("fitBagOfWords() picks words by document frequency; features are ln(1 + count)", () => {
  const bow = fitBagOfWords(set, { maxFeatures: 2, vocabSize: 6 });
  assertEquals(Array.from(bow.columns), [3, 4]); // in 2 documents each; 2 and 5 in one
  const f = bagOfWordsFeatures(bow, set);
  assertEquals(f.dim, 2);
  assertEquals(
    Array.from(f.data),
    [Math.log(2), 0, Math.log(2), Math.log(2), 0, Math.log(2)].map(Math.fround),
  );
  const tfidf = tfIdfMatrix(
    fitBagOfWords(set, { maxFeatures: 10, vocabSize: 6, minDocuments: 1 }),
    set,
  );
  for (let r = 0; r < 3; r++) {
    let norm = 0;
    for (let e = tfidf.rowStart[r]; e < tfidf.rowStart[r + 1]; e++) norm += tfidf.values[e] ** 2;
    assertAlmostEquals(norm, 1, 1e-12);
  }
});

Deno.test("averageWordVectors() averages in-vocabulary words and skips pad/unknown ids", () => {
  const vectors = { data: Float32Array.from({ length: 12 }, (_, i) => i), n: 6, dim: 2 };
  const f = averageWordVectors(set, vectors);
  assertEquals(Array.from(f.data.subarray(2, 4)), [7, 8]); // mean of rows 3, 4
  assertEquals(Array.from(f.data.subarray(4, 6)), [9, 10]); // rows 4, 5 (pad ignored)
});

Deno.test("randomWordVectors(): seeded N(0, 1/dim), pretrained shape, same pooling", async () => {
  const pretrained = { data: Float32Array.from({ length: 12 }, (_, i) => i), n: 6, dim: 2 };
  const random = randomWordVectors(pretrained, { seed: 7 });
  assertEquals([random.n, random.dim, random.data.length], [6, 2, 12]);
  assertEquals(random.data, randomWordVectors(pretrained, { seed: 7 }).data); // deterministic
  assert(random.data.some((v, i) => v !== randomWordVectors(pretrained, { seed: 8 }).data[i]));
  const big = randomWordVectors({ n: 500, dim: 20 }, { seed: 0 });
  const mean = big.data.reduce((s, v) => s + v, 0) / big.data.length;
  const variance = big.data.reduce((s, v) => s + (v - mean) ** 2, 0) / big.data.length;
  assertAlmostEquals(mean, 0, 0.01);
  assertAlmostEquals(variance, 1 / 20, 0.005);
  // Both go through the one pooling path: the source's features are averageWordVectors' output.
  const data = { train: set, test: separable(4, 3) };
  for (const vectors of [pretrained, random]) {
    const source = wordVectorSource(data, vectors);
    assertEquals(await source.train(), averageWordVectors(data.train, vectors));
    assertEquals(await source.test(), averageWordVectors(data.test, vectors));
  }
});

Deno.test("fitTruncatedSvd() recovers the singular values of a small matrix", () => {
  // Rows of a rank-2 matrix with known singular values: diag(3, 2) in the first two columns.
  const dense = [[3, 0, 0], [0, 2, 0], [0, 0, 0], [0, 0, 0]];
  const rowStart = new Int32Array(5), cols: number[] = [], values: number[] = [];
  dense.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v) {
        cols.push(c);
        values.push(v);
      }
    });
    rowStart[r + 1] = cols.length;
  });
  const m = {
    rows: 4,
    cols: 3,
    rowStart,
    colIndex: Int32Array.from(cols),
    values: Float64Array.from(values),
  };
  const svd = fitTruncatedSvd(m, { components: 2, seed: 0 });
  assertAlmostEquals(svd.singularValues[0], 3, 1e-9);
  assertAlmostEquals(svd.singularValues[1], 2, 1e-9);
  const projected = svdTransform(svd, m);
  assertAlmostEquals(Math.abs(projected.data[0]), 3, 1e-5);
  assertAlmostEquals(Math.abs(projected.data[3]), 2, 1e-5);
});

/** Documents whose class shows in their words: class 0 uses ids 2..9, class 1 ids 10..17. */
function separable(n: number, seed: number): TextSet {
  const rng = createRng(seed);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
  return {
    tokens: Array.from(
      labels,
      (c) => Int32Array.from({ length: 12 }, () => 2 + c * 8 + rng.int(8)),
    ),
    labels,
    n,
    classNames: ["zero", "one"],
  };
}

Deno.test({
  name:
    "embeddingBagMethod() trains an embedding layer on wasm and scores F1; the worker pool gives the same runs",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const data = { train: separable(40, 1), test: separable(20, 2) };
    const before = tf.memory().numTensors;
    const method = embeddingBagMethod("bag", "supervised", {
      vocabSize: 18,
      dim: 8,
      maxTokens: 16,
      schedule: {
        batchSize: 8,
        maxEpochs: 30,
        patience: 5,
        maxImages: null,
        learningRates: [0.05, 0.01],
        augment: false,
      },
      scorer: binaryScorer({ name: "one" }),
    });
    const { rows, runs } = await runProtocol(data, [method], {
      budgets: [5],
      seeds: [0],
      numClasses: 2,
      progress: false,
      workers: 0,
    });
    assertEquals(rows.map((r) => r.metric), [
      "accuracy",
      "F1 (one)",
      "precision (one)",
      "recall (one)",
    ]);
    assert(runs[0].scores["F1 (one)"] > 0.9, `F1 ${runs[0].scores["F1 (one)"]}`);
    // early-stopped on a held-out part of the 10 labels, the learning rate chosen there
    const selected = runs[0].selected as { learningRate: number; validationImages: number };
    assert([0.05, 0.01].includes(selected.learningRate), JSON.stringify(selected));
    assertEquals(selected.validationImages, 2);
    assertEquals(tf.memory().numTensors, before);
    // on the protocol's two workers (wasm: one thread everywhere), the same runs
    const run = (workers: number) =>
      runProtocol(data, [method], {
        budgets: [5],
        seeds: [0, 1],
        numClasses: 2,
        progress: false,
        workers,
      });
    const pooled = await run(2), inline = await run(0);
    assertEquals(
      pooled.runs.map((r) => [r.scores, r.selected]),
      inline.runs.map((r) => [r.scores, r.selected]),
    );
    const augmented = embeddingBagMethod("bag", "supervised", {
      vocabSize: 18,
      maxTokens: 16,
      schedule: {
        batchSize: 8,
        maxEpochs: 1,
        patience: 1,
        maxImages: null,
        learningRates: [0.05],
        augment: true,
      },
    });
    await assertRejects(
      () =>
        runProtocol(data, [augmented], {
          budgets: [5],
          seeds: [0],
          numClasses: 2,
          progress: false,
        }),
      /text does not have; set `augment: false`/,
    );
  },
});
