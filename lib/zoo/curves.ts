/**
 * The zoo's question as numbers: downstream accuracy against pretraining epochs, per method,
 * read-out and label budget, pooled over the pretext seeds stored at each epoch — with intervals
 * that cover both sources of variation (which pretraining run, which labelled subset) by a
 * two-level bootstrap — and paired comparisons over pretext seeds.
 *
 * Rows are found by name: a checkpoint's rows are `storedName(title, epochs, seed) + suffix`, and
 * epoch 0 of pretext seed S is the untrained encoder every CNN recipe of that seed starts from,
 * `untrainedName(S) + suffix` (seed 0: the suite's "random encoder"), or a recipe's own untrained
 * network (the layer-wise stack: "random MLP").
 *
 * @example
 * ```ts
 * import { epochCurves } from "./curves.ts";
 * const row = (method: string, mean: number) => ({
 *   method, family: "self-supervised" as const, labelsPerClass: 10, metric: "accuracy",
 *   mean, std: 0.01, n: 2, scores: [mean - 0.01, mean + 0.01], seeds: [0, 1],
 * });
 * const rows = [
 *   row("random encoder + kNN", 0.6),
 *   row("SimCLR, 1 epoch (stored) + kNN", 0.7),
 * ];
 * const zoo = [{ method: "simclr", title: "SimCLR", seed: 0, epochs: [1] }];
 * epochCurves(rows, zoo, { budgets: [10], readouts: [["kNN", " + kNN"]] });
 * // → points at epochs 0 and 1 of the "kNN, 10/class" curve of the SimCLR panel
 * ```
 * @module
 */
import { accuracyVsEpochs, type EpochPoint, type EpochReference } from "../plot/epochs.ts";
import type { VegaLiteSpec } from "../plot/specs.ts";
import {
  bootstrapMeanInterval,
  nestedBootstrapInterval,
  type PairableRow,
  pairedDifferences,
} from "../results/paired.ts";
import type { Comparison, ResultRow } from "../results/schema.ts";
import { recipeOf } from "./recipes.ts";
import { storedName, type StoredRun } from "./stored.ts";

type Budget = ResultRow["labelsPerClass"];

/**
 * The untrained network pretext seed `seed` starts from, as named in rows: "random encoder" (the
 * reference CNN), or a recipe's own `untrained` name ("random MLP"), with ", pretext seed S" for
 * S > 0.
 */
export function untrainedName(seed: number, base = "random encoder"): string {
  return seed ? `${base} (pretext seed ${seed})` : base;
}

/** A point of {@link epochCurves}: with how many pretext seeds it was measured. */
export interface SeedPoolPoint extends EpochPoint {
  pretextSeeds: number;
}

/** One checkpoint (or untrained start) per pretext seed, pooled: see {@link pooledOverSeeds}. */
export interface Pooled {
  /** The mean of the per-seed means. */
  mean: number;
  /** 95 % interval: two-level bootstrap with ≥ 2 pretext seeds, else over the label seeds. */
  ci95: [number, number] | null;
  pretextSeeds: number;
}

/** Rows of one read-out, one per pretext seed, pooled (rows without scores count by their mean). */
export function pooledOverSeeds(rows: readonly PairableRow[]): Pooled {
  if (!rows.length) throw new Error("pooledOverSeeds: no rows to pool (pass at least one row).");
  const mean = rows.reduce((s, r) => s + r.mean, 0) / rows.length;
  const ci95 = rows.length > 1
    ? nestedBootstrapInterval(rows.map((r) => r.scores ?? [r.mean]))
    : bootstrapMeanInterval(rows[0].scores ?? []);
  return { mean, ci95, pretextSeeds: rows.length };
}

/**
 * `a − b` paired by pretext seed (`a[i]` and `b[i]` come from the same pretext seed) and, within
 * it, by label seed: `delta` is the mean of the per-seed differences of means, `ci95` the
 * two-level bootstrap interval of the paired per-label-seed differences (over the label seeds
 * alone when only one pretext seed pairs). Null interval when nothing pairs.
 */
export function pretextSeedComparison(
  a: readonly PairableRow[],
  b: readonly PairableRow[],
): Comparison {
  if (a.length !== b.length || !a.length) {
    throw new Error(
      `pretextSeedComparison: needs the same number (≥ 1) of rows on each side, one per pretext ` +
        `seed; got ${a.length} and ${b.length}.`,
    );
  }
  const groups = a.map((row, i) => pairedDifferences(row, b[i]));
  const delta = a.reduce((s, row, i) => s + row.mean - b[i].mean, 0) / a.length;
  const ci95 = groups.filter((g) => g.length).length > 1
    ? nestedBootstrapInterval(groups)
    : bootstrapMeanInterval(groups.find((g) => g.length) ?? []);
  return { delta, ci95 };
}

/** The read-outs the zoo's curves draw: [label in the legend, suffix of the rows' names]. */
export const ZOO_READOUTS = [["linear probe", " + linear probe"], ["kNN", " + kNN"]] as const;

/** The label-side reference lines of the curves: supervised from scratch at each budget. */
export function supervisedReferences(
  baselineRows: readonly ResultRow[],
  budgets: readonly Budget[],
): EpochReference[] {
  return budgets.flatMap((b) => {
    const row = baselineRows.find((r) =>
      r.method === "supervised (from scratch)" && r.labelsPerClass === b
    );
    return row
      ? [{
        label: `supervised from scratch, ${b === "all" ? "all labels" : `${b}/class`}`,
        value: row.mean,
      }]
      : [];
  });
}

/**
 * The zoo as a results file records it (one entry per checkpoint read: method, pretext seed,
 * epochs) grouped back into runs, in the entries' order.
 */
export function storedRunsOf(
  entries: readonly { method: string; seed: number; epochs: number }[],
): StoredRun[] {
  const runs = new Map<string, StoredRun>();
  for (const e of entries) {
    const key = `${e.method}/${e.seed}`;
    const run = runs.get(key) ??
      { method: e.method, title: recipeOf(e.method).title, seed: e.seed, epochs: [] };
    if (!run.epochs.includes(e.epochs)) run.epochs.push(e.epochs);
    runs.set(key, run);
  }
  for (const run of runs.values()) run.epochs.sort((a, b) => a - b);
  return [...runs.values()];
}

/** Options of {@link epochCurves}. */
export interface EpochCurveOptions {
  budgets: readonly Budget[];
  /** [label in the legend, suffix of the rows' method names], e.g. ["kNN", " + kNN"]. */
  readouts: readonly (readonly [string, string])[];
}

/**
 * The rows of `method`'s checkpoint at `epochs` (0: the untrained start) for each pretext seed
 * of `zoo` that has it, with that read-out `suffix` and budget — one per seed, seeds ascending.
 */
export function checkpointRows(
  rows: readonly ResultRow[],
  zoo: readonly StoredRun[],
  method: string,
  epochs: number,
  suffix: string,
  budget: Budget,
): { seed: number; row: ResultRow }[] {
  return zoo
    .filter((run) => run.method === method && (epochs === 0 || run.epochs.includes(epochs)))
    .sort((x, y) => x.seed - y.seed)
    .flatMap((run) => {
      const name = epochs === 0
        ? untrainedName(run.seed, recipeOf(method).untrained)
        : storedName(run.title, epochs, run.seed);
      const row = rows.find((r) => r.method === `${name}${suffix}` && r.labelsPerClass === budget);
      return row ? [{ seed: run.seed, row }] : [];
    });
}

/**
 * Every method's curves: for each read-out and budget, a point at epoch 0 and at each stored
 * epoch, pooled over the pretext seeds stored there ({@link pooledOverSeeds}); panels in `zoo`'s
 * order. A point without rows is left out.
 */
export function epochCurves(
  rows: readonly ResultRow[],
  zoo: readonly StoredRun[],
  opts: EpochCurveOptions,
): SeedPoolPoint[] {
  const points: SeedPoolPoint[] = [];
  for (const { method, title, epochs } of zooMethods(zoo)) {
    for (const [readout, suffix, budget] of readoutsAndBudgets(opts)) {
      for (const e of epochs) {
        const found = checkpointRows(rows, zoo, method, e, suffix, budget);
        if (!found.length) continue;
        const pooled = pooledOverSeeds(found.map((f) => f.row));
        points.push({
          method: title,
          epochs: e,
          series: `${readout}, ${budget === "all" ? "all labels" : `${budget}/class`}`,
          mean: pooled.mean,
          ...(pooled.ci95 ? { lo: pooled.ci95[0], hi: pooled.ci95[1] } : {}),
          pretextSeeds: pooled.pretextSeeds,
        });
      }
    }
  }
  return points;
}

/**
 * The zoo's curves as a chart: {@link epochCurves} of `rows` (every read-out of
 * {@link ZOO_READOUTS} at `budgets`) with supervised from scratch (from `baselineRows`, the
 * `00_baselines` rows of the same mode) as reference lines — what `13_pretraining_length` draws
 * and `99_summary` redraws from its results.
 */
export function zooCurvesChart(
  rows: readonly ResultRow[],
  zoo: readonly StoredRun[],
  baselineRows: readonly ResultRow[],
  budgets: readonly Budget[],
  title: string,
): VegaLiteSpec {
  return accuracyVsEpochs(
    epochCurves(rows, zoo, { budgets, readouts: ZOO_READOUTS }),
    supervisedReferences(baselineRows, budgets),
    { title },
  );
}

/** One read-out and budget of {@link overPretextSeeds}. */
export interface SeedPooledReadout {
  readout: string;
  budget: Budget;
  /** The checkpoints at that epoch, pooled over the pretext seeds. */
  pooled: Pooled;
  /** Their paired difference to the untrained encoders they started from. */
  versusUntrained: Comparison;
  /**
   * Their paired difference to the same runs' checkpoints at the latest earlier epoch that every
   * one of those seeds stored (e.g. 30 against 10): whether the curve still rises. Absent when
   * there is no such epoch or its rows are missing.
   */
  versusEarlier?: { epochs: number; comparison: Comparison };
}

/**
 * `method`'s checkpoints at the latest epoch that two or more of its pretext seeds reached, read
 * out at each of `opts`' read-outs and budgets: pooled over those seeds and compared, pretext
 * seed by pretext seed, with their own untrained starts ({@link pretextSeedComparison}) and with
 * their own checkpoints at the latest earlier epoch they all stored (`versusEarlier`). Null
 * when no epoch is shared by two seeds; a read-out or budget whose rows are missing is left out.
 */
export function overPretextSeeds(
  rows: readonly ResultRow[],
  zoo: readonly StoredRun[],
  method: string,
  opts: EpochCurveOptions,
): { epochs: number; seeds: number[]; readouts: SeedPooledReadout[] } | null {
  const runs = zoo.filter((r) => r.method === method);
  const epochs = latestStoredEpoch(runs, Infinity, (seeds) => seeds.length > 1);
  if (epochs === undefined) return null;
  const readouts: SeedPooledReadout[] = [];
  for (const [readout, suffix, budget] of readoutsAndBudgets(opts)) {
    const at = checkpointRows(rows, zoo, method, epochs, suffix, budget);
    const untrained = pairedCheckpoints(rows, zoo, method, epochs, 0, suffix, budget);
    if (at.length < 2 || untrained?.seeds.length !== at.length) continue;
    const seedsAt = at.map((a) => a.seed);
    const earlierEpochs = latestStoredEpoch(
      runs,
      epochs,
      (seeds) => seedsAt.every((s) => seeds.includes(s)),
    );
    const earlier = earlierEpochs === undefined
      ? null
      : pairedCheckpoints(rows, zoo, method, epochs, earlierEpochs, suffix, budget);
    readouts.push({
      readout,
      budget,
      pooled: pooledOverSeeds(at.map((a) => a.row)),
      versusUntrained: untrained.comparison,
      ...(earlierEpochs !== undefined && earlier?.seeds.length === at.length
        ? { versusEarlier: { epochs: earlierEpochs, comparison: earlier.comparison } }
        : {}),
    });
  }
  const seeds = runs.filter((r) => r.epochs.includes(epochs)).map((r) => r.seed)
    .sort((a, b) => a - b);
  return { epochs, seeds, readouts };
}

/**
 * `method`'s checkpoint at epoch `to` against its checkpoint at epoch `from` (0: the untrained
 * start), paired run by run over the pretext seeds that stored both ({@link
 * pretextSeedComparison}), at one read-out `suffix` and budget: the seeds that paired and the
 * comparison (`to − from`). Null when no seed has rows at both ends.
 */
export function pairedCheckpoints(
  rows: readonly ResultRow[],
  zoo: readonly StoredRun[],
  method: string,
  to: number,
  from: number,
  suffix: string,
  budget: Budget,
): { seeds: number[]; comparison: Comparison } | null {
  const end = checkpointRows(rows, zoo, method, to, suffix, budget);
  const start = checkpointRows(rows, zoo, method, from, suffix, budget)
    .filter((s) => end.some((e) => e.seed === s.seed));
  const paired = end.filter((e) => start.some((s) => s.seed === e.seed));
  if (!paired.length) return null;
  return {
    seeds: paired.map((e) => e.seed),
    comparison: pretextSeedComparison(paired.map((e) => e.row), start.map((s) => s.row)),
  };
}

/** One stretch of {@link pretrainingStretches}: what pretraining from `from` to `to` added. */
export interface Stretch {
  /** The method's title, e.g. "SimCLR". */
  title: string;
  from: number;
  to: number;
  readout: string;
  budget: Budget;
  /** The pretext seeds that stored both ends. */
  seeds: number[];
  /** `to − from`, paired over those seeds ({@link pairedCheckpoints}). */
  comparison: Comparison;
}

/**
 * What each stretch of pretraining adds: for every method of `zoo`, every stored epoch against
 * the one before it (the first against epoch 0, the untrained start), at each read-out and budget
 * of `opts`, paired over the pretext seeds that stored both ends ({@link pairedCheckpoints}).
 * Methods in `zoo`'s order, then stretches, read-outs and budgets; a stretch without rows at both
 * ends is left out.
 */
export function pretrainingStretches(
  rows: readonly ResultRow[],
  zoo: readonly StoredRun[],
  opts: EpochCurveOptions,
): Stretch[] {
  const out: Stretch[] = [];
  for (const { method, title, epochs } of zooMethods(zoo)) {
    for (const [i, to] of epochs.entries()) {
      if (!i) continue;
      const from = epochs[i - 1];
      for (const [readout, suffix, budget] of readoutsAndBudgets(opts)) {
        const paired = pairedCheckpoints(rows, zoo, method, to, from, suffix, budget);
        if (paired) out.push({ title, from, to, readout, budget, ...paired });
      }
    }
  }
  return out;
}

/**
 * The latest epoch below `below` at which the pretext seeds whose runs stored a checkpoint
 * satisfy `enough` (e.g. "two or more of them"); undefined when there is none.
 */
function latestStoredEpoch(
  runs: readonly StoredRun[],
  below: number,
  enough: (seeds: number[]) => boolean,
): number | undefined {
  return storedEpochs(runs)
    .filter((e) => e < below)
    .filter((e) => enough(runs.filter((r) => r.epochs.includes(e)).map((r) => r.seed)))
    .at(-1);
}

/** Every epoch at which one of `runs` stored a checkpoint, ascending, each once. */
function storedEpochs(runs: readonly StoredRun[]): number[] {
  return [...new Set(runs.flatMap((r) => r.epochs))].sort((a, b) => a - b);
}

/**
 * Each method of `zoo`, in the order it first appears: its title, its runs and the epochs its
 * curves have (0, the untrained start, then every epoch one of its runs stored).
 */
function zooMethods(
  zoo: readonly StoredRun[],
): { method: string; title: string; runs: StoredRun[]; epochs: number[] }[] {
  return [...new Set(zoo.map((r) => r.method))].map((method) => {
    const runs = zoo.filter((r) => r.method === method);
    return { method, title: runs[0].title, runs, epochs: [0, ...storedEpochs(runs)] };
  });
}

/** Every read-out of `opts` (label, row-name suffix) at each of its budgets, read-outs first. */
function readoutsAndBudgets(
  opts: EpochCurveOptions,
): (readonly [readout: string, suffix: string, budget: Budget])[] {
  return opts.readouts.flatMap(([readout, suffix]) =>
    opts.budgets.map((budget) => [readout, suffix, budget] as const)
  );
}
