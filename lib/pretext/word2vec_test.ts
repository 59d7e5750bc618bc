import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import {
  keepProbabilities,
  negativeSampler,
  tokenStream,
  trainWord2Vec,
  word2vecAccuracy,
} from "./word2vec.ts";

Deno.test("negativeSampler() draws words in proportion to count^0.75, never special ids", () => {
  const counts = [0, 50, 16, 81, 0];
  const sampler = negativeSampler(counts);
  assertAlmostEquals(sampler.probabilities[2], 8 / 35, 1e-12); // 16^.75 = 8, 81^.75 = 27
  assertAlmostEquals(sampler.probabilities[3], 27 / 35, 1e-12);
  const rng = createRng(0);
  const seen = new Float64Array(5);
  for (let i = 0; i < 20000; i++) seen[sampler.sample(rng)]++;
  assertEquals([seen[0], seen[1], seen[4]], [0, 0, 0]);
  assertAlmostEquals(seen[3] / 20000, 27 / 35, 0.02);
});

Deno.test("keepProbabilities() follows word2vec's formula and keeps rare words", () => {
  const keep = keepProbabilities([0, 0, 9990, 10], { threshold: 0.01 });
  assertAlmostEquals(keep[2], (Math.sqrt(0.999 / 0.01) + 1) * 0.01 / 0.999, 1e-12);
  assertEquals(keep[3], 1); // f = 0.001 < t
  assertEquals([keep[0], keep[1]], [0, 0]);
});

Deno.test("tokenStream() drops special ids and short documents, and records bounds", () => {
  const stream = tokenStream(
    [Int32Array.of(2, 1, 3, 0, 4), Int32Array.of(5), Int32Array.of(6, 7)],
    {
      seed: 0,
    },
  );
  assertEquals(Array.from(stream.ids), [2, 3, 4, 6, 7]);
  assertEquals(Array.from(stream.doc), [0, 0, 0, 1, 1]);
  assertEquals([Array.from(stream.docStart), Array.from(stream.docEnd)], [[0, 3], [3, 5]]);
  assertThrows(() => tokenStream([Int32Array.of(1, 1)], { seed: 0 }), /no document has two/);
});

/** Two topics with disjoint words: 2..21 and 22..41; documents draw from one topic. */
function topics(): { docs: Int32Array[]; counts: Float64Array } {
  const rng = createRng(1);
  const docs = Array.from(
    { length: 200 },
    (_, d) => Int32Array.from({ length: 60 }, () => 2 + (d % 2) * 20 + rng.int(20)),
  );
  const counts = new Float64Array(42);
  for (const doc of docs) for (const id of doc) counts[id]++;
  return { docs, counts };
}

function cosine(v: Float32Array, dim: number, a: number, b: number): number {
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < dim; j++) {
    dot += v[a * dim + j] * v[b * dim + j];
    na += v[a * dim + j] ** 2;
    nb += v[b * dim + j] ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

for (const kind of ["skip-gram", "cbow"] as const) {
  Deno.test(`trainWord2Vec(${kind}) puts words of one topic together, deterministically`, async () => {
    const { docs, counts } = topics();
    const stream = tokenStream(docs, { seed: 0 });
    const sampler = negativeSampler(counts);
    const opts = {
      kind,
      vocabSize: 42,
      dim: 8,
      window: 3,
      negatives: 4,
      sampler,
      seed: 0,
      progress: false,
    };
    const model = await trainWord2Vec(stream, opts);
    let within = 0, across = 0;
    for (let a = 2; a < 22; a++) {
      within += cosine(model.vectors.data, 8, a, a === 21 ? 2 : a + 1) / 20;
      across += cosine(model.vectors.data, 8, a, a + 20) / 20;
    }
    assert(within > 0.8 && across < 0.5, `within ${within}, across ${across}`);
    const again = await trainWord2Vec(stream, opts);
    assertEquals(again.vectors.data, model.vectors.data);
    const held = tokenStream(topics().docs.slice(0, 20), { seed: 5 });
    const score = word2vecAccuracy(model, held, { window: 3, negatives: 4, sampler, seed: 0 });
    assert(score > 0.3, `held-out score ${score} should beat chance (0.2)`);
  });
}

Deno.test("trainWord2Vec() rejects a bad window", async () => {
  const { docs, counts } = topics();
  let error: Error | null = null;
  try {
    await trainWord2Vec(tokenStream(docs, { seed: 0 }), {
      kind: "cbow",
      vocabSize: 42,
      window: 0,
      negatives: 2,
      sampler: negativeSampler(counts),
      seed: 0,
      progress: false,
    });
  } catch (e) {
    error = e as Error;
  }
  assert(error?.message.includes("window must be a positive integer"));
});
