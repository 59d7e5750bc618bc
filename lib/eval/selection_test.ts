import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import type { Features } from "./features.ts";
import {
  heldOutSplit,
  KNN_GRID,
  PROBE_GRID,
  selectKnn,
  selectProbe,
  validationPlan,
} from "./selection.ts";

const labelsOf = (perClass: number, classes = 10) =>
  Uint8Array.from({ length: perClass * classes }, (_, i) => i % classes);

Deno.test("validationPlan(): stratified k-fold below the limit, every class in every fold", () => {
  const labels = labelsOf(10);
  const plan = validationPlan(labels, { seed: 0 });
  assertEquals(plan.length, 5);
  const seen = new Int32Array(labels.length);
  for (const { train, validation } of plan) {
    assertEquals(train.length + validation.length, labels.length);
    assertEquals(new Set(Array.from(validation, (p) => labels[p])).size, 10, "all classes");
    for (const p of validation) seen[p]++;
    assert(!train.some((p) => validation.includes(p)), "train and validation are disjoint");
  }
  assert(seen.every((count) => count === 1), "each example validates exactly once");
  assertEquals(validationPlan(labelsOf(2), { seed: 0 }).length, 2, "k ≤ labels per class");
  assertEquals(validationPlan(labels, { seed: 0, folds: 3 }).length, 3);
  assertEquals(validationPlan(labels, { seed: 1 }), validationPlan(labels, { seed: 1 }));
});

Deno.test("validationPlan(): one held-out fifth above the limit; refuses one label per class", () => {
  const plan = validationPlan(labelsOf(200), { seed: 0 });
  assertEquals(plan.length, 1);
  assertEquals(plan[0].validation.length, 400);
  assertThrows(() => validationPlan(labelsOf(1), { seed: 0 }), /at least 2 per class/);
});

Deno.test("heldOutSplit(): a stratified fraction, at least one per class on each side", () => {
  const split = heldOutSplit(labelsOf(2), { seed: 0 });
  assertEquals(split.validation.length, 10);
  assertEquals(split.train.length, 10);
  assertThrows(() => heldOutSplit(labelsOf(1), { seed: 0 }), /class 0/);
  assertThrows(() => heldOutSplit(labelsOf(5), { seed: 0, fraction: 1 }), /fraction/);
});

/** Two well separated classes in 2-D, plus `noise` useless dimensions. */
function blobs(n: number, noise: number, seed: number): { features: Features; labels: number[] } {
  const rng = createRng(seed);
  const dim = 2 + noise;
  const data = new Float32Array(n * dim);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels.push(c);
    data[i * dim] = (c ? 2 : -2) + rng.normal();
    data[i * dim + 1] = rng.normal();
    for (let d = 2; d < dim; d++) data[i * dim + d] = rng.normal();
  }
  return { features: { data, n, dim }, labels };
}

Deno.test("selectProbe(): scores every grid setting on the labelled rows and picks the best", async () => {
  const { features, labels } = blobs(40, 3, 0);
  const { best, all } = await selectProbe(features, labels, { numClasses: 2, seed: 0 });
  assertEquals(all.length, PROBE_GRID.length);
  assert(all.every((s) => s.score >= 0 && s.score <= 1));
  assertEquals(best.score, Math.max(...all.map((s) => s.score)));
  assert(best.score > 0.8, `separable blobs: ${best.score}`);
  assertEquals(
    best,
    (await selectProbe(features, labels, { numClasses: 2, seed: 0 })).best,
    "deterministic",
  );
});

Deno.test("selectKnn(): only k ≤ labels per class are considered", async () => {
  const { features, labels } = blobs(12, 0, 1); // 6 per class
  const { all } = await selectKnn(features, labels, { numClasses: 2, seed: 0 });
  assert(all.length > 0 && all.every((s) => s.setting.k <= 6), JSON.stringify(all));
  assertEquals(all.length, KNN_GRID.filter((s) => s.k <= 6).length);
  await selectKnn(features, labels, { numClasses: 2, seed: 0, grid: [{ k: 20, temperature: 1 }] })
    .then(() => assert(false, "should throw"), (e) => assert(/no setting/.test(e.message)));
});
