/**
 * What the index says first: the findings, generated from the results with the rule of
 * lib/results/paired.ts (a difference is a win only when its 95 % interval excludes zero), the
 * dot plots of each self-supervised read-out's difference to its reference, and the leaderboard's
 * small multiples. Rows saved before per-seed scores were kept have no interval: they tie.
 * @module
 */
import { formatComparison, verdict, withVersus } from "../../lib/results/paired.ts";
import type { Comparison, ResultRow, Results } from "../../lib/results/schema.ts";
import type { Leaderboard } from "../../lib/results/summary.ts";
import { downstreamTask, SUITE_NOTEBOOKS, TEXT_TASK } from "../../lib/results/suite_map.ts";
import { escape } from "./html.ts";
export { leaderboardSpec, readoutOf } from "../../lib/plot/leaderboard.ts";

/** Budgets the findings and dot plots compare at. */
export const FINDING_BUDGETS = [10, 100] as const;

/**
 * Each results file with `versus` on its rows: files saved with per-seed scores already carry it;
 * older files get it from `withVersus` (the difference of means, no interval).
 */
export function withComparisons(results: readonly Results[]): Results[] {
  return results.map((r) =>
    r.rows.some((row) => row.versus || row.scores) ? r : { ...r, rows: withVersus(r.rows) }
  );
}

/** "beats (+6.2 points, 95 % CI +4.0 … +8.1)" or "ties (no interval; +1.0 points)". */
export function verdictText(c: Comparison | undefined, metric: string): string {
  if (!c) return "–";
  if (!c.ci95) return `ties (no interval; ${formatComparison(c, metric).split(";")[0]})`;
  return `${verdict(c, metric)} (${formatComparison(c, metric)})`;
}

/** A sub-task of a downstream task: "party: " rows are the State-of-the-Union party task. */
export function subTask(results: Pick<Results, "notebook">, row: ResultRow): string {
  const task = downstreamTask(results);
  if (task !== TEXT_TASK) return task;
  return row.method.startsWith("party: ")
    ? "State-of-the-Union party (text)"
    : "spam filtering (text)";
}

/** The metric each sub-task is judged by. */
function mainMetric(task: string): string {
  return task.startsWith("spam") ? "F1 (spam)" : "accuracy";
}

/** The pretext title of a notebook: "rotation prediction (RotNet)". */
export function pretextTitle(stem: string): string {
  return SUITE_NOTEBOOKS.find((n) => n.stem === stem)?.pretext ?? stem;
}

/** One point of a dot plot. */
export interface DotPoint {
  task: string;
  reference: "untrained encoder" | "supervised from scratch";
  notebook: string;
  pretext: string;
  method: string;
  family: string;
  budget: string;
  /** Percentage points. */
  delta: number;
  lo: number | null;
  hi: number | null;
  verdict: string;
}

/**
 * The points of the dot plots: for every row at 10 and 100 labels/class, its difference to the
 * untrained encoder (`versus.random`); a task without untrained-encoder rows (text) is compared
 * with supervised from scratch (`versus.supervised`). Baselines repeated by several notebooks
 * appear once.
 */
export function dotPoints(results: readonly Results[]): DotPoint[] {
  const points: DotPoint[] = [];
  const seen = new Set<string>();
  const ordered = [...withComparisons(results)].sort((a, b) =>
    a.notebook === "00_baselines" ? -1 : b.notebook === "00_baselines" ? 1 : 0
  );
  const hasRandom = new Set<string>();
  for (const r of ordered) {
    for (const row of r.rows) if (row.versus?.random) hasRandom.add(subTask(r, row));
  }
  for (const r of ordered) {
    for (const row of r.rows) {
      const task = subTask(r, row);
      if (row.metric !== mainMetric(task)) continue;
      if (!(FINDING_BUDGETS as readonly unknown[]).includes(row.labelsPerClass)) continue;
      const useRandom = hasRandom.has(task);
      const c = useRandom ? row.versus?.random : row.versus?.supervised;
      if (!c) continue;
      const method = row.method.replace(/^party: /, "");
      const key = `${task}|${method}|${row.labelsPerClass}|${
        row.family === "self-supervised" ? r.notebook : ""
      }`;
      if (seen.has(key)) continue;
      seen.add(key);
      points.push({
        task,
        reference: useRandom ? "untrained encoder" : "supervised from scratch",
        notebook: r.notebook,
        pretext: row.family === "self-supervised" ? pretextTitle(r.notebook) : "baseline",
        method,
        family: row.family,
        budget: `${row.labelsPerClass} labels/class`,
        delta: c.delta * 100,
        lo: c.ci95 ? c.ci95[0] * 100 : null,
        hi: c.ci95 ? c.ci95[1] * 100 : null,
        verdict: c.ci95 ? verdict(c, row.metric) : "ties (no interval)",
      });
    }
  }
  return points;
}

/** The tasks of the dot plots, in order of first appearance. */
export function dotTasks(points: readonly DotPoint[]): string[] {
  return [...new Set(points.map((p) => p.task))];
}

/**
 * The dot plot of one task: self-supervised read-outs (sorted by their difference at the first
 * budget), a point per budget with its 95 % interval as an error bar; the baselines (pixels, PCA,
 * supervised from scratch, …) as dashed vertical reference lines; zero marked.
 */
export function dotPlotSpec(points: readonly DotPoint[], task: string): Record<string, unknown> {
  const here = points.filter((p) => p.task === task);
  const reference = here[0]?.reference ?? "untrained encoder";
  const ssl = here.filter((p) => p.family === "self-supervised");
  const order = [
    ...new Set(
      [...ssl].sort((a, b) =>
        a.budget === b.budget ? b.delta - a.delta : a.budget.localeCompare(b.budget, "en", {
          numeric: true,
        })
      ).map((p) => p.method),
    ),
  ];
  const data = here.map((p) => ({
    ...p,
    kind: p.family === "self-supervised" ? "self-supervised" : "baseline",
    lo: p.lo ?? p.delta,
    hi: p.hi ?? p.delta,
    interval: p.lo === null ? "no interval" : `${p.lo.toFixed(1)} … ${p.hi!.toFixed(1)}`,
  }));
  const x = {
    field: "delta",
    type: "quantitative",
    title: `difference to the ${reference} (percentage points)`,
  };
  const tooltip = [
    { field: "method", title: "read-out" },
    { field: "pretext", title: "pretext task" },
    { field: "budget" },
    { field: "delta", title: "difference (points)", format: "+.1f" },
    { field: "interval", title: "95 % CI (points)" },
    { field: "verdict" },
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `${task}: each self-supervised read-out minus the ${reference}`,
    data: { values: data },
    facet: { column: { field: "budget", type: "nominal", title: null, sort: "ascending" } },
    spec: {
      width: 300,
      height: { step: 16 },
      layer: [
        {
          mark: { type: "rule", color: "#999" },
          encoding: { x: { datum: 0, type: "quantitative" } },
        },
        {
          transform: [{ filter: "datum.kind === 'baseline'" }],
          mark: { type: "rule", strokeDash: [4, 3] },
          encoding: {
            x,
            color: { field: "method", type: "nominal", title: "baselines (dashed)" },
            tooltip,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'self-supervised'" }],
          mark: { type: "rule", color: "#4c78a8" },
          encoding: {
            y: { field: "method", type: "nominal", sort: order, title: null },
            x: { field: "lo", type: "quantitative", title: x.title },
            x2: { field: "hi" },
            tooltip,
          },
        },
        {
          transform: [{ filter: "datum.kind === 'self-supervised'" }],
          mark: { type: "point", filled: true, size: 50 },
          encoding: {
            y: { field: "method", type: "nominal", sort: order, title: null },
            x,
            shape: {
              field: "verdict",
              type: "nominal",
              title: "verdict (95 % CI)",
              scale: {
                domain: ["beats", "ties", "ties (no interval)", "loses to"],
                range: ["triangle-right", "circle", "square", "triangle-left"],
              },
            },
            tooltip,
          },
        },
      ],
    },
    resolve: { scale: { x: "shared" } },
    config: { legend: { orient: "bottom", columns: 3 } },
  };
}

/** One finding per task and budget, as an HTML list item. */
export function findings(points: readonly DotPoint[]): string[] {
  const out: string[] = [];
  for (const task of dotTasks(points)) {
    for (const budget of FINDING_BUDGETS) {
      const here = points.filter((p) =>
        p.task === task && p.family === "self-supervised" && p.budget === `${budget} labels/class`
      );
      if (!here.length) continue;
      const reference = here[0].reference;
      const count = (v: string) => here.filter((p) => p.verdict === v).length;
      // Name the largest win when there is one, else the largest difference.
      const winners = here.filter((p) => p.verdict === "beats");
      const best = (winners.length ? winners : here).reduce((a, b) => (b.delta > a.delta ? b : a));
      const noInterval = count("ties (no interval)");
      const ci = best.lo === null
        ? "no interval, so it counts as a tie"
        : `95 % CI ${best.lo.toFixed(1)} … ${best.hi!.toFixed(1)}: ${best.verdict}`;
      out.push(
        `<li><b>${escape(task)}, ${budget} labels/class:</b> of ${here.length} self-supervised ` +
          `read-outs, <span class="beats">${count("beats")} beat</span> the ${reference}, ` +
          `<span class="ties">${count("ties") + noInterval} tie</span>` +
          (noInterval ? ` (${noInterval} without an interval)` : "") +
          `, <span class="loses">${count("loses to")} lose to it</span>. ` +
          `${winners.length ? "Largest win" : "Largest difference"}: ` +
          `${escape(best.method)} (${escape(best.pretext)}) ${best.delta >= 0 ? "+" : "−"}` +
          `${Math.abs(best.delta).toFixed(1)} points (${escape(ci)}).</li>`,
      );
    }
  }
  return out;
}

/** A leaderboard split into its sub-tasks (spam vs party for text). */
export function splitBoards(boards: readonly Leaderboard[]): Leaderboard[] {
  const out: Leaderboard[] = [];
  for (const board of boards) {
    if (board.task !== TEXT_TASK) {
      out.push(board);
      continue;
    }
    const party = board.rows.filter((r) => r.method.startsWith("party: "));
    const spam = board.rows.filter((r) => !r.method.startsWith("party: "));
    if (spam.length) out.push({ ...board, task: "spam filtering (text)", rows: spam });
    if (party.length) {
      out.push({
        ...board,
        task: "State-of-the-Union party (text)",
        rows: party.map((r) => ({ ...r, method: r.method.replace(/^party: /, "") })),
      });
    }
  }
  return out;
}
