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
  assertEquals(
    lines[0].includes("beats the best supervised row, sup (60.0 ± 1.0 %), by 10.0 points"),
    true,
  );
  assertEquals(
    lines[1].includes("loses to the best supervised row, sup (90.0 ± 1.0 %), by 5.0 points"),
    true,
  );
});
