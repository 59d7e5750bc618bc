/**
 * Vega-Lite v5 spec builders for the suite's recurring charts. Each builder returns a plain JSON
 * object (no functions, no class instances), so the same spec can be shown live in JupyterLab,
 * rendered to SVG/PNG with {@linkcode renderSvg}/{@linkcode renderPng}, or saved as `.vl.json`.
 *
 * @example
 * ```ts
 * import { accuracyVsLabels } from "./specs.ts";
 * const spec = accuracyVsLabels([
 *   { method: "supervised CNN", family: "supervised", labelsPerClass: 10, mean: 0.61, std: 0.02, n: 3 },
 *   { method: "supervised CNN", family: "supervised", labelsPerClass: "all", mean: 0.91, std: 0.003, n: 3 },
 * ]);
 * if (spec.$schema !== "https://vega.github.io/schema/vega-lite/v5.json") throw new Error();
 * ```
 * @module
 */

/** The `$schema` every builder sets. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A top-level Vega-Lite spec as plain JSON (structurally compatible with `Deno.jupyter.VegaObject`). */
export interface VegaLiteSpec {
  /** Always {@linkcode VEGA_LITE_SCHEMA} for specs built here. */
  $schema: string;
  [key: string]: unknown;
}

/** Options shared by all builders. */
export interface ChartOptions {
  /** Chart title; omitted when not given. */
  title?: string;
  /** Width in pixels of the plot (of each panel for faceted charts). */
  width?: number;
  /** Height in pixels of the plot (of each panel for faceted charts). */
  height?: number;
}

function base(opts: ChartOptions): VegaLiteSpec {
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA, background: "white" };
  if (opts.title !== undefined) spec.title = opts.title;
  return spec;
}

/**
 * A spec whose JSON is longer than this (characters) is shown as its PNG only: in notebook outputs
 * (`showChart`) and on the static site, where it would be too heavy to embed and draw live.
 */
export const MAX_LIVE_SPEC = 250_000;

/**
 * Whether a chart is shown as its PNG only, with no Vega-Lite JSON in notebook outputs and no live
 * chart on the site: a spec marked `usermeta: { pngOnly: true }` (raster data such as
 * {@linkcode imageGrid}'s, one datum per pixel), or one whose JSON exceeds
 * {@linkcode MAX_LIVE_SPEC}.
 *
 * @param spec A Vega-Lite spec (any value: a non-object is not PNG-only).
 */
export function isPngOnly(spec: unknown): boolean {
  if (typeof spec !== "object" || spec === null) return false;
  const meta = (spec as { usermeta?: unknown }).usermeta;
  if (typeof meta === "object" && meta !== null && (meta as { pngOnly?: unknown }).pngOnly) {
    return true;
  }
  return JSON.stringify(spec).length > MAX_LIVE_SPEC;
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

// ---------------------------------------------------------------------------------------------
// accuracyVsLabels

/** Method family; drawn as the line dash / point shape. */
export type MethodFamily = "control" | "unsupervised" | "supervised" | "self-supervised";

/** One aggregated result: a method's accuracy at one label budget. */
export interface AccuracyRow {
  /** Method name; one colour per method. */
  method: string;
  /** Method family; one dash pattern / point shape per family. */
  family: MethodFamily;
  /** Labelled examples per class, or `"all"` for the full training set. */
  labelsPerClass: number | "all";
  /** Mean test accuracy as a fraction in [0, 1]. */
  mean: number;
  /** Standard deviation of accuracy across seeds, as a fraction. */
  std: number;
  /** Number of seeds/runs behind the mean. */
  n: number;
}

/** Options for {@linkcode accuracyVsLabels}. */
export interface AccuracyVsLabelsOptions extends ChartOptions {
  /** Where `"all"` sits on the log x axis (its tick is labelled "all"). Default 6000. */
  allValue?: number;
  /** Draw the ±std band around each line. Default true. */
  band?: boolean;
  /** Y-axis domain as fractions, e.g. `[0.5, 1]`. Default: fitted to the data (not from zero). */
  yDomain?: [number, number];
  /** X-axis title. Default "labelled examples per class (log scale)". */
  xTitle?: string;
  /** Y-axis title. Default "test accuracy". */
  yTitle?: string;
}

const FAMILIES: MethodFamily[] = ["supervised", "self-supervised", "unsupervised", "control"];

/**
 * Mean accuracy against labels per class, one coloured line per method, dash/shape per family,
 * with a shaded mean ± std band. The x axis is logarithmic; `"all"` is placed at
 * `opts.allValue` (default 6000) and its tick labelled "all". Y is shown as a percentage.
 *
 * @param rows Aggregated results, one per (method, labelsPerClass).
 * @param opts Title, size, `allValue`, `band`, `yDomain`, axis titles.
 * @returns A Vega-Lite v5 spec.
 */
export function accuracyVsLabels(
  rows: readonly AccuracyRow[],
  opts: AccuracyVsLabelsOptions = {},
): VegaLiteSpec {
  const allValue = opts.allValue ?? 6000;
  const values = rows.map((r) => {
    const x = r.labelsPerClass === "all" ? allValue : r.labelsPerClass;
    if (!(x > 0)) {
      throw new RangeError(
        `labelsPerClass must be > 0 or "all" (log x axis); got ${r.labelsPerClass} for ${r.method}`,
      );
    }
    return {
      method: r.method,
      family: r.family,
      labels: String(r.labelsPerClass),
      x,
      mean: r.mean,
      std: r.std,
      lo: Math.max(0, r.mean - r.std),
      hi: Math.min(1, r.mean + r.std),
      n: r.n,
    };
  });
  const ticks = [...new Set(values.map((v) => v.x))].sort((a, b) => a - b);
  const methods = [...new Set(rows.map((r) => r.method))];
  const families = FAMILIES.filter((f) => rows.some((r) => r.family === f));
  const x = {
    field: "x",
    type: "quantitative",
    scale: { type: "log", nice: false, padding: 12 },
    axis: {
      title: opts.xTitle ?? "labelled examples per class (log scale)",
      values: ticks,
      labelExpr: `datum.value == ${allValue} ? 'all' : format(datum.value, ',')`,
      grid: true,
    },
  };
  const yScale: Record<string, unknown> = { zero: false };
  if (opts.yDomain) {
    yScale.domain = opts.yDomain;
    yScale.clamp = true;
  }
  const y = {
    field: "mean",
    type: "quantitative",
    scale: yScale,
    axis: { title: opts.yTitle ?? "test accuracy", format: ".0%" },
  };
  const color = {
    field: "method",
    type: "nominal",
    scale: { domain: methods, scheme: methods.length <= 10 ? "category10" : "tableau20" },
    legend: { title: "method", symbolOpacity: 1 }, // not the faint band's opacity
  };
  const familyScale = { domain: families };
  const tooltip = [
    { field: "method", type: "nominal" },
    { field: "family", type: "nominal" },
    { field: "labels", type: "nominal", title: "labels/class" },
    { field: "mean", type: "quantitative", format: ".2%", title: "mean acc" },
    { field: "std", type: "quantitative", format: ".2%", title: "std" },
    { field: "n", type: "quantitative", title: "runs" },
  ];
  const layer: unknown[] = [];
  if (opts.band ?? true) {
    layer.push({
      mark: { type: "area", opacity: 0.12 },
      encoding: {
        x,
        y: { field: "lo", type: "quantitative", scale: yScale, axis: y.axis },
        y2: { field: "hi" },
        color,
        detail: { field: "method" },
      },
    });
  }
  layer.push({
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x,
      y,
      color,
      strokeDash: {
        field: "family",
        type: "nominal",
        scale: familyScale,
        legend: { title: "family" },
      },
    },
  });
  layer.push({
    mark: { type: "point", filled: true, size: 45, opacity: 1 },
    encoding: {
      x,
      y,
      color,
      shape: { field: "family", type: "nominal", scale: familyScale, legend: { title: "family" } },
      tooltip,
    },
  });
  return {
    ...base(opts),
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    data: { values },
    layer,
    resolve: { legend: { shape: "shared", strokeDash: "shared" } },
  };
}

// ---------------------------------------------------------------------------------------------
// trainingCurves

/** One epoch of training history: `epoch` plus any number of numeric metrics. */
export type HistoryRow = { epoch: number } & Record<string, number>;

/** Options for {@linkcode trainingCurves}. */
export interface TrainingCurvesOptions extends ChartOptions {
  /**
   * Metrics to plot, in panel order (validation twins `val_<m>` are paired with `<m>`
   * automatically). Default: every key except `epoch`.
   */
  metrics?: string[];
}

/**
 * Training curves: one panel (facet row) per metric with its own y scale; a `val_<m>` metric is
 * drawn dashed in the same panel as `<m>`. E.g. `{epoch, loss, acc, val_loss, val_acc}` gives a
 * "loss" panel and an "acc" panel, each with a train and a validation line.
 *
 * @param history One row per epoch.
 * @param opts Title, per-panel size, and which metrics to show.
 * @returns A Vega-Lite v5 spec.
 */
export function trainingCurves(
  history: readonly HistoryRow[],
  opts: TrainingCurvesOptions = {},
): VegaLiteSpec {
  const keys = opts.metrics ??
    [...new Set(history.flatMap((h) => Object.keys(h)))].filter((k) => k !== "epoch");
  const panels: string[] = [];
  const values: { epoch: number; panel: string; split: string; value: number }[] = [];
  for (const key of keys) {
    const isVal = key.startsWith("val_");
    const panel = isVal ? key.slice(4) : key;
    if (!panels.includes(panel)) panels.push(panel);
    for (const h of history) {
      const v = h[key];
      if (typeof v === "number" && Number.isFinite(v)) {
        values.push({ epoch: h.epoch, panel, split: isVal ? "validation" : "train", value: v });
      }
    }
  }
  const splits = ["train", "validation"].filter((s) => values.some((v) => v.split === s));
  const x = { field: "epoch", type: "quantitative", axis: { title: "epoch", tickMinStep: 1 } };
  const y = { field: "value", type: "quantitative", scale: { zero: false }, axis: { title: null } };
  const color = { field: "panel", type: "nominal", sort: panels, legend: null };
  const layer: unknown[] = [{
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x,
      y,
      color,
      strokeDash: {
        field: "split",
        type: "nominal",
        scale: { domain: splits },
        legend: splits.length > 1 ? { title: null, orient: "top", symbolStrokeWidth: 2 } : null,
      },
    },
  }];
  // Markers (in their own layer, so the dash legend keeps line symbols) while they stay legible.
  if (history.length <= 60) {
    layer.push({
      mark: { type: "point", filled: true, size: 25 },
      encoding: {
        x,
        y,
        color,
        detail: { field: "split" },
        tooltip: [
          { field: "epoch", type: "quantitative" },
          { field: "panel", type: "nominal", title: "metric" },
          { field: "split", type: "nominal" },
          { field: "value", type: "quantitative", format: ".4~g" },
        ],
      },
    });
  }
  return {
    ...base(opts),
    data: { values },
    facet: {
      row: { field: "panel", type: "nominal", sort: panels, header: { title: null } },
    },
    spec: { width: opts.width ?? 480, height: opts.height ?? 150, layer },
    resolve: { scale: { y: "independent" } },
  };
}

// ---------------------------------------------------------------------------------------------
// embeddingScatter

/** One embedded point. */
export interface EmbeddingPoint {
  /** First embedding coordinate (e.g. PCA/t-SNE component 1). */
  x: number;
  /** Second embedding coordinate. */
  y: number;
  /** Class label; one colour each. */
  label: string;
  /** Panel name (e.g. "pixels", "random encoder", "RotNet"); panels are drawn side by side. */
  panel?: string;
}

/** Options for {@linkcode embeddingScatter}. */
export interface EmbeddingScatterOptions extends ChartOptions {
  /** Panels per row before wrapping. Default 3. */
  columns?: number;
  /** Point area in square pixels. Default 12. */
  pointSize?: number;
  /** Order of class labels in the legend. Default: first-seen order, numeric-aware. */
  labelOrder?: string[];
}

/**
 * 2-D embedding scatter, coloured by class label and faceted by `panel` (each panel gets its own
 * x/y scales, since embeddings from different encoders are not comparable). Axes carry no
 * ticks — only the relative arrangement matters.
 *
 * @param points Embedded points; `panel` may be omitted for a single panel.
 * @param opts Title, per-panel size, `columns`, `pointSize`, `labelOrder`.
 * @returns A Vega-Lite v5 spec.
 */
export function embeddingScatter(
  points: readonly EmbeddingPoint[],
  opts: EmbeddingScatterOptions = {},
): VegaLiteSpec {
  const collator = new Intl.Collator("en", { numeric: true });
  const labels = opts.labelOrder ?? [...new Set(points.map((p) => p.label))].sort(collator.compare);
  const panels = [...new Set(points.map((p) => p.panel ?? ""))];
  const values = points.map((p) => ({
    x: round(p.x, 5),
    y: round(p.y, 5),
    label: p.label,
    panel: p.panel ?? "",
  }));
  const axis = { title: null, labels: false, ticks: false, grid: false, domain: true };
  const unit = {
    width: opts.width ?? 240,
    height: opts.height ?? 240,
    mark: { type: "circle", size: opts.pointSize ?? 12, opacity: 0.75 },
    encoding: {
      x: { field: "x", type: "quantitative", scale: { zero: false, nice: false }, axis },
      y: { field: "y", type: "quantitative", scale: { zero: false, nice: false }, axis },
      color: {
        field: "label",
        type: "nominal",
        scale: { domain: labels, scheme: labels.length <= 10 ? "category10" : "tableau20" },
        legend: { title: "label" },
      },
      tooltip: [{ field: "label", type: "nominal" }, { field: "panel", type: "nominal" }],
    },
  };
  if (panels.length === 1 && panels[0] === "") {
    return { ...base(opts), data: { values }, ...unit };
  }
  return {
    ...base(opts),
    data: { values },
    facet: { field: "panel", type: "nominal", sort: panels, header: { title: null } },
    columns: opts.columns ?? 3,
    spec: unit,
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}

// ---------------------------------------------------------------------------------------------
// imageGrid

/** One grayscale image, row-major, `width * height` pixels. */
export interface GridImage {
  /** Pixels, row-major. `Uint8Array` is read as 0..255; float arrays as 0..1 (or 0..255). */
  pixels: Uint8Array | Float32Array | Float64Array | readonly number[];
  /** Image width in pixels. */
  width: number;
  /** Image height in pixels. */
  height: number;
  /** Grid row label (e.g. the example); images sharing it are drawn in one row. */
  row?: string;
  /** Grid column label (e.g. "90°"); images sharing it are drawn in one column. */
  col?: string;
  /**
   * Column group (e.g. a feature space): images sharing it form one block of columns, headed by
   * the group's name; blocks are drawn side by side in first-seen order, images with no group
   * first, under no name. Every block must hold every row. Only with `row`/`col` labels.
   */
  group?: string;
  /** `"wrong"`: frame the image in {@linkcode WRONG_COLOR} (e.g. a neighbour of another class). */
  mark?: "wrong";
  /** Caption above the image; used only when no image has `row`/`col`. */
  label?: string;
}

/** Options for {@linkcode imageGrid}. */
export interface ImageGridOptions {
  /** Chart title. */
  title?: string;
  /** Screen pixels per image pixel. Default 3 (28×28 → 84×84). */
  pixelSize?: number;
  /** Images per row when no `row`/`col` labels are given. Default min(count, 10). */
  columns?: number;
  /**
   * Raw value mapped to black and to white. Default `[0, 255]` for `Uint8Array`; for floats
   * `[0, 1]`, or `[0, 255]` when any value exceeds 1.5.
   */
  domain?: [number, number];
  /** Draw high values dark (ink on paper) instead of light. Default false. */
  invert?: boolean;
}

/** The colour of the frame around an image marked `"wrong"`. */
export const WRONG_COLOR = "#e41a1c";
/** Width of that frame in screen pixels. */
export const WRONG_STROKE = 3;
/** Gap between images, and between blocks of columns (`group`), in screen pixels. */
const SPACING = 4;
const GROUP_SPACING = 16;

/**
 * Grayscale images as a rect-mark heatmap faceted into a grid: by `row`/`col` labels when the
 * images carry them (e.g. one example per row, one rotation per column), else wrapped by index.
 * With `group`s, the columns come in blocks side by side, one per group, each headed by its name
 * (e.g. one row per query; the query, then its neighbours in each of three spaces). Images
 * marked `"wrong"` get a red frame.
 *
 * To stay small and fast (~40 images of 28×28 → ~100 kB of JSON), each image is stored as one
 * data row holding its pixels quantised to integers 0..255; Vega-Lite `flatten` + `window`
 * transforms expand them, and pixels at the background level (0) are not drawn — the cell
 * background has that colour instead.
 *
 * The spec is marked `usermeta: { pngOnly: true }`: `showChart` sends it to notebooks as a PNG
 * only (see `isPngOnly`).
 *
 * @param images The images; values are clamped to the domain.
 * @param opts Title, `pixelSize`, `columns`, `domain`, `invert`.
 * @returns A Vega-Lite v5 spec.
 * @throws {RangeError} With no images, a pixel count that is not width × height, or groups
 * without row/col labels or with a row missing from a block.
 */
export function imageGrid(
  images: readonly GridImage[],
  opts: ImageGridOptions = {},
): VegaLiteSpec {
  if (images.length === 0) throw new RangeError("imageGrid needs at least one image");
  const hasRow = images.some((im) => im.row !== undefined);
  const hasCol = images.some((im) => im.col !== undefined);
  const hasGroup = images.some((im) => im.group !== undefined);
  const hasMark = images.some((im) => im.mark === "wrong");
  if (hasGroup && !(hasRow || hasCol)) {
    throw new RangeError("imageGrid: `group` needs `row`/`col` labels on the images");
  }
  let domain = opts.domain;
  if (!domain) {
    let max = 0;
    let anyFloat = false;
    for (const im of images) {
      if (im.pixels instanceof Uint8Array) continue;
      anyFloat = true;
      for (let i = 0; i < im.pixels.length; i++) if (im.pixels[i] > max) max = im.pixels[i];
    }
    domain = anyFloat && max <= 1.5 ? [0, 1] : [0, 255];
  }
  const [lo, hi] = domain;
  const span = hi - lo || 1;
  const rows: string[] = [];
  const cols: string[] = [];
  const groups: string[] = [];
  const values = images.map((im, idx) => {
    if (im.pixels.length !== im.width * im.height) {
      throw new RangeError(
        `image ${idx}: pixels.length ${im.pixels.length} != width*height ${im.width * im.height}`,
      );
    }
    const r = im.row ?? "";
    const c = im.col ?? "";
    const g = im.group ?? "";
    if (!rows.includes(r)) rows.push(r);
    if (!cols.includes(c)) cols.push(c);
    if (!groups.includes(g)) groups.push(g);
    const p = new Array<number>(im.pixels.length);
    for (let i = 0; i < p.length; i++) {
      const t = (im.pixels[i] - lo) / span;
      p[i] = Math.round(Math.min(1, Math.max(0, t)) * 255);
    }
    const datum: Record<string, unknown> = { i: idx, w: im.width, r, c, p };
    if (hasGroup) datum.g = g;
    if (hasMark) Object.assign(datum, { h: im.height, m: im.mark === "wrong" ? 1 : 0 });
    return datum;
  });
  const maxW = Math.max(...images.map((im) => im.width));
  const maxH = Math.max(...images.map((im) => im.height));
  const k = opts.pixelSize ?? 3;
  const range = opts.invert ? ["white", "black"] : ["black", "white"];
  const transform = [
    { flatten: ["p"], as: ["v"] },
    { window: [{ op: "row_number", as: "k" }], groupby: ["i"] },
    { filter: "datum.v > 0 || datum.k == 1" }, // keep one pixel so empty images keep a cell
    { calculate: "(datum.k - 1) % datum.w", as: "x" },
    { calculate: "floor((datum.k - 1) / datum.w)", as: "y" },
    { calculate: "datum.x + 1", as: "x1" },
    { calculate: "datum.y + 1", as: "y1" },
  ];
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: [0, maxW], nice: false },
    axis: null,
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: [0, maxH], nice: false, reverse: true },
    axis: null,
  };
  const pixels = {
    mark: { type: "rect", strokeWidth: 0 },
    encoding: {
      x,
      x2: { field: "x1" },
      y,
      y2: { field: "y1" },
      color: {
        field: "v",
        type: "quantitative",
        scale: { domain: [0, 255], range, interpolate: "rgb" },
        legend: null,
      },
    },
  };
  const size = { width: maxW * k, height: maxH * k };
  // The frame's rectangle lies one stroke width inside the image: Vega pads a stroked mark's
  // bounds by its full stroke width, and anything beyond the cell would widen every cell.
  const inset = WRONG_STROKE / k;
  const unit = hasMark
    ? {
      ...size,
      layer: [pixels, {
        // One datum per marked image (its first pixel, at x = y = 0, is always kept).
        transform: [
          { filter: "datum.m == 1 && datum.k == 1" },
          { calculate: `${inset}`, as: "f0" },
          { calculate: `datum.w - ${inset}`, as: "fx1" },
          { calculate: `datum.h - ${inset}`, as: "fy1" },
        ],
        mark: {
          type: "rect",
          filled: false,
          stroke: WRONG_COLOR,
          strokeWidth: WRONG_STROKE,
        },
        encoding: {
          x: { ...x, field: "f0" },
          x2: { field: "fx1" },
          y: { ...y, field: "f0" },
          y2: { field: "fy1" },
        },
      }],
    }
    : { ...size, ...pixels };
  const header = { title: null, labelFontSize: 11, labelPadding: 3 };
  const rowHeader = { ...header, labelAngle: 0, labelAlign: "right" };
  // Vega places a left row label as if it were left-aligned, `offset` + its width left of the
  // images, and the width is *estimated* (0.8 em a character, wider than the font's): a label
  // aligned "right" then ends short of the images by its estimated width, one aligned "left" ends
  // at them (with exact widths) or a little short (estimated). Used where no old spec changes.
  const leftRowHeader = { ...header, labelAngle: 0, labelAlign: "left" };
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    background: "white",
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    data: { values },
    transform,
    spacing: hasGroup ? GROUP_SPACING : SPACING,
    // No per-pixel ARIA labels: they would triple the SVG size.
    config: { view: { stroke: null, fill: range[0] }, aria: false },
    // One datum per pixel: notebooks and the site show the PNG only (see isPngOnly).
    usermeta: { pngOnly: true },
  };
  if (!hasGroup) spec.spec = unit;
  if (hasGroup) {
    for (const g of groups) {
      const missing = rows.filter((r) => !values.some((v) => v.g === g && v.r === r));
      if (missing.length > 0) {
        throw new RangeError(
          `imageGrid: group "${g}" has no image in row(s) ${JSON.stringify(missing)}; ` +
            `every group needs every row`,
        );
      }
    }
    // Vega's grid layout aligns the blocks' cells, titled or not.
    spec.hconcat = groups.map((g, n) => {
      const blockCols = cols.filter((c) => values.some((v) => v.g === g && v.c === c));
      const facet: Record<string, unknown> = {};
      if (hasRow) {
        facet.row = {
          field: "r",
          type: "nominal",
          sort: rows,
          header: n === 0 ? leftRowHeader : { labels: false, title: null },
        };
      }
      if (hasCol) facet.column = { field: "c", type: "nominal", sort: blockCols, header };
      return {
        ...(g === ""
          ? {}
          : { title: { text: g, anchor: "middle", fontSize: 12, fontWeight: "bold" } }),
        transform: [{ filter: `datum.g === ${JSON.stringify(g)}` }],
        facet,
        spacing: SPACING,
        spec: unit,
      };
    });
  } else if (hasRow || hasCol) {
    const facet: Record<string, unknown> = {};
    if (hasRow) facet.row = { field: "r", type: "nominal", sort: rows, header: rowHeader };
    if (hasCol) facet.column = { field: "c", type: "nominal", sort: cols, header };
    spec.facet = facet;
  } else {
    const captions = images.map((im) => im.label ?? "");
    const labelExpr = captions.some((t) => t !== "")
      ? `${JSON.stringify(captions)}[datum.value]`
      : "''";
    spec.facet = { field: "i", type: "ordinal", header: { ...header, labelExpr } };
    spec.columns = opts.columns ?? Math.min(images.length, 10);
  }
  return spec;
}
