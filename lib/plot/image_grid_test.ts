import { assert, assertEquals, assertThrows } from "../_assert.ts";
import process from "node:process";
import { renderSvg } from "./render.ts";
import { isPngOnly } from "./specs.ts";
import { type GridImage, imageGrid, WRONG_COLOR, WRONG_STROKE } from "./specs.ts";

/** Text content of all SVG <text> elements (Vega writes one per label/title). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** The SVG's width and height. */
function svgSize(svg: string): [number, number] {
  const m = /<svg[^>]*width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  assert(m, "no <svg> size");
  return [Number(m[1]), Number(m[2])];
}

/** Paths stroked in the "wrong" colour. */
function frames(svg: string): string[] {
  return svg.match(new RegExp(`<path[^>]*stroke="${WRONG_COLOR}"[^>]*>`, "g")) ?? [];
}

const image = (seed: number, extra: Partial<GridImage> = {}): GridImage => ({
  pixels: new Uint8Array(28 * 28).map((_, i) => (i % 3 === 0 ? (i * 7 + seed) % 256 : 0)),
  width: 28,
  height: 28,
  ...extra,
});

/** The 06 layout: one row per query, the query, then k neighbours in each of three spaces. */
function neighbourCells(k = 3, wrong = (q: number, s: number, r: number) => (q + s + r) % 4 === 0) {
  const rows = ["T-shirt/top", "Sandal"];
  const spaces = ["raw pixels", "random encoder", "SimCLR"];
  const cells: GridImage[] = rows.map((row, q) => image(q, { row, col: "query" }));
  spaces.forEach((group, s) =>
    rows.forEach((row, q) => {
      for (let r = 0; r < k; r++) {
        const mark = wrong(q, s, r) ? "wrong" as const : undefined;
        cells.push(image(10 * q + r, { row, col: `${r + 1}`, group, mark }));
      }
    })
  );
  return cells;
}

Deno.test("imageGrid(): a marked image gets a red frame inside its cell, same layout", async () => {
  const plain = [0, 1, 2].map((c) => image(c, { row: "a", col: `${c + 1}` }));
  const marked = plain.map((im, c) => (c === 1 ? { ...im, mark: "wrong" as const } : im));
  const spec = imageGrid(marked, { pixelSize: 2 });
  assert(isPngOnly(spec), "still PNG-only");
  const values = (spec.data as { values: { m: number }[] }).values;
  assertEquals(values.map((v) => v.m), [0, 1, 0]);
  const layer = (spec.spec as { layer: { mark: Record<string, unknown> }[] }).layer;
  assertEquals(layer.map((l) => l.mark.type), ["rect", "rect"]);
  assertEquals(layer[1].mark.stroke, WRONG_COLOR);
  assertEquals(layer[1].mark.filled, false);
  const svg = await renderSvg(spec);
  const found = frames(svg);
  assertEquals(found.length, 1, "one frame, for the one marked image");
  // A 28 × 28 image at 2 px per pixel: the frame's path runs one stroke width inside the cell.
  const side = 56 - 2 * WRONG_STROKE;
  assert(found[0].includes(`d="M${WRONG_STROKE},${WRONG_STROKE}h${side}v${side}h-${side}Z"`));
  assertEquals(svgSize(svg), svgSize(await renderSvg(imageGrid(plain, { pixelSize: 2 }))));
  // Marks work in a wrapped grid too.
  const wrapped = await renderSvg(imageGrid([image(0), image(1, { mark: "wrong" })]));
  assertEquals(frames(wrapped).length, 1);
});

Deno.test("imageGrid(): groups give one row per query and a titled block per space", async () => {
  const cells = neighbourCells();
  const spec = imageGrid(cells, { title: "Neighbours", pixelSize: 2 });
  assert(isPngOnly(spec));
  assertEquals(spec.spec, undefined);
  assertEquals(spec.facet, undefined);
  const blocks = spec.hconcat as {
    title?: { text: string };
    facet: { row: { header: { labels?: boolean } }; column: { sort: string[] } };
  }[];
  assertEquals(blocks.map((b) => b.title?.text), [
    undefined,
    "raw pixels",
    "random encoder",
    "SimCLR",
  ]);
  assertEquals(blocks.map((b) => b.facet.column.sort), [
    ["query"],
    ...[0, 1, 2].map(() => ["1", "2", "3"]),
  ]);
  assertEquals(blocks.map((b) => b.facet.row.header.labels !== false), [true, false, false, false]);
  const svg = await renderSvg(spec);
  const texts = svgTexts(svg);
  for (const t of ["Neighbours", "raw pixels", "random encoder", "SimCLR", "query", "1", "3"]) {
    assert(texts.includes(t), `missing text "${t}"`);
  }
  for (const row of ["T-shirt/top", "Sandal"]) {
    assertEquals(texts.filter((t) => t === row).length, 1, `row label "${row}" once`);
  }
  assertEquals(frames(svg).length, cells.filter((c) => c.mark === "wrong").length);
});

/** Absolute top-left corners of the facet cells (Vega scenegraph groups named "…cell"). */
async function cellCorners(spec: Record<string, unknown>): Promise<[number, number][]> {
  // Loaded with Node's deprecation warnings muted, as lib/plot/render.ts does.
  const proc = process as typeof process & { noDeprecation?: boolean };
  proc.noDeprecation = true;
  const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  proc.noDeprecation = false;
  // deno-lint-ignore no-explicit-any
  const vgSpec = vl.compile(spec as any).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  await view.runAsync();
  const out: [number, number][] = [];
  // deno-lint-ignore no-explicit-any
  const walk = (mark: any, x: number, y: number) => {
    for (const item of mark.items ?? []) {
      if (mark.marktype !== "group") continue;
      const [ix, iy] = [x + (item.x ?? 0), y + (item.y ?? 0)];
      if (typeof mark.name === "string" && mark.name.endsWith("cell")) out.push([ix, iy]);
      for (const child of item.items ?? []) walk(child, ix, iy);
    }
  };
  walk((view.scenegraph() as unknown as { root: unknown }).root, 0, 0);
  view.finalize();
  return out;
}

Deno.test("imageGrid(): every block's rows line up, marked or not", async () => {
  // The same grid with and without marks has the same size: frames never widen a cell.
  const some = imageGrid(neighbourCells(), { pixelSize: 2 });
  const none = imageGrid(neighbourCells(3, () => false), { pixelSize: 2 });
  assertEquals(svgSize(await renderSvg(some)), svgSize(await renderSvg(none)));
  const corners = await cellCorners(some);
  assertEquals(corners, await cellCorners(none));
  assertEquals(corners.length, 2 * (1 + 3 * 3), "one cell per image");
  const ys = [...new Set(corners.map(([, y]) => y))];
  assertEquals(ys.length, 2, `cells at two heights (one per row), got ${JSON.stringify(ys)}`);
  assertEquals(ys[1] - ys[0], 56 + 4, "rows 56 px high, 4 px apart");
  const xs = [...new Set(corners.map(([x]) => x))].sort((a, b) => a - b);
  assertEquals(xs.length, 10, "ten columns");
  const gaps = xs.slice(1).map((x, i) => x - xs[i] - 56);
  assert(gaps.every((g) => g === 4 || g >= 16), `gaps ${JSON.stringify(gaps)}`);
  assertEquals(gaps.filter((g) => g >= 16).length, 3, "a wider gap before each space's block");
});

Deno.test("imageGrid(): groups need row/col labels and every row in every block", () => {
  assertThrows(() => imageGrid([image(0, { group: "g" })]), /needs `row`\/`col` labels/);
  const cells = neighbourCells().filter((c) => !(c.group === "SimCLR" && c.row === "Sandal"));
  assertThrows(() => imageGrid(cells), /group "SimCLR" has no image in row\(s\) \["Sandal"\]/);
});
