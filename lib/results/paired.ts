/**
 * Paired comparisons between result rows: the difference of two rows scored on the same labelled
 * subsets (same seed ⇒ same subset), with a 95 % percentile-bootstrap interval over seeds, and the
 * one rule every generated sentence follows — a difference is a win (or a loss) only when its
 * interval excludes zero; otherwise the rows tie.
 *
 * Kept apart from compare.ts because save.ts needs it and compare.ts needs save.ts.
 *
 * @example
 * ```ts
 * import { pairedComparison, verdict } from "./paired.ts";
 * const a = { mean: 0.72, scores: [0.71, 0.72, 0.73], seeds: [0, 1, 2] };
 * const b = { mean: 0.62, scores: [0.6, 0.62, 0.64], seeds: [0, 1, 2] };
 * verdict(pairedComparison(a, b)); // "beats"
 * ```
 * @module
 */
import { createRng } from "../random.ts";
import { type Comparison, metricRange, type ResultRow, type Versus } from "./schema.ts";

/** Bootstrap resamples of every interval. */
export const BOOTSTRAP_RESAMPLES = 10_000;
/** Seed of the bootstrap's generator: the same rows always give the same interval. */
export const BOOTSTRAP_SEED = 0;

/**
 * The 95 % percentile-bootstrap interval of the mean of `values` (resampled with replacement,
 * `resamples` times, from `createRng(seed)`); null with fewer than 2 values.
 */
export function bootstrapMeanInterval(
  values: readonly number[],
  opts: { resamples?: number; seed?: number } = {},
): [number, number] | null {
  const k = values.length;
  if (k < 2) return null;
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const rng = createRng(opts.seed ?? BOOTSTRAP_SEED);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += values[rng.int(k)];
    means[r] = s / k;
  }
  return percentileInterval(means);
}

/**
 * The 95 % interval of the mean of grouped values by a two-level (hierarchical) bootstrap:
 * resample the groups with replacement, then the values within each chosen group; the statistic
 * is the mean of the chosen groups' means. For results that vary at two levels — pretext seeds
 * (one pretraining run each) and, within each, the label seeds — so that the interval covers
 * both. Empty groups are left out; null with fewer than 2 groups left.
 */
export function nestedBootstrapInterval(
  groups: readonly (readonly number[])[],
  opts: { resamples?: number; seed?: number } = {},
): [number, number] | null {
  const kept = groups.filter((g) => g.length);
  const k = kept.length;
  if (k < 2) return null;
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const rng = createRng(opts.seed ?? BOOTSTRAP_SEED);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < k; i++) {
      const g = kept[rng.int(k)];
      let t = 0;
      for (let j = 0; j < g.length; j++) t += g[rng.int(g.length)];
      s += t / g.length;
    }
    means[r] = s / k;
  }
  return percentileInterval(means);
}

/** The 2.5 % and 97.5 % quantiles (linear interpolation) of bootstrap means; sorts `means`. */
function percentileInterval(means: Float64Array): [number, number] {
  means.sort();
  const quantile = (p: number) => {
    const x = p * (means.length - 1), lo = Math.floor(x), hi = Math.ceil(x);
    return means[lo] + (means[hi] - means[lo]) * (x - lo);
  };
  return [quantile(0.025), quantile(0.975)];
}

/**
 * What a paired comparison needs of a row: its mean and, where recorded, per-seed scores (and its
 * budget: see {@link pairedDifferences}).
 */
export type PairableRow = Pick<ResultRow, "mean" | "scores" | "seeds"> & {
  labelsPerClass?: ResultRow["labelsPerClass"];
};

/**
 * A row that stands for every seed: one run with all labels. With every label the subset is the
 * whole pool whatever the seed, and a method that runs once there (a probe, kNN) is deterministic,
 * so its one score is what every seed would give.
 */
function seedFree(row: PairableRow): boolean {
  return row.labelsPerClass === "all" && row.scores?.length === 1;
}

/**
 * Per-seed differences `a − b` over the seeds both rows have scores for (matched by seed); a
 * single all-labels run ({@link seedFree}) pairs with each seed of the other row.
 */
export function pairedDifferences(a: PairableRow, b: PairableRow): number[] {
  if (!a.scores || !b.scores || !a.seeds || !b.seeds) return [];
  if (seedFree(a) && !seedFree(b)) return b.scores.map((score) => a.scores![0] - score);
  if (seedFree(b) && !seedFree(a)) return a.scores.map((score) => score - b.scores![0]);
  const bBySeed = new Map(b.seeds.map((seed, i) => [seed, b.scores![i]]));
  const diffs: number[] = [];
  a.seeds.forEach((seed, i) => {
    const other = bBySeed.get(seed);
    if (other !== undefined) diffs.push(a.scores![i] - other);
  });
  return diffs;
}

/**
 * `a − b`: `delta` is the difference of the rows' means (what the tables show); `ci95` the 95 %
 * bootstrap interval of the mean paired difference, or null with fewer than 2 paired seeds (a
 * row without per-seed scores pairs with nothing).
 */
export function pairedComparison(a: PairableRow, b: PairableRow): Comparison {
  return { delta: a.mean - b.mean, ci95: bootstrapMeanInterval(pairedDifferences(a, b)) };
}

/** Whether lower values of `metric` are better (errors, losses, perplexity). */
export function lowerIsBetter(metric: string): boolean {
  return /rmse|error|loss|perplexity/i.test(metric);
}

/**
 * The rule: "beats" only when the interval lies above zero, "loses to" only when below (reversed
 * for a metric where lower is better), otherwise — or without an interval — "ties".
 */
export function verdict(
  comparison: Comparison,
  metric = "accuracy",
): "beats" | "ties" | "loses to" {
  const ci = comparison.ci95;
  if (!ci || (ci[0] <= 0 && ci[1] >= 0)) return "ties";
  return (ci[0] > 0) !== lowerIsBetter(metric) ? "beats" : "loses to";
}

function signed(x: number, digits: number): string {
  const s = Math.abs(x).toFixed(digits);
  return Number(s) === 0 ? s : `${x > 0 ? "+" : "−"}${s}`;
}

/**
 * The difference with its interval: "+0.4 points, 95 % CI −1.2 … +2.0" for a fraction metric
 * (accuracy, F1, …: percentage points), "+0.012, 95 % CI …" for any other; without an interval
 * "+0.4 points; no interval: fewer than 2 seeds".
 */
export function formatComparison(comparison: Comparison, metric = "accuracy"): string {
  const points = metricRange(metric) !== null;
  const f = (x: number) => points ? signed(x * 100, 1) : signed(x, 3);
  const delta = `${f(comparison.delta)}${points ? " points" : ""}`;
  return comparison.ci95
    ? `${delta}, 95 % CI ${f(comparison.ci95[0])} … ${f(comparison.ci95[1])}`
    : `${delta}; no interval: fewer than 2 seeds`;
}

/** "ties the untrained encoder (+0.4 points, 95 % CI −1.2 … +2.0)": verdict, `what`, difference. */
export function describeComparison(comparison: Comparison, what: string, metric = "accuracy") {
  return `${verdict(comparison, metric)} ${what} (${formatComparison(comparison, metric)})`;
}

/**
 * Method names of the untrained references' rows start with one of these: the untrained encoder
 * (images), random word vectors (text), and the untrained image encoder applied to every frame of
 * a clip (video: the reference of the frame-level rows, "…, frame average + linear probe").
 */
export const UNTRAINED_PREFIXES = [
  "random encoder",
  "random word vectors",
  "untrained image encoder",
] as const;
/** The untrained encoder's default read-out, used when a row's read-out has no untrained row. */
export const UNTRAINED_DEFAULT = "random encoder + linear probe";
/** The same for text. */
export const UNTRAINED_TEXT_DEFAULT = "random word vectors + linear probe";
/** The supervised-from-scratch rows, in order of preference (images, then text). */
export const SUPERVISED_REFERENCES = ["supervised (from scratch)", "embedding bag (from scratch)"];

/** A row's task prefix ("party: " in "party: CBOW + fine-tune"), or "". */
function taskPrefix(method: string): string {
  return /^[^:+,]+: /.exec(method)?.[0] ?? "";
}

/**
 * The reference rows of `row` among `rows` (same task prefix, budget and metric): `random`, the
 * untrained encoder read out the same way (its method name ends with the same read-out, e.g.
 * " + kNN" or ", all blocks 2×2 + linear probe"; the longest match wins), else its linear-probe
 * row; `supervised`, the supervised-from-scratch row. An untrained row has no `random`
 * reference, and a row is never its own reference.
 */
export function referencesOf(
  row: ResultRow,
  rows: readonly ResultRow[],
): { random?: ResultRow; supervised?: ResultRow } {
  const prefix = taskPrefix(row.method);
  const here = rows.filter((r) =>
    r !== row && r.method !== row.method && r.labelsPerClass === row.labelsPerClass &&
    r.metric === row.metric && taskPrefix(r.method) === prefix
  );
  const own = (r: ResultRow) => r.method.slice(prefix.length);
  const prefixOf = (r: ResultRow) => UNTRAINED_PREFIXES.find((p) => own(r).startsWith(p));
  const untrained = here.filter((r) => prefixOf(r));
  const sameReadout = untrained
    .map((r) => ({ r, readout: own(r).slice(prefixOf(r)!.length) }))
    .filter(({ readout }) => readout && row.method.endsWith(readout))
    .sort((x, y) => y.readout.length - x.readout.length)[0]?.r;
  const random = prefixOf(row) ? undefined : sameReadout ??
    untrained.find((r) => own(r) === UNTRAINED_DEFAULT || own(r) === UNTRAINED_TEXT_DEFAULT);
  const supervised = SUPERVISED_REFERENCES.map((name) => here.find((r) => own(r) === name))
    .find((r) => r);
  return { ...(random ? { random } : {}), ...(supervised ? { supervised } : {}) };
}

/** Each row with `versus`: its paired comparison to its references (see {@link referencesOf}). */
export function withVersus(rows: readonly ResultRow[]): ResultRow[] {
  return rows.map((row) => {
    const refs = referencesOf(row, rows);
    const versus: Versus = {};
    if (refs.random) versus.random = pairedComparison(row, refs.random);
    if (refs.supervised) versus.supervised = pairedComparison(row, refs.supervised);
    const { versus: _old, ...rest } = row;
    return Object.keys(versus).length ? { ...rest, versus } : rest;
  });
}
