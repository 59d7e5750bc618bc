import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { groupedBars } from "./bars.ts";
import { renderSvg } from "./render.ts";

Deno.test("groupedBars() renders bars per category and series, in first-seen order", async () => {
  const spec = groupedBars([
    { x: "block 1", series: "random", value: 0.61 },
    { x: "block 1", series: "jigsaw", value: 0.72 },
    { x: "block 2", series: "random", value: 0.65 },
    { x: "block 2", series: "jigsaw", value: 0.74 },
  ], { title: "probe", format: ".0%" });
  const enc =
    (spec as unknown as { encoding: { x: { sort: string[] }; color: { sort: string[] } } })
      .encoding;
  assertEquals(enc.x.sort, ["block 1", "block 2"]);
  assertEquals(enc.color.sort, ["random", "jigsaw"]);
  const svg = await renderSvg(spec);
  assert(svg.includes("block 2") && svg.includes("jigsaw"));
});

Deno.test("groupedBars() facets by panel", async () => {
  const spec = groupedBars([
    { x: "dim 1", series: "D(x)", value: 1, panel: "image 1" },
    { x: "dim 1", series: "Σ tiles", value: 1.1, panel: "image 2" },
  ]);
  assert("facet" in spec);
  assert((await renderSvg(spec)).includes("image 2"));
});

Deno.test("groupedBars() rejects no data", () => {
  assertThrows(() => groupedBars([]), /at least one bar/);
});
