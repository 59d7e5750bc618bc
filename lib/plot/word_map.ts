/**
 * A 2-D map of words: each word a point, coloured by a group (e.g. the corpus it is most typical
 * of), with as many of the words written beside their points as fit without two labels
 * overlapping. Vega-Lite v5, like the other builders in specs.ts.
 *
 * Labels are placed greedily in the order of the points (callers pass the most important word,
 * e.g. the most frequent, first): each tries the right of its point, then the left, above and
 * below, and takes the first spot whose estimated box overlaps no label placed so far, covers no
 * other word's point (so every label clearly belongs to the point beside it) and stays inside the
 * plot (give or take half a label). A word with no free spot keeps its point (and its tooltip) but
 * no text. The boxes are estimated, not measured: DejaVu Sans at 9 px averages under
 * {@linkcode LABEL_CHAR_WIDTH} px a character.
 * @module
 */
import { type ChartOptions, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./specs.ts";

/** One word on the map. */
export interface WordPoint {
  x: number;
  y: number;
  word: string;
  group: string;
}

/** Where a word's text sits relative to its point. */
export type LabelPlacement = "right" | "left" | "above" | "below";

/** The placements tried for each word, in order of preference. */
export const LABEL_PLACEMENTS: readonly LabelPlacement[] = ["right", "left", "above", "below"];

/** Label font size in pixels. */
export const LABEL_FONT_SIZE = 9;
/** Estimated width of one character of a label, in pixels (DejaVu Sans at 9 px, generous). */
export const LABEL_CHAR_WIDTH = 5.5;
/** Estimated height of a label's box, in pixels. */
export const LABEL_HEIGHT = 11;
/** Gap between a point's centre and its label, in pixels. */
export const LABEL_GAP = 4;
/** Half the side of the square a point is taken to cover, in pixels (circle of area 14). */
export const POINT_RADIUS = 2;
/** How far a label may stick out of the plot, in pixels (half a label: edge points get one). */
export const EDGE_SLACK = LABEL_HEIGHT / 2;

/** An axis-aligned box in pixels (y down), `x0 < x1`, `y0 < y1`. */
export interface LabelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The plot's size in pixels: the `width`/`height` of the spec (default 640 × 480). */
export interface PlotSize {
  width: number;
  height: number;
}

/** One point's label: where it sits, or null when the word is drawn without text. */
export type LabelAt = LabelPlacement | null;

function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Each point's position in pixels (origin top left, y down), as Vega-Lite draws it with the
 * linear x/y scales of {@linkcode wordMap}: domain the data's extent (no zero, no nice), range
 * the plot's width and height. A zero-width extent maps to the middle, as d3's scales do.
 *
 * @param points The words.
 * @param size The plot's width and height in pixels.
 */
export function pixelPositions(
  points: readonly { x: number; y: number }[],
  size: PlotSize,
): { x: number; y: number }[] {
  const [x0, x1] = extent(points.map((p) => p.x));
  const [y0, y1] = extent(points.map((p) => p.y));
  const norm = (v: number, lo: number, hi: number) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  return points.map((p) => ({
    x: norm(p.x, x0, x1) * size.width,
    y: (1 - norm(p.y, y0, y1)) * size.height,
  }));
}

/**
 * The estimated box of `word` written at `at` beside a point at pixel position `p`: as wide as
 * {@linkcode LABEL_CHAR_WIDTH} per character, {@linkcode LABEL_HEIGHT} high, {@linkcode LABEL_GAP}
 * from the point's centre (right/left: vertically centred; above/below: horizontally centred).
 *
 * @param p The point in pixels (see {@linkcode pixelPositions}).
 * @param word The label's text.
 * @param at Where the text sits.
 */
export function labelBox(p: { x: number; y: number }, word: string, at: LabelPlacement): LabelBox {
  const w = [...word].length * LABEL_CHAR_WIDTH;
  const h = LABEL_HEIGHT;
  switch (at) {
    case "right":
      return { x0: p.x + LABEL_GAP, y0: p.y - h / 2, x1: p.x + LABEL_GAP + w, y1: p.y + h / 2 };
    case "left":
      return { x0: p.x - LABEL_GAP - w, y0: p.y - h / 2, x1: p.x - LABEL_GAP, y1: p.y + h / 2 };
    case "above":
      return { x0: p.x - w / 2, y0: p.y - LABEL_GAP - h, x1: p.x + w / 2, y1: p.y - LABEL_GAP };
    case "below":
      return { x0: p.x - w / 2, y0: p.y + LABEL_GAP, x1: p.x + w / 2, y1: p.y + LABEL_GAP + h };
  }
}

/** Whether two boxes share interior area (touching edges do not count). */
export function boxesOverlap(a: LabelBox, b: LabelBox): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * Chooses which words get a label and where, greedily in the order of `points` (first = most
 * important): each takes the first of {@linkcode LABEL_PLACEMENTS} whose {@linkcode labelBox}
 * overlaps no label placed before, covers no other point and lies inside the plot (sticking out
 * by at most half a label height); else it gets no label. The first word is always labelled: if
 * none of its spots qualifies, the first inside the plot, else the one that sticks out least.
 *
 * @param points The words, most important first.
 * @param size The plot's width and height in pixels.
 * @returns One entry per point: its placement, or null for no label.
 */
export function placeLabels(points: readonly WordPoint[], size: PlotSize): LabelAt[] {
  const px = pixelPositions(points, size);
  const dots: LabelBox[] = px.map((p) => ({
    x0: p.x - POINT_RADIUS,
    y0: p.y - POINT_RADIUS,
    x1: p.x + POINT_RADIUS,
    y1: p.y + POINT_RADIUS,
  }));
  const placed: LabelBox[] = [];
  const spill = (b: LabelBox) => Math.max(0, -b.x0, -b.y0, b.x1 - size.width, b.y1 - size.height);
  const inside = (b: LabelBox) => spill(b) <= EDGE_SLACK;
  const coversPoint = (b: LabelBox, self: number) =>
    dots.some((d, j) => j !== self && boxesOverlap(b, d));
  return points.map((pt, i) => {
    const free = LABEL_PLACEMENTS
      .map((at) => ({ at, box: labelBox(px[i], pt.word, at) }))
      .filter(({ box }) => !placed.some((q) => boxesOverlap(box, q)));
    let choice = free.find(({ box }) => inside(box) && !coversPoint(box, i));
    if (!choice && i === 0) {
      choice = free.find(({ box }) => inside(box)) ??
        free.reduce((a, b) => (spill(b.box) < spill(a.box) ? b : a));
    }
    if (!choice) return null;
    placed.push(choice.box);
    return choice.at;
  });
}

/** How each placement's text is aligned on its point. */
const TEXT_MARKS: Record<LabelPlacement, Record<string, unknown>> = {
  right: { align: "left", baseline: "middle", dx: LABEL_GAP },
  left: { align: "right", baseline: "middle", dx: -LABEL_GAP },
  above: { align: "center", baseline: "bottom", dy: -LABEL_GAP },
  below: { align: "center", baseline: "top", dy: LABEL_GAP },
};

/**
 * Words as small points coloured by `group`, the most important ones written beside their points
 * with no two labels overlapping (see {@linkcode placeLabels}); every point is drawn, and each
 * datum says whether its word is written (`labelled`) and where (`labelAt`). Hovering a point in
 * a live chart shows its word.
 *
 * @param points The words, most important (e.g. most frequent) first: the first ones get labels.
 * @param opts Title and plot size (default 640 × 480; the labels are fitted to it).
 * @returns A Vega-Lite v5 spec.
 */
export function wordMap(points: readonly WordPoint[], opts: ChartOptions = {}): VegaLiteSpec {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const labels = placeLabels(points, { width, height });
  const axis = { title: null, labels: false, ticks: false, grid: false };
  const encoding = {
    x: { field: "x", type: "quantitative", scale: { zero: false, nice: false }, axis },
    y: { field: "y", type: "quantitative", scale: { zero: false, nice: false }, axis },
    color: { field: "group", type: "nominal", legend: { title: null, orient: "top" } },
  };
  const used = LABEL_PLACEMENTS.filter((at) => labels.includes(at));
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    background: "white",
    width,
    height,
    data: {
      values: points.map((p, i) => ({ ...p, labelled: labels[i] !== null, labelAt: labels[i] })),
    },
    encoding,
    layer: [
      {
        mark: { type: "circle", size: 14, opacity: 0.8 },
        encoding: {
          tooltip: [{ field: "word", type: "nominal" }, { field: "group", type: "nominal" }],
        },
      },
      ...used.map((at) => ({
        transform: [{ filter: `datum.labelAt === '${at}'` }],
        mark: { type: "text", fontSize: LABEL_FONT_SIZE, ...TEXT_MARKS[at] },
        encoding: { text: { field: "word", type: "nominal" } },
      })),
    ],
  };
  if (opts.title !== undefined) spec.title = opts.title;
  return spec;
}
