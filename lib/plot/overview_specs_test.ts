import { assert, assertEquals } from "../_assert.ts";
import { barChart, kSweepChart, predictedVsActual, segmentProfiles } from "./overview_specs.ts";
import { renderSvg } from "./render.ts";

Deno.test("predictedVsActual() draws one panel per model with the y = x line", async () => {
  const spec = predictedVsActual([
    { actual: 10, predicted: 12, panel: "linear" },
    { actual: 30, predicted: 25, panel: "MLP" },
  ], { unit: "$1000s", title: "t" });
  const values = (spec.data as { values: { kind: string }[] }).values;
  assertEquals(values.filter((v) => v.kind === "ideal").length, 4);
  assert((await renderSvg(spec)).includes("actual ($1000s)"));
});

Deno.test("kSweepChart() renders both panels and skips the undefined silhouette at k = 1", async () => {
  const spec = kSweepChart([
    { k: 1, inertia: 10, silhouette: NaN },
    { k: 2, inertia: 5, silhouette: 0.4 },
    { k: 3, inertia: 4, silhouette: 0.3 },
  ], { chosen: 2 });
  assertEquals((spec.data as { values: unknown[] }).values.length, 5);
  assert((await renderSvg(spec)).includes("mean silhouette"));
});

Deno.test("segmentProfiles() and barChart() render", async () => {
  const profile = segmentProfiles([
    { segment: "A", feature: "wage", z: 1.2, value: 14.5 },
    { segment: "B", feature: "wage", z: -0.8, value: 6.1 },
  ]);
  assert((await renderSvg(profile)).includes("14.5"));
  const bars = barChart([{ label: "01_rotation", value: 16.4 }], { xTitle: "minutes" });
  assert((await renderSvg(bars)).includes("minutes"));
});
