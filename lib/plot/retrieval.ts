/**
 * Precision–recall curves of few-shot retrieval: one panel per class, a line per feature space.
 * @module
 */
import { type ChartOptions, VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./specs.ts";

/** One point of a curve: a space's interpolated precision at a recall, for one class. */
export interface PrPoint {
  panel: string;
  space: string;
  recall: number;
  precision: number;
}

/** Small multiples of precision–recall curves (panels in the order given). */
export function precisionRecallChart(
  points: readonly PrPoint[],
  opts: ChartOptions & { columns?: number } = {},
): VegaLiteSpec {
  const panels = [...new Set(points.map((p) => p.panel))];
  const spaces = [...new Set(points.map((p) => p.space))];
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    background: "white",
    data: { values: points },
    facet: { field: "panel", type: "nominal", sort: panels, title: null },
    columns: opts.columns ?? 5,
    spec: {
      width: opts.width ?? 130,
      height: opts.height ?? 110,
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: {
        x: { field: "recall", type: "quantitative", scale: { domain: [0, 1] } },
        y: { field: "precision", type: "quantitative", scale: { domain: [0, 1] } },
        color: {
          field: "space",
          type: "nominal",
          sort: spaces,
          legend: { title: null, orient: "bottom", columns: 3, symbolLimit: 0, labelLimit: 260 },
        },
      },
    },
  };
  if (opts.title !== undefined) spec.title = opts.title;
  return spec;
}
