import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { sampleIndices, stratifiedSubset, trainTestSplit } from "./splits.ts";

/** 10 classes, class c has 50 + 5c examples, interleaved. */
function unevenLabels(): Uint8Array {
  const out: number[] = [];
  for (let c = 0; c < 10; c++) for (let k = 0; k < 50 + 5 * c; k++) out.push(c);
  const labels = Uint8Array.from(out);
  // deterministic interleave without randomness: stride permutation
  const n = labels.length, stride = 7; // gcd(7, 725) = 1
  return Uint8Array.from({ length: n }, (_, i) => labels[(i * stride) % n]);
}

function counts(labels: Uint8Array, idx: Int32Array, numClasses = 10): number[] {
  const c = new Array(numClasses).fill(0);
  for (const i of idx) c[labels[i]]++;
  return c;
}

Deno.test("stratifiedSubset() takes labelsPerClass of each class, sorted and distinct", () => {
  const labels = unevenLabels();
  const idx = stratifiedSubset(labels, 20, { seed: 3 });
  assertEquals(idx.length, 200);
  assertEquals(counts(labels, idx), new Array(10).fill(20));
  for (let k = 1; k < idx.length; k++) assert(idx[k - 1] < idx[k]);
});

Deno.test("stratifiedSubset() is reproducible per seed and differs across seeds", () => {
  const labels = unevenLabels();
  assertEquals(
    stratifiedSubset(labels, 10, { seed: 1 }),
    stratifiedSubset(labels, 10, { seed: 1 }),
  );
  assert(
    stratifiedSubset(labels, 10, { seed: 1 }).join() !==
      stratifiedSubset(labels, 10, { seed: 2 }).join(),
  );
});

Deno.test("stratifiedSubset() subsets are nested for the same seed", () => {
  const labels = unevenLabels();
  const sizes = [1, 5, 10, 25, 50];
  const sets = sizes.map((k) => new Set(stratifiedSubset(labels, k, { seed: 9 })));
  for (let s = 1; s < sets.length; s++) {
    for (const i of sets[s - 1]) assert(sets[s].has(i), `${sizes[s - 1]} ⊄ ${sizes[s]}`);
  }
});

Deno.test('stratifiedSubset() "all" returns every index in order', () => {
  const labels = unevenLabels();
  const all = stratifiedSubset(labels, "all", { seed: 0 });
  assertEquals(all, Int32Array.from({ length: labels.length }, (_, i) => i));
});

Deno.test("stratifiedSubset() honours numClasses", () => {
  const labels = new Uint8Array([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const idx = stratifiedSubset(labels, 2, { seed: 0, numClasses: 3 });
  assertEquals(counts(labels, idx, 3), [2, 2, 2]);
  assertThrows(
    () => stratifiedSubset(labels, 1, { seed: 0, numClasses: 2 }),
    /label 2 at index 2 is outside 0\.\.1/,
  );
});

Deno.test("stratifiedSubset() names the short class with available and requested counts", () => {
  const labels = unevenLabels(); // class 0 has 50
  assertThrows(
    () => stratifiedSubset(labels, 51, { seed: 0 }),
    /class 0 has 50 examples available but 51 were requested/,
  );
  // A class that is absent entirely.
  assertThrows(
    () => stratifiedSubset(new Uint8Array([0, 1, 0, 1]), 1, { seed: 0, numClasses: 3 }),
    /class 2 has 0 examples available but 1 were requested/,
  );
});

Deno.test("stratifiedSubset() rejects a bad labelsPerClass or seed", () => {
  const labels = unevenLabels();
  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    assertThrows(
      () => stratifiedSubset(labels, bad, { seed: 0 }),
      /labelsPerClass must be a positive integer or "all"/,
    );
  }
  assertThrows(
    () => stratifiedSubset(labels, "some" as unknown as "all", { seed: 0 }),
    /labelsPerClass must be a positive integer or "all", got "some"/,
  );
  assertThrows(() => stratifiedSubset(labels, 1, { seed: 0.5 }), /seed must be an integer/);
});

Deno.test("sampleIndices() draws distinct sorted indices, reproducibly and nested", () => {
  const a = sampleIndices(1000, 100, { seed: 4 });
  assertEquals(a.length, 100);
  for (let k = 1; k < a.length; k++) assert(a[k - 1] < a[k]);
  assert(a[0] >= 0 && a[a.length - 1] < 1000);
  assertEquals(a, sampleIndices(1000, 100, { seed: 4 }));
  assert(a.join() !== sampleIndices(1000, 100, { seed: 5 }).join());
  const big = new Set(sampleIndices(1000, 300, { seed: 4 }));
  for (const i of a) assert(big.has(i));
});

Deno.test("sampleIndices() edge cases and bad input", () => {
  assertEquals(sampleIndices(5, 0, { seed: 0 }), new Int32Array(0));
  assertEquals(sampleIndices(5, 5, { seed: 0 }), Int32Array.from([0, 1, 2, 3, 4]));
  assertThrows(() => sampleIndices(5, 6, { seed: 0 }), /count must be an integer in 0\.\.5/);
  assertThrows(() => sampleIndices(5, -1, { seed: 0 }), /count must be/);
  assertThrows(() => sampleIndices(-1, 0, { seed: 0 }), /n must be a non-negative integer/);
});

Deno.test("trainTestSplit() is deterministic, disjoint, and keeps groups together", () => {
  const a = trainTestSplit(100, { testFraction: 0.2, seed: 3 });
  assertEquals(a, trainTestSplit(100, { testFraction: 0.2, seed: 3 }));
  assertEquals(a.test.length, 20);
  assertEquals(new Set([...a.train, ...a.test]).size, 100);
  const groups = Array.from({ length: 30 }, (_, i) => Math.floor(i / 3));
  const b = trainTestSplit(30, { testFraction: 0.3, seed: 0, groups });
  const testGroups = new Set(Array.from(b.test, (i) => groups[i]));
  for (const i of b.train) assert(!testGroups.has(groups[i]));
  assertEquals(testGroups.size, 3);
  assertThrows(() => trainTestSplit(10, { testFraction: 1, seed: 0 }), /testFraction/);
});
