import { assertEquals } from "../_assert.ts";
import type { ResultRow } from "./schema.ts";
import { budgetsOf, comparisonTable, describeAgainstFamilies, formatAccuracy } from "./describe.ts";

const row = (
  method: string,
  family: ResultRow["family"],
  b: ResultRow["labelsPerClass"],
  mean: number,
): ResultRow => ({
  method,
  family,
  labelsPerClass: b,
  metric: "accuracy",
  mean,
  std: 0.01,
  n: 3,
});
const rows = [
  row("ssl", "self-supervised", 10, 0.7),
  row("sup", "supervised", 10, 0.6),
  row("ssl", "self-supervised", "all", 0.85),
  row("sup", "supervised", "all", 0.9),
];

Deno.test("formatAccuracy() shows ± std only for several seeds", () => {
  assertEquals(formatAccuracy({ mean: 0.7234, std: 0.0123, n: 3 }), "72.3 ± 1.2 %");
  assertEquals(formatAccuracy({ mean: 0.7234, std: 0, n: 1 }), "72.3 %");
});

Deno.test("budgetsOf() sorts budgets with all last", () => {
  assertEquals(
    budgetsOf([
      row("a", "control", "all", 0),
      row("a", "control", 100, 0),
      row("a", "control", 10, 0),
    ]),
    [10, 100, "all"],
  );
});

Deno.test("comparisonTable() has one record per method and a column per budget", () => {
  assertEquals(comparisonTable(rows), [
    {
      method: "ssl",
      family: "self-supervised",
      "10/class": "70.0 ± 1.0 %",
      "all labels": "85.0 ± 1.0 %",
    },
    {
      method: "sup",
      family: "supervised",
      "10/class": "60.0 ± 1.0 %",
      "all labels": "90.0 ± 1.0 %",
    },
  ]);
});

Deno.test("describeAgainstFamilies() says where the method wins and loses", () => {
  const lines = describeAgainstFamilies(rows, "ssl");
  assertEquals(lines.length, 2);
  // no per-seed scores: no interval, so even a 10-point gap is no win
  assertEquals(
    lines[0].includes(
      "ties the best supervised row, sup at 60.0 ± 1.0 % " +
        "(+10.0 points; no interval: fewer than 2 seeds)",
    ),
    true,
  );
  const seeded = (method: string, family: ResultRow["family"], scores: number[]): ResultRow => ({
    ...row(method, family, 10, scores.reduce((s, v) => s + v, 0) / scores.length),
    seeds: [0, 1, 2],
    scores,
  });
  const [win] = describeAgainstFamilies([
    seeded("ssl", "self-supervised", [0.7, 0.72, 0.71]),
    seeded("sup", "supervised", [0.6, 0.61, 0.62]),
    seeded("pixels", "control", [0.69, 0.73, 0.7]), // inside the noise
  ], "ssl");
  assertEquals(
    win,
    "- at 10 labels/class, **ssl** (71.0 ± 1.0 %) ties the best control row, pixels " +
      "at 70.7 ± 1.0 % (+0.3 points, 95 % CI −1.0 … +1.0); beats the best supervised row, sup " +
      "at 61.0 ± 1.0 % (+10.0 points, 95 % CI +9.0 … +11.0).",
  );
  const [loss] = describeAgainstFamilies([
    seeded("ssl", "self-supervised", [0.5, 0.52, 0.51]),
    seeded("sup", "supervised", [0.6, 0.61, 0.62]),
  ], "ssl");
  assertEquals(loss.includes("loses to the best supervised row"), true);
});
