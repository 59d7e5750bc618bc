import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { bootstrapMeanInterval, nestedBootstrapInterval } from "../results/paired.ts";
import type { ResultRow } from "../results/schema.ts";
import {
  checkpointRows,
  type EpochCurveOptions,
  epochCurves,
  overPretextSeeds,
  pairedCheckpoints,
  pooledOverSeeds,
  pretextSeedComparison,
  pretrainingStretches,
  storedRunsOf,
  supervisedReferences,
  untrainedName,
  zooCurvesChart,
} from "./curves.ts";

const row = (method: string, scores: number[], budget: 10 | 100 = 10): ResultRow => ({
  method,
  family: "self-supervised",
  labelsPerClass: budget,
  metric: "accuracy",
  mean: scores.reduce((a, b) => a + b, 0) / scores.length,
  std: 0,
  n: scores.length,
  scores,
  seeds: scores.map((_, i) => i),
});

Deno.test("nestedBootstrapInterval: covers the spread between groups, not only within them", () => {
  // three pretraining runs that differ a lot, each with tightly agreeing label seeds
  const groups = [[0.60, 0.61, 0.60], [0.70, 0.71, 0.70], [0.80, 0.80, 0.81]];
  const nested = nestedBootstrapInterval(groups)!;
  const within = bootstrapMeanInterval(groups[1])!;
  assert(nested[0] < 0.65 && nested[1] > 0.75, `nested ${nested}`);
  assert(within[1] - within[0] < 0.02);
  assertEquals(nestedBootstrapInterval([[0.5, 0.6], []]), null); // one group left
  assertEquals(nestedBootstrapInterval(groups), nested); // deterministic
});

/** SimCLR at epochs 10 (pretext seeds 0 and 1) and 30 (seed 0), kNN at 10 labels per class. */
const simclrRows = () => [
  row("random encoder + kNN", [0.60, 0.62]),
  row(`${untrainedName(1)} + kNN`, [0.58, 0.60]),
  row("SimCLR, 10 epochs (stored) + kNN", [0.70, 0.72]),
  row("SimCLR, 10 epochs (stored, pretext seed 1) + kNN", [0.74, 0.76]),
  row("SimCLR, 30 epochs (stored) + kNN", [0.78, 0.80]),
];
const simclrZoo = [
  { method: "simclr", title: "SimCLR", seed: 0, epochs: [10, 30] },
  { method: "simclr", title: "SimCLR", seed: 1, epochs: [10] },
];

Deno.test("epochCurves: epoch 0 is each pretext seed's untrained start; seeds pool where stored", () => {
  const rows = [
    ...simclrRows(),
    row("SimCLR, 30 epochs (stored) + kNN", [0.1, 0.1], 100), // another budget: not read
  ];
  const zoo = simclrZoo;
  const points = epochCurves(rows, zoo, { budgets: [10], readouts: [["kNN", " + kNN"]] });
  assertEquals(points.map((p) => [p.epochs, p.pretextSeeds]), [[0, 2], [10, 2], [30, 1]]);
  assertAlmostEquals(points[0].mean, 0.60);
  assertAlmostEquals(points[1].mean, 0.73);
  assertEquals(points[1].series, "kNN, 10/class");
  assert(points[1].lo! < 0.72 && points[1].hi! > 0.74, "the interval spans both runs");
  assertEquals(checkpointRows(rows, zoo, "simclr", 10, " + kNN", 10).map((r) => r.seed), [0, 1]);
  assertEquals(checkpointRows(rows, zoo, "simclr", 3, " + kNN", 10), []);
});

Deno.test("epochCurves: a recipe with its own untrained network starts from it, not the CNN", () => {
  const rows = [
    row("random encoder + kNN", [0.60, 0.62]),
    row("random MLP + kNN", [0.40, 0.42]),
    row("Greedy AE, 3 epochs (stored) + kNN", [0.70, 0.72]),
  ];
  const zoo = [{ method: "layerwise", title: "Greedy AE", seed: 0, epochs: [3] }];
  const points = epochCurves(rows, zoo, { budgets: [10], readouts: [["kNN", " + kNN"]] });
  assertEquals(points.map((p) => p.epochs), [0, 3]);
  assertAlmostEquals(points[0].mean, 0.41);
  assertEquals(untrainedName(2, "random MLP"), "random MLP (pretext seed 2)");
});

Deno.test("pretextSeedComparison: paired by pretext seed, then by label seed", () => {
  const a = [row("a0", [0.70, 0.72]), row("a1", [0.74, 0.76])];
  const b = [row("b0", [0.60, 0.62]), row("b1", [0.58, 0.60])];
  const c = pretextSeedComparison(a, b);
  assertAlmostEquals(c.delta, 0.13);
  assert(c.ci95![0] > 0.09 && c.ci95![1] < 0.17, `${c.ci95}`);
  const one = pretextSeedComparison([a[0]], [b[0]]);
  assertAlmostEquals(one.ci95![0], 0.1);
  assertThrows(() => pretextSeedComparison(a, [b[0]]), /one per pretext seed/);
  assertThrows(() => pooledOverSeeds([]), /no rows/);
});

Deno.test("storedRunsOf regroups a results file's checkpoints; supervisedReferences finds rows", () => {
  const entries = [
    { method: "simclr", seed: 0, epochs: 10 },
    { method: "simclr", seed: 0, epochs: 1 },
    { method: "simclr", seed: 1, epochs: 1 },
  ];
  assertEquals(storedRunsOf(entries), [
    { method: "simclr", title: "SimCLR", seed: 0, epochs: [1, 10] },
    { method: "simclr", title: "SimCLR", seed: 1, epochs: [1] },
  ]);
  const baseline = {
    ...row("supervised (from scratch)", [0.7, 0.8]),
    family: "supervised" as const,
  };
  assertEquals(supervisedReferences([baseline], [10, 100]), [
    { label: "supervised from scratch, 10/class", value: baseline.mean },
  ]);
});

Deno.test("overPretextSeeds: the latest epoch two seeds share, pooled and paired with their untrained starts", () => {
  const rows = simclrRows();
  const zoo = simclrZoo;
  const opts: EpochCurveOptions = { budgets: [10, 100], readouts: [["kNN", " + kNN"]] };
  const over = overPretextSeeds(rows, zoo, "simclr", opts)!;
  assertEquals([over.epochs, over.seeds], [10, [0, 1]]);
  assertEquals(over.readouts.map((r) => [r.readout, r.budget]), [["kNN", 10]]); // no 100 rows
  assertAlmostEquals(over.readouts[0].pooled.mean, 0.73);
  assertAlmostEquals(over.readouts[0].versusUntrained.delta, 0.13);
  assertEquals(over.readouts[0].versusEarlier, undefined); // no earlier epoch both seeds stored
  assertEquals(overPretextSeeds(rows, zoo.slice(0, 1), "simclr", opts), null); // one seed only
  const chart = zooCurvesChart(rows, zoo, [], [10], "curves") as { title?: unknown };
  assertEquals(JSON.stringify(chart).includes("SimCLR"), true);
});

Deno.test("overPretextSeeds: versusEarlier pairs the same runs at the latest earlier epoch they all stored", () => {
  const rows = [
    ...simclrRows(),
    row("SimCLR, 3 epochs (stored) + kNN", [0.66, 0.68]),
    row("SimCLR, 30 epochs (stored, pretext seed 1) + kNN", [0.73, 0.75]),
  ];
  const zoo = [
    { method: "simclr", title: "SimCLR", seed: 0, epochs: [3, 10, 30] },
    { method: "simclr", title: "SimCLR", seed: 1, epochs: [10, 30] },
  ];
  const opts: EpochCurveOptions = { budgets: [10], readouts: [["kNN", " + kNN"]] };
  const over = overPretextSeeds(rows, zoo, "simclr", opts)!;
  assertEquals([over.epochs, over.seeds], [30, [0, 1]]);
  const earlier = over.readouts[0].versusEarlier!;
  assertEquals(earlier.epochs, 10); // 3 is not stored by seed 1
  // seed 0: 0.79 − 0.71, seed 1: 0.74 − 0.75 → mean of the two differences
  assertAlmostEquals(earlier.comparison.delta, (0.08 - 0.01) / 2);
  assert(earlier.comparison.ci95 !== null);
});

Deno.test("pretrainingStretches: each stored epoch against the one before, over the seeds that stored both", () => {
  // seed 0 stored 10 and 30, seed 1 only 10: 0 → 10 pairs both seeds, 10 → 30 seed 0 alone
  const stretches = pretrainingStretches(simclrRows(), simclrZoo, {
    budgets: [10, 100],
    readouts: [["kNN", " + kNN"]],
  });
  assertEquals(
    stretches.map((s) => [s.title, s.from, s.to, s.readout, s.budget, s.seeds]),
    [["SimCLR", 0, 10, "kNN", 10, [0, 1]], ["SimCLR", 10, 30, "kNN", 10, [0]]], // no 100 rows
  );
  // 0 → 10: seed 0 0.71 − 0.61, seed 1 0.75 − 0.59; 10 → 30 on seed 0: 0.79 − 0.71
  assertAlmostEquals(stretches[0].comparison.delta, (0.10 + 0.16) / 2);
  assertAlmostEquals(stretches[1].comparison.delta, 0.08);
  // the same pairing as pairedCheckpoints, which is null when no seed stored both ends
  const direct = pairedCheckpoints(simclrRows(), simclrZoo, "simclr", 30, 10, " + kNN", 10)!;
  assertEquals(direct.seeds, [0]);
  assertAlmostEquals(direct.comparison.delta, stretches[1].comparison.delta);
  assertEquals(pairedCheckpoints(simclrRows(), simclrZoo, "simclr", 30, 3, " + kNN", 10), null);
});
