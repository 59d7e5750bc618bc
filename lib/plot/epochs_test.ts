import { assert, assertEquals } from "../_assert.ts";
import { accuracyVsEpochs } from "./epochs.ts";
import { renderSvg } from "./render.ts";

Deno.test("accuracyVsEpochs: a panel per method, references in each, intervals where given; renders", async () => {
  const spec = accuracyVsEpochs(
    [
      { method: "SimCLR", epochs: 0, series: "probe, 10/class", mean: 0.6, lo: 0.58, hi: 0.62 },
      { method: "SimCLR", epochs: 10, series: "probe, 10/class", mean: 0.7, lo: 0.68, hi: 0.72 },
      { method: "RotNet", epochs: 0, series: "probe, 10/class", mean: 0.6 },
      { method: "RotNet", epochs: 3, series: "probe, 10/class", mean: 0.62 },
    ],
    [{ label: "supervised, 10/class", value: 0.57 }],
    { title: "t" },
  );
  const values = (spec.data as { values: { kind: string; method: string }[] }).values;
  assertEquals(values.filter((v) => v.kind === "reference").map((v) => v.method), [
    "SimCLR",
    "RotNet",
  ]);
  assertEquals((spec.facet as { sort: string[] }).sort, ["SimCLR", "RotNet"]);
  const svg = await renderSvg(spec);
  assert(svg.includes("<svg") && svg.includes("SimCLR") && svg.includes("RotNet"));
});

Deno.test("precisionRecallChart: a panel per class in order, renders", async () => {
  const { precisionRecallChart } = await import("./retrieval.ts");
  const spec = precisionRecallChart([
    { panel: "Bag", space: "pixels", recall: 0, precision: 1 },
    { panel: "Bag", space: "pixels", recall: 1, precision: 0.1 },
    { panel: "Coat", space: "pixels", recall: 0, precision: 0.9 },
  ]);
  assertEquals((spec.facet as { sort: string[] }).sort, ["Bag", "Coat"]);
  assert((await renderSvg(spec)).includes("Coat"));
});
