/**
 * Downstream accuracy against pretraining epochs: one panel per method, a line per read-out and
 * label budget with its 95 % interval, and reference lines (e.g. supervised from scratch at each
 * budget) — the zoo's question made visible. Epoch 0 is the untrained encoder; the x axis is
 * symmetric-log so that 0, 1, 3, 10, 30 and 100 epochs are spread evenly enough to read.
 * @module
 */
import { type ChartOptions, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./specs.ts";

/** One point of a curve: a method's read-out at one budget after `epochs` of pretraining. */
export interface EpochPoint {
  /** The panel (e.g. "SimCLR"). */
  method: string;
  epochs: number;
  /** The curve within the panel, e.g. "linear probe, 10/class". */
  series: string;
  mean: number;
  /** The 95 % interval, when there is one. */
  lo?: number;
  hi?: number;
}

/** A horizontal reference line, drawn in every panel (or in `method`'s only). */
export interface EpochReference {
  label: string;
  value: number;
  method?: string;
}

/** The chart of {@link EpochPoint}s with {@link EpochReference} lines. */
export function accuracyVsEpochs(
  points: readonly EpochPoint[],
  references: readonly EpochReference[] = [],
  opts: ChartOptions & { columns?: number } = {},
): VegaLiteSpec {
  const methods = [...new Set(points.map((p) => p.method))];
  const ticks = [...new Set(points.map((p) => p.epochs))].sort((a, b) => a - b);
  const values = [
    ...points.map((p) => ({ kind: "point", ...p })),
    ...references.flatMap((r) =>
      (r.method ? [r.method] : methods).map((method) => ({
        kind: "reference",
        method,
        series: r.label,
        mean: r.value,
      }))
    ),
  ];
  const x = {
    field: "epochs",
    type: "quantitative",
    scale: { type: "symlog", constant: 1 },
    axis: { title: "pretraining epochs (0 = untrained)", values: ticks, format: "d" },
  };
  const y = {
    field: "mean",
    type: "quantitative",
    scale: { zero: false },
    axis: { title: "test accuracy", format: ".0%" },
  };
  const color = {
    field: "series",
    type: "nominal",
    legend: { title: null, orient: "bottom", columns: 2, labelLimit: 300 },
  };
  const referenceLayer = {
    transform: [{ filter: "datum.kind === 'reference'" }],
    mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 1.5 },
    encoding: { y, color },
  };
  const intervalLayer = {
    transform: [{ filter: "datum.kind === 'point' && isValid(datum.lo)" }],
    mark: { type: "rule", strokeWidth: 1.5 },
    encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
  };
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    background: "white",
    data: { values },
    facet: { field: "method", type: "nominal", sort: methods, title: null },
    columns: opts.columns ?? Math.min(methods.length, 4),
    spec: {
      width: opts.width ?? 200,
      height: opts.height ?? 170,
      layer: [
        ...(references.length ? [referenceLayer] : []),
        ...(points.some((p) => p.lo !== undefined) ? [intervalLayer] : []),
        {
          transform: [{ filter: "datum.kind === 'point'" }],
          mark: { type: "line", point: { filled: true, size: 30 }, strokeWidth: 2 },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: "method", type: "nominal" },
              { field: "series", type: "nominal" },
              { field: "epochs", type: "quantitative" },
              { field: "mean", type: "quantitative", format: ".1%" },
            ],
          },
        },
      ],
    },
  };
  if (opts.title !== undefined) spec.title = opts.title;
  return spec;
}
