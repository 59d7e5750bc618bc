/**
 * A 2-D map of words: each word a labelled point, coloured by a group (e.g. the corpus it is most
 * typical of). Vega-Lite v5, like the other builders in specs.ts.
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

/** Words as small points with their text beside them, coloured by `group`. */
export function wordMap(points: readonly WordPoint[], opts: ChartOptions = {}): VegaLiteSpec {
  const axis = { title: null, labels: false, ticks: false, grid: false };
  const encoding = {
    x: { field: "x", type: "quantitative", scale: { zero: false, nice: false }, axis },
    y: { field: "y", type: "quantitative", scale: { zero: false, nice: false }, axis },
    color: { field: "group", type: "nominal", legend: { title: null, orient: "top" } },
  };
  const spec: VegaLiteSpec = {
    $schema: VEGA_LITE_SCHEMA,
    background: "white",
    width: opts.width ?? 640,
    height: opts.height ?? 480,
    data: { values: points.map((p) => ({ ...p })) },
    encoding,
    layer: [
      { mark: { type: "circle", size: 14, opacity: 0.8 } },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 9 },
        encoding: { text: { field: "word" } },
      },
    ],
  };
  if (opts.title !== undefined) spec.title = opts.title;
  return spec;
}
