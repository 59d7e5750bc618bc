/**
 * Comparing one notebook's rows with another notebook's saved results (e.g. every spatial
 * pretext task against rotation prediction), read at run time — never hard-coded.
 * @module
 */
import { formatAccuracy } from "./describe.ts";
import { describeComparison, pairedComparison } from "./paired.ts";
import { loadResults, resultsDir } from "./save.ts";
import type { ResultRow, Results } from "./schema.ts";

/**
 * The saved results of `notebook`, looked up in `dirs` (default: `resultsDir()`, then the
 * repository's committed `results/`), with the path found; `null` when no directory has them.
 */
export async function findResults(
  notebook: string,
  opts: { dirs?: string[] } = {},
): Promise<{ results: Results; path: string } | null> {
  const dirs = opts.dirs ??
    [resultsDir(), new URL("../../results", import.meta.url).pathname];
  for (const dir of [...new Set(dirs)]) {
    const path = `${dir}/${notebook}.json`;
    try {
      await Deno.stat(path);
    } catch {
      continue;
    }
    return { results: await loadResults(path), path };
  }
  return null;
}

/**
 * Markdown bullets, one per budget present in both: `method` of `rows` against `otherMethod` of
 * `other`, paired by seed (same seed ⇒ same labelled subset in every notebook): "at 10
 * labels/class: **Jigsaw + linear probe** 70.1 ± 1.0 % ties RotNet + linear probe 67.1 ± 2.7 %
 * (+3.0 points, 95 % CI −0.4 … +6.1)" — "beats" only when the interval excludes zero. Budgets
 * missing on either side are skipped. `other` may be this notebook's own rows (`{ rows }`), to pair
 * two of its methods.
 */
export function describeAgainstOther(
  rows: ResultRow[],
  other: Pick<Results, "rows">,
  pairs: { method: string; otherMethod: string }[],
): string[] {
  const lines: string[] = [];
  for (const { method, otherMethod } of pairs) {
    for (const mine of rows.filter((r) => r.method === method)) {
      const theirs = other.rows.find((r) =>
        r.method === otherMethod && r.labelsPerClass === mine.labelsPerClass
      );
      if (!theirs) continue;
      const budget = mine.labelsPerClass === "all"
        ? "with all labels"
        : `at ${mine.labelsPerClass} labels/class`;
      lines.push(
        `- ${budget}: **${method}** ${formatAccuracy(mine)} ` +
          describeComparison(
            pairedComparison(mine, theirs),
            `${otherMethod} ${formatAccuracy(theirs)}`,
            mine.metric,
          ),
      );
    }
  }
  return lines;
}
