import { assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { prototypeScores, rankingMetrics } from "./retrieval.ts";

Deno.test("rankingMetrics: average precision, precision@k and the interpolated curve by hand", () => {
  // ranking: 0 (rel), 1, 3 (rel), 2 → precisions at the relevant ranks 1/1 and 2/3
  const m = rankingMetrics([0.9, 0.8, 0.1, 0.7], [1, 0, 0, 1], { ks: [1, 2, 10], curvePoints: 2 });
  assertAlmostEquals(m.averagePrecision, (1 + 2 / 3) / 2, 1e-12);
  assertEquals(m.precisionAt, { 1: 1, 2: 0.5, 10: 0.5 });
  assertEquals(m.curve.map((p) => p.recall), [0, 0.5, 1]);
  assertAlmostEquals(m.curve[2].precision, 2 / 3, 1e-12);
  assertEquals(m.curve[1].precision, 1);
  // excluding the first item: the ranking is 1, 3 (rel), 2 → AP 1/2
  const e = rankingMetrics([0.9, 0.8, 0.1, 0.7], [1, 0, 0, 1], { exclude: [1, 0, 0, 0] });
  assertEquals([e.averagePrecision, e.relevant], [0.5, 1]);
  // a perfect ranking
  assertEquals(rankingMetrics([3, 2, 1], [1, 1, 0]).averagePrecision, 1);
});

Deno.test("rankingMetrics refuses mismatched lengths and a class with nothing to find", () => {
  assertThrows(() => rankingMetrics([1, 2], [1]), /one entry per item/);
  assertThrows(() => rankingMetrics([1, 2], [0, 0]), /no relevant item/);
});

Deno.test("prototypeScores: cosine similarity to the mean direction of the examples", async () => {
  const features = { data: Float32Array.from([1, 0, 0, 2, 1, 1, -1, 0]), n: 4, dim: 2 };
  const s = await prototypeScores(features, [0, 1]); // prototype: (1, 1)/√2
  assertAlmostEquals(s[0], Math.SQRT1_2, 1e-6);
  assertAlmostEquals(s[2], 1, 1e-6);
  assertAlmostEquals(s[3], -Math.SQRT1_2, 1e-6);
  await assertRejectsRange(() => prototypeScores(features, [4]));
});

async function assertRejectsRange(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    assertEquals(e instanceof RangeError, true);
    return;
  }
  throw new Error("expected a RangeError");
}
