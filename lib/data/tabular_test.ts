import { trainTestSplit } from "./splits.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { matrixRows, standardizeColumns, tableColumn, tableMatrix, vectorRows } from "./tabular.ts";

const rows = [
  { a: 1, b: 10, kind: "y" },
  { a: 2, b: 20, kind: "x" },
  { a: 3, b: 30, kind: "y" },
];

Deno.test("tableMatrix() takes numeric columns and one-hot encodes categorical ones", () => {
  const m = tableMatrix(rows, { columns: ["b", "a"], categorical: ["kind"] });
  assertEquals(m.columns, ["b", "a", "kind=x", "kind=y"]);
  assertEquals([...m.data], [10, 1, 0, 1, 20, 2, 1, 0, 30, 3, 0, 1]);
  assertEquals([...tableColumn(rows, "a")], [1, 2, 3]);
});

Deno.test("tableMatrix() names the row and column of a non-numeric value", () => {
  assertThrows(() => tableMatrix(rows, { columns: ["kind"] }), /row 0, column "kind" is "y"/);
  assertThrows(() => tableMatrix([{ a: NaN }], { columns: ["a"] }), /finite numbers/);
  assertThrows(() => tableMatrix([], { columns: ["a"] }), /no rows/);
});

Deno.test("standardizeColumns() fits on the chosen rows and inverts exactly", () => {
  const m = tableMatrix(rows, { columns: ["a", "b"] });
  const scaler = standardizeColumns(m, { rows: [0, 1] });
  assertEquals([...scaler.mean], [1.5, 15]);
  const z = scaler.apply(m);
  assertAlmostEquals(z.data[0], -1, 1e-12);
  assertAlmostEquals(z.data[4], 3, 1e-12); // (3 - 1.5) / 0.5
  assertEquals([...scaler.invert(z).data].map((v) => Math.round(v * 1e9) / 1e9), [...m.data]);
  const constant = standardizeColumns(tableMatrix([{ a: 2 }, { a: 2 }], { columns: ["a"] }));
  assertEquals(constant.std[0], 1);
});

Deno.test("matrixRows/vectorRows select rows of a trainTestSplit()", () => {
  const a = trainTestSplit(10, { testFraction: 0.3, seed: 4 });
  assertEquals(a, trainTestSplit(10, { testFraction: 0.3, seed: 4 }));
  assertEquals(a.test.length, 3);
  assertEquals([...a.train, ...a.test].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertThrows(() => trainTestSplit(10, { testFraction: 1, seed: 0 }), /testFraction/);
  const m = tableMatrix(rows, { columns: ["a", "b"] });
  assertEquals([...matrixRows(m, [2, 0]).data], [3, 30, 1, 10]);
  assertEquals([...vectorRows([5, 6, 7], [2, 1])], [7, 6]);
});
