/**
 * The leaderboard of a downstream task as small multiples — one panel per read-out, one line per
 * features/model — for the summary notebook and the site alike.
 * @module
 */
import type { Leaderboard, LeaderboardRow } from "../results/summary.ts";

/** The read-out of a method name: linear probe, kNN, fine-tune, or trained from scratch. */
export function readoutOf(method: string): string {
  if (/\+ fine-tune$/.test(method)) return "fine-tune";
  if (/\+ kNN$/.test(method)) return "kNN";
  if (/linear probe$/.test(method)) return "linear probe";
  return "trained from scratch";
}

/**
 * The leaderboard as small multiples: one panel per read-out (linear probe / kNN / fine-tune /
 * from scratch), score against labels per class, one line per method; the legend lists every
 * method in full.
 */
export function leaderboardSpec(board: Leaderboard): Record<string, unknown> {
  const pct = board.metric === "accuracy" || /f1|precision|recall/i.test(board.metric);
  const values = board.rows.map((r: LeaderboardRow) => ({
    method: r.method,
    source: r.method.replace(/ \+ (fine-tune|kNN|linear probe)$/, "")
      .replace(/ mean vectors$/, ""),
    readout: readoutOf(r.method),
    family: r.family,
    notebook: r.notebook,
    budget: r.labelsPerClass === "all" ? "all" : String(r.labelsPerClass),
    score: pct ? r.mean * 100 : r.mean,
    std: pct ? r.std * 100 : r.std,
  }));
  const sources = [...new Set(values.map((v) => v.source))];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `${board.task}: ${board.metric} by read-out`,
    data: { values },
    facet: {
      column: {
        field: "readout",
        type: "nominal",
        title: null,
        sort: ["linear probe", "kNN", "fine-tune", "trained from scratch"],
      },
    },
    spec: {
      width: 200,
      height: 220,
      mark: { type: "line", point: true },
      encoding: {
        x: {
          field: "budget",
          type: "ordinal",
          title: "labels per class",
          sort: ["10", "100", "1000", "all"],
        },
        y: {
          field: "score",
          type: "quantitative",
          title: pct ? `${board.metric} (%)` : board.metric,
          scale: { zero: false },
        },
        color: {
          field: "source",
          type: "nominal",
          title: "features / model",
          scale: { scheme: sources.length > 10 ? "tableau20" : "tableau10" },
          legend: { symbolLimit: 0 }, // every method listed: Vega's default cuts long legends
        },
        opacity: { condition: { param: "pick", value: 1 }, value: 0.12 },
        tooltip: [
          { field: "method" },
          { field: "family" },
          { field: "notebook" },
          { field: "budget", title: "labels/class" },
          { field: "score", format: ".1f" },
          { field: "std", title: "std over seeds", format: ".1f" },
        ],
      },
      params: [{ name: "pick", select: { type: "point", fields: ["source"] }, bind: "legend" }],
    },
    config: { legend: { orient: "bottom", columns: 4 } },
  };
}
