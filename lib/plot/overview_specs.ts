/**
 * Vega-Lite builders for the paradigms overview and the summary: predicted-vs-actual scatter
 * (regression), the elbow/silhouette sweep over k (clustering), segment profiles (a heatmap of
 * cluster centroids) and a horizontal bar chart (runtime per notebook).
 *
 * @example
 * ```ts
 * import { predictedVsActual } from "./overview_specs.ts";
 * const spec = predictedVsActual([{ actual: 20, predicted: 22, panel: "linear" }]);
 * if (!spec.facet) throw new Error();
 * ```
 * @module
 */
import { type ChartOptions, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./specs.ts";

function base(opts: ChartOptions): VegaLiteSpec {
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA, background: "white" };
  if (opts.title !== undefined) spec.title = opts.title;
  return spec;
}

/** One prediction of a regression model. */
export interface PredictionPoint {
  actual: number;
  predicted: number;
  /** The model (one panel each). */
  panel: string;
}

/** Options of {@link predictedVsActual}. */
export interface PredictedVsActualOptions extends ChartOptions {
  /** Axis unit, e.g. "$1000s". */
  unit?: string;
  /** Panels per row (default 2). */
  columns?: number;
}

/**
 * Predicted against actual values, one panel per model, with the y = x line a perfect model
 * would sit on. Both axes share one domain so the panels compare directly.
 */
export function predictedVsActual(
  points: readonly PredictionPoint[],
  opts: PredictedVsActualOptions = {},
): VegaLiteSpec {
  const all = points.flatMap((p) => [p.actual, p.predicted]);
  const lo = Math.min(...all), hi = Math.max(...all);
  const panels = [...new Set(points.map((p) => p.panel))];
  const unit = opts.unit ? ` (${opts.unit})` : "";
  const values = [
    ...points.map((p) => ({ ...p, kind: "point" })),
    ...panels.flatMap((panel) => [
      { panel, actual: lo, predicted: lo, kind: "ideal" },
      { panel, actual: hi, predicted: hi, kind: "ideal" },
    ]),
  ];
  const scale = { domain: [lo, hi], nice: false, zero: false };
  const x = { field: "actual", type: "quantitative", scale, axis: { title: `actual${unit}` } };
  const y = {
    field: "predicted",
    type: "quantitative",
    scale,
    axis: { title: `predicted${unit}` },
  };
  return {
    ...base(opts),
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: panels,
      header: { title: null, labelFontSize: 12 },
    },
    columns: opts.columns ?? 2,
    spec: {
      width: opts.width ?? 240,
      height: opts.height ?? 240,
      layer: [
        {
          transform: [{ filter: "datum.kind == 'ideal'" }],
          mark: { type: "line", color: "#999", strokeDash: [4, 4] },
          encoding: { x, y },
        },
        {
          transform: [{ filter: "datum.kind == 'point'" }],
          mark: { type: "circle", size: 18, opacity: 0.6 },
          encoding: {
            x,
            y,
            color: { field: "panel", type: "nominal", legend: null },
            tooltip: [
              { field: "actual", type: "quantitative", format: ".1f" },
              { field: "predicted", type: "quantitative", format: ".1f" },
            ],
          },
        },
      ],
    },
  };
}

/** One k of a clustering sweep. */
export interface KSweepPoint {
  k: number;
  inertia: number;
  silhouette: number;
}

/** Options of {@link kSweepChart}. */
export interface KSweepChartOptions extends ChartOptions {
  /** The k chosen; marked with a vertical rule in both panels. */
  chosen?: number;
}

/** Two panels over k: inertia (the elbow) and mean silhouette (higher is better). */
export function kSweepChart(
  sweep: readonly KSweepPoint[],
  opts: KSweepChartOptions = {},
): VegaLiteSpec {
  const values = sweep.flatMap((r) => [
    { k: r.k, panel: "inertia (elbow)", value: r.inertia },
    ...(Number.isFinite(r.silhouette)
      ? [{ k: r.k, panel: "mean silhouette", value: r.silhouette }]
      : []),
  ]);
  const x = {
    field: "k",
    type: "quantitative",
    axis: { title: "k (clusters)", tickMinStep: 1, format: "d" },
  };
  const layer: unknown[] = [
    {
      mark: { type: "line", point: true, strokeWidth: 2 },
      encoding: {
        x,
        y: { field: "value", type: "quantitative", scale: { zero: false }, axis: { title: null } },
        color: { field: "panel", type: "nominal", legend: null },
        tooltip: [{ field: "k" }, { field: "value", type: "quantitative", format: ".3f" }],
      },
    },
  ];
  if (opts.chosen !== undefined) {
    layer.push({
      transform: [{ filter: `datum.k == ${opts.chosen}` }],
      mark: { type: "rule", color: "#d62728", strokeDash: [3, 3] },
      encoding: { x },
    });
  }
  return {
    ...base(opts),
    data: { values },
    facet: {
      column: { field: "panel", type: "nominal", header: { title: null, labelFontSize: 12 } },
    },
    spec: { width: opts.width ?? 240, height: opts.height ?? 180, layer },
    resolve: { scale: { y: "independent" } },
  };
}

/** One cell of a segment profile: a segment's mean of one feature. */
export interface SegmentProfileCell {
  segment: string;
  feature: string;
  /** Standardised mean (colour): how far above/below the population the segment sits. */
  z: number;
  /** The mean in the feature's own units (the label). */
  value: number;
}

/**
 * Segment profiles as a heatmap: one row per segment, one column per feature, coloured by the
 * standardised mean (diverging: blue below average, red above) and labelled with the mean in
 * original units.
 */
export function segmentProfiles(
  cells: readonly SegmentProfileCell[],
  opts: ChartOptions & { digits?: number } = {},
): VegaLiteSpec {
  const segments = [...new Set(cells.map((c) => c.segment))];
  const features = [...new Set(cells.map((c) => c.feature))];
  const limit = Math.max(1, ...cells.map((c) => Math.abs(c.z)));
  const digits = opts.digits ?? 1;
  const values = cells.map((c) => ({ ...c, label: c.value.toFixed(digits) }));
  const x = {
    field: "feature",
    type: "nominal",
    sort: features,
    axis: { title: null, labelAngle: -30 },
  };
  const y = { field: "segment", type: "nominal", sort: segments, axis: { title: null } };
  return {
    ...base(opts),
    width: opts.width ?? Math.max(300, 60 * features.length),
    height: opts.height ?? 36 * segments.length,
    data: { values },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          x,
          y,
          color: {
            field: "z",
            type: "quantitative",
            scale: { scheme: "redblue", reverse: true, domain: [-limit, limit] },
            legend: { title: "z (vs all)" },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: { x, y, text: { field: "label", type: "nominal" } },
      },
    ],
  };
}

/** One bar. */
export interface LabeledBar {
  label: string;
  value: number;
  /** Optional colour group. */
  group?: string;
}

/** A horizontal bar chart (e.g. minutes per notebook), bars in the given order. */
export function barChart(
  bars: readonly LabeledBar[],
  opts: ChartOptions & { xTitle?: string } = {},
): VegaLiteSpec {
  return {
    ...base(opts),
    width: opts.width ?? 420,
    height: opts.height ?? Math.max(60, 22 * bars.length),
    data: { values: bars.map((b) => ({ ...b, group: b.group ?? "" })) },
    mark: { type: "bar" },
    encoding: {
      y: { field: "label", type: "nominal", sort: bars.map((b) => b.label), axis: { title: null } },
      x: { field: "value", type: "quantitative", axis: { title: opts.xTitle ?? null } },
      color: bars.some((b) => b.group)
        ? { field: "group", type: "nominal", legend: { title: null } }
        : { value: "#4c78a8" },
      tooltip: [{ field: "label" }, { field: "value", type: "quantitative", format: ".2f" }],
    },
  };
}
