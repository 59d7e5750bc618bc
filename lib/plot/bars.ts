/**
 * Grouped bar charts: a few numbers per category, side by side (the "counts" a network assigns to
 * an image and its tiles; probe accuracy per encoder block; an ablation).
 * @module
 */
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "./specs.ts";

/** One bar. */
export interface BarDatum {
  /** Category on the x axis. */
  x: string;
  /** Series within a category: one colour each, bars side by side. */
  series: string;
  value: number;
  /** Panel (facet column); omitted: one panel. */
  panel?: string;
}

/** Options of {@link groupedBars}. */
export interface GroupedBarsOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Format of the y axis and tooltips (d3-format), e.g. ".0%". Default ".3~g". */
  format?: string;
  /** Width of each panel in pixels. Default 60 per category. */
  width?: number;
  height?: number;
}

/**
 * Bars grouped by `x`, coloured by `series` (offset side by side), optionally faceted by `panel`,
 * categories and series in first-seen order.
 * @example
 * ```ts
 * import { groupedBars } from "./bars.ts";
 * const spec = groupedBars([
 *   { x: "block 1", series: "random", value: 0.6 },
 *   { x: "block 1", series: "jigsaw", value: 0.7 },
 * ], { yTitle: "accuracy", format: ".0%" });
 * ```
 */
export function groupedBars(
  data: readonly BarDatum[],
  opts: GroupedBarsOptions = {},
): VegaLiteSpec {
  if (!data.length) throw new RangeError("groupedBars(): needs at least one bar.");
  const xs = [...new Set(data.map((d) => d.x))];
  const series = [...new Set(data.map((d) => d.series))];
  const format = opts.format ?? ".3~g";
  const faceted = data.some((d) => d.panel !== undefined);
  const unit = {
    width: opts.width ?? Math.max(120, 60 * xs.length),
    height: opts.height ?? 200,
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: {
        field: "x",
        type: "nominal",
        sort: xs,
        axis: { title: opts.xTitle ?? null, labelAngle: 0 },
      },
      xOffset: { field: "series", type: "nominal", sort: series },
      y: { field: "value", type: "quantitative", axis: { title: opts.yTitle ?? null, format } },
      color: {
        field: "series",
        type: "nominal",
        sort: series,
        legend: { title: null, orient: "top" },
      },
      tooltip: [
        { field: "x", type: "nominal" },
        { field: "series", type: "nominal" },
        { field: "value", type: "quantitative", format },
      ],
    },
  };
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA, background: "white" };
  if (opts.title) spec.title = opts.title;
  const values = data.map((d) => ({ ...d, panel: d.panel ?? "" }));
  if (!faceted) return { ...spec, data: { values }, ...unit };
  const panels = [...new Set(values.map((d) => d.panel))];
  return {
    ...spec,
    data: { values },
    facet: { column: { field: "panel", type: "nominal", sort: panels, header: { title: null } } },
    spec: unit,
    resolve: { scale: { y: "independent" } },
  };
}
