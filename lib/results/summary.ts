/**
 * The suite's leaderboard, built from every `results/*.json`: rows grouped by downstream task
 * (one table and one chart each), the runtime and code version of each result, and which planned
 * notebooks have no results yet. Used by `notebooks/99_summary.ipynb` and the static site.
 *
 * @example
 * ```ts ignore
 * import { leaderboards, loadResultsDir, suiteStatus } from "./summary.ts";
 * const { results, problems } = await loadResultsDir("results");
 * for (const board of leaderboards(results)) console.log(board.task, board.rows.length);
 * ```
 * @module
 */
import { type CodeVersionStatus, codeVersionStatus, git } from "./code_version.ts";
import { notebookModules } from "./notebook_modules.ts";
import { budgetsOf, formatAccuracy } from "./describe.ts";
import { describeComparison, lowerIsBetter, pairedComparison } from "./paired.ts";
import { loadResults } from "./save.ts";
import { FAMILIES, type ResultRow, type Results } from "./schema.ts";
import { downstreamTask, SUITE_NOTEBOOKS } from "./suite_map.ts";

/** A results file that could not be read or failed validation. */
export interface ResultsProblem {
  file: string;
  error: string;
}

/**
 * Reads and validates every `*.json` of `dir` (sorted by name). Invalid files do not stop the
 * others: they come back in `problems`, each error naming its file. A missing directory is empty.
 */
export async function loadResultsDir(dir: string): Promise<{
  results: Results[];
  problems: ResultsProblem[];
}> {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".json"))
      .map((e) => e.name).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { results: [], problems: [] };
    throw e;
  }
  const results: Results[] = [], problems: ResultsProblem[] = [];
  for (const name of names) {
    try {
      const r = await loadResults(`${dir}/${name}`);
      if (`${r.notebook}.json` !== name) {
        throw new Error(
          `${dir}/${name} says notebook "${r.notebook}"; results/<notebook>.json must match. ` +
            "Rename the file or re-run its notebook.",
        );
      }
      results.push(r);
    } catch (e) {
      problems.push({ file: `${dir}/${name}`, error: (e as Error).message });
    }
  }
  return { results, problems };
}

/** A result row with the notebook it came from. */
export type LeaderboardRow = ResultRow & { notebook: string };

/** The leaderboard of one downstream task and metric. */
export interface Leaderboard {
  task: string;
  metric: string;
  /** Grouped by family (control, unsupervised, supervised, self-supervised). */
  rows: LeaderboardRow[];
  notebooks: string[];
}

const MODE_RANK: Record<string, number> = { full: 3, standard: 2, smoke: 1 };

/** Prefer the run with the bigger mode, then the newer one. */
function better(a: Results, b: Results): boolean {
  const ra = MODE_RANK[a.mode] ?? 0, rb = MODE_RANK[b.mode] ?? 0;
  return ra !== rb ? ra > rb : a.createdAt > b.createdAt;
}

/**
 * One leaderboard per (downstream task, metric). The baselines every notebook of a task repeats
 * (control, unsupervised and supervised rows with the same method name) are shown once, from the
 * best run (full > standard > smoke, then the newest); self-supervised rows are each notebook's
 * own, suffixed with the notebook when two notebooks use the same method name.
 */
export function leaderboards(results: readonly Results[]): Leaderboard[] {
  const groups = new Map<string, { task: string; metric: string; runs: Results[] }>();
  for (const r of results) {
    for (const metric of new Set(r.rows.map((row) => row.metric))) {
      const task = downstreamTask(r as Results & { task?: unknown });
      const key = `${task}\u0000${metric}`;
      if (!groups.has(key)) groups.set(key, { task, metric, runs: [] });
      groups.get(key)!.runs.push(r);
    }
  }
  return [...groups.values()].map(({ task, metric, runs }) => {
    const baselineSource = new Map<string, Results>();
    const ownerCount = new Map<string, Set<string>>();
    for (const run of runs) {
      for (const row of run.rows) {
        if (row.metric !== metric) continue;
        if (row.family === "self-supervised") {
          if (!ownerCount.has(row.method)) ownerCount.set(row.method, new Set());
          ownerCount.get(row.method)!.add(run.notebook);
          continue;
        }
        const current = baselineSource.get(row.method);
        if (!current || better(run, current)) baselineSource.set(row.method, run);
      }
    }
    const rows: LeaderboardRow[] = [];
    for (const run of runs) {
      for (const row of run.rows) {
        if (row.metric !== metric) continue;
        if (row.family === "self-supervised") {
          const shared = (ownerCount.get(row.method)?.size ?? 0) > 1;
          rows.push({
            ...row,
            method: shared ? `${row.method} (${run.notebook})` : row.method,
            notebook: run.notebook,
          });
        } else if (baselineSource.get(row.method) === run) {
          rows.push({ ...row, notebook: run.notebook });
        }
      }
    }
    const familyOrder = (row: ResultRow) => (FAMILIES as readonly string[]).indexOf(row.family);
    rows.sort((a, b) => familyOrder(a) - familyOrder(b)); // stable: notebook order within a family
    return { task, metric, rows, notebooks: runs.map((r) => r.notebook) };
  });
}

/** "72.4 ± 1.3 %" for accuracy; "3.512 ± 0.210" for any other metric. */
export function formatMetric(row: Pick<ResultRow, "metric" | "mean" | "std" | "n">): string {
  if (row.metric === "accuracy") return formatAccuracy(row);
  return row.n > 1 ? `${row.mean.toFixed(3)} ± ${row.std.toFixed(3)}` : row.mean.toFixed(3);
}

/** A leaderboard as table records: method, family, notebook, one column per label budget. */
export function leaderboardTable(board: Leaderboard): Record<string, string>[] {
  const budgets = budgetsOf(board.rows);
  const methods = [...new Map(board.rows.map((r) => [r.method, r])).values()];
  return methods.map((first) => {
    const record: Record<string, string> = {
      method: first.method,
      family: first.family,
      notebook: first.notebook,
    };
    for (const b of budgets) {
      const row = board.rows.find((r) => r.method === first.method && r.labelsPerClass === b);
      record[b === "all" ? "all labels" : `${b}/class`] = row ? formatMetric(row) : "–";
    }
    return record;
  });
}

/** Runtime and code version of one result. */
export interface RunInfo {
  notebook: string;
  mode: string;
  seeds: number;
  backend: string;
  minutes: number;
  /**
   * Protocol runs reused from the run cache (lib/eval/run_cache.ts) out of all, e.g. "42 of 74",
   * or "–" when the result lists no runs: the wall time is with those runs' work already done.
   */
  reused: string;
  createdAt: string;
  code: string;
  codeStatus: CodeVersionStatus["state"];
  note: string;
}

/** "n of m" protocol runs marked `reused` in a result's `pretext.runs`, or "–" without runs. */
export function reusedRuns(r: Results): string {
  const runs = (r.pretext as { runs?: unknown } | undefined)?.runs;
  if (!Array.isArray(runs) || !runs.length) return "–";
  return `${runs.filter((x) => (x as { reused?: unknown })?.reused).length} of ${runs.length}`;
}

/** `lib/` as it was at commit `sha` of the repository at `base`, unpacked once per process. */
const libTrees = new Map<string, URL | null>();
function libAt(base: URL, sha: string): URL | null {
  const key = `${base.href}@${sha}`;
  if (libTrees.has(key)) return libTrees.get(key)!;
  let tree: URL | null = null;
  const cwd = base.pathname;
  if (/^[0-9a-f]{7,40}$/i.test(sha) && git(cwd, ["cat-file", "-e", `${sha}^{commit}`]).ok) {
    const dir = Deno.makeTempDirSync({ prefix: "lib-at-" });
    try {
      const archive = new Deno.Command("git", {
        args: ["archive", "--format=tar", `--output=${dir}/lib.tar`, sha, "lib"],
        cwd,
        stderr: "null",
      }).outputSync();
      const unpacked = archive.success &&
        new Deno.Command("tar", { args: ["-xf", "lib.tar"], cwd: dir, stderr: "null" })
          .outputSync().success;
      if (unpacked) tree = new URL(`file://${dir}/`);
      globalThis.addEventListener("unload", () => {
        try {
          Deno.removeSync(dir, { recursive: true });
        } catch { /* already gone */ }
      });
    } catch {
      tree = null; // no git or tar: the current reach is used
    }
  }
  libTrees.set(key, tree);
  return tree;
}

/**
 * The files the notebook behind a result reached when it ran ({@link notebookModules} of its
 * code cells, resolved in `lib/` as it was at the result's commit `sha`: a file it reaches only
 * since cannot have changed its numbers); the current reach when that commit is not at hand; or
 * undefined (every file of lib/ counts) when its notebook is not at `notebooks/<name>.ipynb`.
 */
function reachedModules(notebook: string, root?: string, sha = ""): string[] | undefined {
  const path = `notebooks/${notebook}.ipynb`;
  const base = root
    ? new URL(`file://${root.replace(/\/?$/, "/")}`)
    : new URL("../..", import.meta.url);
  try {
    Deno.statSync(new URL(path, base));
  } catch {
    return undefined;
  }
  const then = libAt(base, sha.replace(/-dirty$/, ""));
  if (then) {
    Deno.mkdirSync(new URL("notebooks/", then), { recursive: true });
    Deno.copyFileSync(new URL(path, base), new URL(path, then));
    return notebookModules(path, { root: then });
  }
  return notebookModules(path, { root: base });
}

/**
 * Runtime, date and code version (current / grown / stale / dirty / unknown) of each result; the
 * code version counts only the files its notebook's code reaches.
 */
export function runInfo(results: readonly Results[], opts: { root?: string } = {}): RunInfo[] {
  return results.map((r) => {
    const status = codeVersionStatus(r.gitSha, {
      root: opts.root,
      modules: reachedModules(r.notebook, opts.root, r.gitSha),
    });
    return {
      notebook: r.notebook,
      mode: r.mode,
      seeds: r.seeds.length,
      backend: r.backend,
      minutes: Math.round(r.wallSeconds / 6) / 10,
      reused: reusedRuns(r),
      createdAt: r.createdAt.slice(0, 16).replace("T", " "),
      code: r.gitSha === "unknown"
        ? "unknown"
        : r.gitSha.slice(0, 7) + (r.gitSha.endsWith("-dirty") ? "-dirty" : ""),
      codeStatus: status.state,
      note: status.note,
    };
  });
}

/** Where one planned notebook stands. */
export interface SuiteEntry {
  notebook: string;
  pretext: string;
  family: string;
  paper: string;
  downstream: string;
  /** "standard run, 2026-11-27" / "not yet run" (+ whether the notebook file exists). */
  status: string;
  /** What it found, from its rows (empty when not yet run). */
  finding: string;
}

/**
 * The best self-supervised row against the best other row, at the smallest label budget and with
 * all labels, paired by seed ("beats" only when the 95 % interval excludes zero): "10/class:
 * RotNet + fine-tune 69.7 ± 1.2 % ties pixels + linear probe 68.8 ± 1.0 % (+0.9 points, 95 % CI
 * −0.5 … +2.1)".
 */
export function headlineFinding(rows: readonly ResultRow[]): string {
  const metric = rows[0]?.metric;
  const lower = lowerIsBetter(metric ?? "");
  const pick = (xs: ResultRow[]) =>
    xs.reduce((a, b) => ((lower ? b.mean < a.mean : b.mean > a.mean) ? b : a));
  const budgets = budgetsOf([...rows]);
  const shown = [...new Set([budgets[0], budgets[budgets.length - 1]])];
  const parts: string[] = [];
  for (const budget of shown) {
    const here = rows.filter((r) => r.labelsPerClass === budget && r.metric === metric);
    const ssl = here.filter((r) => r.family === "self-supervised");
    const others = here.filter((r) => r.family !== "self-supervised");
    if (!ssl.length || !others.length) continue;
    const a = pick(ssl), b = pick(others);
    parts.push(
      `${budget === "all" ? "all labels" : `${budget}/class`}: ${a.method} ${formatMetric(a)} ` +
        describeComparison(pairedComparison(a, b), `${b.method} ${formatMetric(b)}`, metric),
    );
  }
  return parts.join("; ");
}

/**
 * Every planned notebook of the suite map with its status and finding; results from notebooks
 * outside the map are listed after them. `notebooksDir` tells "not yet written" from "not yet run".
 */
export function suiteStatus(
  results: readonly Results[],
  opts: { notebooksDir?: string } = {},
): SuiteEntry[] {
  const exists = (stem: string): boolean => {
    if (!opts.notebooksDir) return false;
    try {
      return Deno.statSync(`${opts.notebooksDir}/${stem}.ipynb`).isFile;
    } catch {
      return false;
    }
  };
  const planned = SUITE_NOTEBOOKS.map((n) => ({ ...n, notebook: n.stem }));
  const extra = results.filter((r) => !SUITE_NOTEBOOKS.some((n) => n.stem === r.notebook))
    .map((r) => ({
      notebook: r.notebook,
      pretext: "?",
      family: "?",
      paper: "?",
      downstream: downstreamTask(r as Results & { task?: unknown }),
    }));
  return [...planned, ...extra].map((n) => {
    const r = results.find((x) => x.notebook === n.notebook);
    const status = r
      ? `${r.mode} run, ${r.createdAt.slice(0, 10)}`
      : `not yet run${
        opts.notebooksDir ? (exists(n.notebook) ? "" : " (notebook not written yet)") : ""
      }`;
    return {
      notebook: n.notebook,
      pretext: n.pretext,
      family: n.family,
      paper: n.paper,
      downstream: n.downstream,
      status,
      finding: r ? headlineFinding(r.rows) : "",
    };
  });
}
