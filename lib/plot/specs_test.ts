import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { renderSvg } from "./render.ts";
import {
  type AccuracyRow,
  accuracyVsLabels,
  embeddingScatter,
  imageGrid,
  trainingCurves,
  VEGA_LITE_SCHEMA,
} from "./specs.ts";

const ROWS: AccuracyRow[] = [
  ["pixels + logreg", "control"],
  ["random encoder", "unsupervised"],
  ["supervised CNN", "supervised"],
  ["RotNet", "self-supervised"],
].flatMap(([method, family], m) =>
  ([10, 100, 1000, "all"] as const).map((labelsPerClass, i) => ({
    method,
    family: family as AccuracyRow["family"],
    labelsPerClass,
    mean: 0.5 + 0.05 * m + 0.08 * i,
    std: 0.02,
    n: 3,
  }))
);

/** Text content of all SVG <text> elements (Vega writes one per label/title). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

Deno.test("accuracyVsLabels() builds a plain-JSON Vega-Lite spec", () => {
  const spec = accuracyVsLabels(ROWS, { title: "Linear probe" });
  assertEquals(spec.$schema, VEGA_LITE_SCHEMA);
  assertEquals(JSON.parse(JSON.stringify(spec)), spec);
  const values = (spec.data as { values: { x: number; lo: number; hi: number }[] }).values;
  assertEquals(values.length, ROWS.length);
  assertEquals(Math.max(...values.map((v) => v.x)), 6000);
  assert(values.every((v) => v.lo >= 0 && v.hi <= 1 && v.lo <= v.hi));
  const custom = accuracyVsLabels(ROWS, { allValue: 10000 });
  const xs = (custom.data as { values: { x: number }[] }).values.map((v) => v.x);
  assertEquals(Math.max(...xs), 10000);
});

Deno.test("accuracyVsLabels() renders axis titles, methods, families and an 'all' tick", async () => {
  const texts = svgTexts(await renderSvg(accuracyVsLabels(ROWS, { title: "Linear probe" })));
  for (
    const t of [
      "Linear probe",
      "test accuracy",
      "labelled examples per class (log scale)",
      "RotNet",
      "supervised CNN",
      "self-supervised",
      "control",
      "all",
      "100",
      "1,000",
    ]
  ) assert(texts.includes(t), `missing text "${t}" in ${JSON.stringify(texts)}`);
  assert(texts.some((t) => /^\d+%$/.test(t)), "y axis should be in percent");
});

Deno.test("accuracyVsLabels() without band has no area layer", () => {
  const spec = accuracyVsLabels(ROWS, { band: false });
  const marks = (spec.layer as { mark: { type: string } }[]).map((l) => l.mark.type);
  assertEquals(marks, ["line", "point"]);
});

Deno.test("accuracyVsLabels() rejects a non-positive label count (log axis)", () => {
  assertThrows(
    () => accuracyVsLabels([{ ...ROWS[0], labelsPerClass: 0 }]),
    /labelsPerClass must be > 0/,
  );
});

Deno.test("trainingCurves() pairs val_<m> with <m> in one panel per metric", async () => {
  const history = Array.from({ length: 5 }, (_, e) => ({
    epoch: e + 1,
    loss: 1 / (e + 1),
    acc: 1 - 0.5 / (e + 1),
    val_loss: 1.2 / (e + 1),
    val_acc: 1 - 0.6 / (e + 1),
  }));
  const spec = trainingCurves(history, { title: "RotNet pretext" });
  const values = (spec.data as { values: { panel: string; split: string }[] }).values;
  assertEquals(values.length, 20);
  assertEquals([...new Set(values.map((v) => v.panel))], ["loss", "acc"]);
  assertEquals([...new Set(values.map((v) => v.split))], ["train", "validation"]);
  const texts = svgTexts(await renderSvg(spec));
  for (const t of ["RotNet pretext", "epoch", "loss", "acc", "train", "validation"]) {
    assert(texts.includes(t), `missing text "${t}"`);
  }
});

Deno.test("trainingCurves() honours opts.metrics and skips non-finite values", () => {
  const spec = trainingCurves(
    [{ epoch: 1, loss: NaN, acc: 0.5 }, { epoch: 2, loss: 1, acc: 0.6 }],
    {
      metrics: ["loss"],
    },
  );
  const values = (spec.data as { values: unknown[] }).values;
  assertEquals(values, [{ epoch: 2, panel: "loss", split: "train", value: 1 }]);
});

Deno.test("embeddingScatter() facets by panel in input order and colours by label", async () => {
  const points = ["pixels", "random encoder", "RotNet"].flatMap((panel, p) =>
    Array.from({ length: 30 }, (_, i) => ({
      x: Math.cos(i) * (p + 1),
      y: Math.sin(i),
      label: String(i % 10),
      panel,
    }))
  );
  const spec = embeddingScatter(points, { title: "Embeddings" });
  assertEquals((spec.facet as { sort: string[] }).sort, ["pixels", "random encoder", "RotNet"]);
  const texts = svgTexts(await renderSvg(spec));
  for (const t of ["Embeddings", "pixels", "random encoder", "RotNet", "label", "0", "9"]) {
    assert(texts.includes(t), `missing text "${t}"`);
  }
  const single = embeddingScatter(points.slice(0, 5).map(({ x, y, label }) => ({ x, y, label })));
  assertEquals(single.facet, undefined);
  assert((await renderSvg(single)).startsWith("<svg"));
});

Deno.test("embeddingScatter() orders numeric labels numerically", () => {
  const spec = embeddingScatter(
    ["10", "2", "1"].map((label) => ({ x: 0, y: 0, label })),
  );
  const color = (spec.encoding as { color: { scale: { domain: string[] } } }).color;
  assertEquals(color.scale.domain, ["1", "2", "10"]);
});

Deno.test("imageGrid() draws a row × column grid with labels, compactly", async () => {
  const images = [];
  for (let r = 0; r < 10; r++) {
    for (const col of ["0°", "90°", "180°", "270°"]) {
      const pixels = new Uint8Array(28 * 28);
      for (let i = 0; i < pixels.length; i += 3) pixels[i] = (i * 7 + r) % 256;
      images.push({ pixels, width: 28, height: 28, row: `#${r}`, col });
    }
  }
  const spec = imageGrid(images, { title: "Rotations" });
  assert(JSON.stringify(spec).length < 200_000, "40 images of 28×28 should stay under 200 kB");
  const t0 = performance.now();
  const svg = await renderSvg(spec);
  assert(performance.now() - t0 < 20_000);
  const texts = svgTexts(svg);
  for (const t of ["Rotations", "#0", "#9", "0°", "90°", "180°", "270°"]) {
    assert(texts.includes(t), `missing text "${t}"`);
  }
});

Deno.test("imageGrid() puts pixel (x, y) at row y, column x, scaled by pixelSize", async () => {
  const pixels = new Uint8Array(6);
  pixels[1 * 3 + 2] = 255; // x = 2, y = 1 in a 3 × 2 image
  const svg = await renderSvg(imageGrid([{ pixels, width: 3, height: 2 }], { pixelSize: 10 }));
  assert(svg.includes('d="M20,10h10v10h-10Z" fill="rgb(255, 255, 255)"'), svg);
});

Deno.test("imageGrid() reads floats in [0, 1] and honours domain and invert", () => {
  const pixel = (spec: Record<string, unknown>): number[] =>
    (spec.data as { values: { p: number[] }[] }).values[0].p;
  assertEquals(pixel(imageGrid([{ pixels: new Float32Array([0, 0.5, 1]), width: 3, height: 1 }])), [
    0,
    128,
    255,
  ]);
  assertEquals(
    pixel(imageGrid([{ pixels: [-1, 0, 1], width: 3, height: 1 }], { domain: [-1, 1] })),
    [0, 128, 255],
  );
  const inverted = imageGrid([{ pixels: new Uint8Array(4), width: 2, height: 2 }], {
    invert: true,
  });
  assertEquals((inverted.config as { view: { fill: string } }).view.fill, "white");
});

Deno.test("imageGrid() rejects mismatched sizes and an empty list", () => {
  assertThrows(
    () => imageGrid([{ pixels: new Uint8Array(5), width: 3, height: 2 }]),
    /pixels.length 5 != width\*height 6/,
  );
  assertThrows(() => imageGrid([]), /at least one image/);
});

Deno.test("imageGrid() captions wrapped images with their labels", async () => {
  const images = ["shirt", "boot"].map((label) => ({
    pixels: new Uint8Array(4).fill(200),
    width: 2,
    height: 2,
    label,
  }));
  const texts = svgTexts(await renderSvg(imageGrid(images)));
  assert(texts.includes("shirt") && texts.includes("boot"), JSON.stringify(texts));
});
