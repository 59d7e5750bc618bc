/**
 * Turns result rows into the sentences and tables a notebook's conclusion quotes, so the numbers
 * in the prose are always the numbers of the run.
 * @module
 */
import { describeComparison, pairedComparison } from "./paired.ts";
import type { LabelBudget, ResultRow } from "./schema.ts";

/** "72.4 ± 1.3 %" (or "72.4 %" for a single run). */
export function formatAccuracy(row: Pick<ResultRow, "mean" | "std" | "n">): string {
  const mean = (row.mean * 100).toFixed(1);
  return row.n > 1 ? `${mean} ± ${(row.std * 100).toFixed(1)} %` : `${mean} %`;
}

/** The budgets present in `rows`, in ascending order with "all" last. */
export function budgetsOf(rows: ResultRow[]): LabelBudget[] {
  const set = [...new Set(rows.map((r) => r.labelsPerClass))];
  return set.sort((a, b) => (a === "all" ? 1 : b === "all" ? -1 : a - b));
}

/** One row per method, one column per budget: the comparison table, as plain records. */
export function comparisonTable(rows: ResultRow[]): Record<string, string>[] {
  const budgets = budgetsOf(rows);
  const methods = [...new Map(rows.map((r) => [r.method, r.family])).entries()];
  return methods.map(([method, family]) => {
    const record: Record<string, string> = { method, family };
    for (const b of budgets) {
      const row = rows.find((r) => r.method === method && r.labelsPerClass === b);
      record[b === "all" ? "all labels" : `${b}/class`] = row ? formatAccuracy(row) : "–";
    }
    return record;
  });
}

/**
 * For each budget: how `method` compares with the best row (highest mean) of each other family,
 * as markdown bullet points. A difference is a win or a loss only when its paired 95 % bootstrap
 * interval over seeds excludes zero (see lib/results/paired.ts), else the rows tie: "at 10
 * labels/class, **RotNet + linear probe** (71.2 %) beats the best supervised row, … at 65.0 %
 * (+6.2 points, 95 % CI +4.0 … +8.1)".
 */
export function describeAgainstFamilies(rows: ResultRow[], method: string): string[] {
  const lines: string[] = [];
  for (const budget of budgetsOf(rows)) {
    const mine = rows.find((r) => r.method === method && r.labelsPerClass === budget);
    if (!mine) continue;
    const label = budget === "all" ? "with all labels" : `at ${budget} labels/class`;
    const parts: string[] = [];
    for (const family of ["control", "unsupervised", "supervised", "self-supervised"] as const) {
      const others = rows.filter((r) =>
        r.family === family && r.labelsPerClass === budget && r.method !== method &&
        r.metric === mine.metric
      );
      if (!others.length) continue;
      const best = others.reduce((a, b) => (b.mean > a.mean ? b : a));
      parts.push(describeComparison(
        pairedComparison(mine, best),
        `the best ${family} row, ${best.method} at ${formatAccuracy(best)}`,
        mine.metric,
      ));
    }
    lines.push(`- ${label}, **${method}** (${formatAccuracy(mine)}) ${parts.join("; ")}.`);
  }
  return lines;
}

/**
 * Per budget, whether pretraining gives the best row: the best of `methods` (highest mean) against
 * the best row of every other family (control, unsupervised, supervised), under the one rule —
 * "beats" only when the paired 95 % interval excludes zero, else "ties" (or "loses to"). One
 * markdown bullet per budget where both exist.
 */
export function describeBestOf(rows: ResultRow[], methods: string[]): string[] {
  const lines: string[] = [];
  for (const budget of budgetsOf(rows)) {
    const here = rows.filter((r) => r.labelsPerClass === budget);
    const mine = here.filter((r) => methods.includes(r.method));
    if (!mine.length) continue;
    const best = mine.reduce((a, b) => (b.mean > a.mean ? b : a));
    const others = here.filter((r) => r.family !== "self-supervised" && r.metric === best.metric);
    if (!others.length) continue;
    const other = others.reduce((a, b) => (b.mean > a.mean ? b : a));
    const label = budget === "all" ? "with all labels" : `at ${budget} labels/class`;
    lines.push(
      `- ${label}, the best pretrained row, **${best.method}** (${formatAccuracy(best)}), ` +
        describeComparison(
          pairedComparison(best, other),
          `the best row without pretraining, ${other.method} at ${formatAccuracy(other)}`,
          best.metric,
        ) + ".",
    );
  }
  return lines;
}
