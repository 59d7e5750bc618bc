/**
 * The matched protocol, as one call used by every image notebook: for each label budget and each
 * seed, draw the same stratified labeled subset for every method, evaluate each method on the
 * same test set, and aggregate mean ± std over seeds.
 *
 * The protocol itself only reads `labels` and `n` of the two sets, so it runs on any labeled data
 * ({@link LabeledSet}: images, text); the image-specific parts are {@link trainedMethod} and its
 * worker pool. A method reports one metric (accuracy) or several ({@link Method.metrics}, e.g.
 * accuracy and F1 of the positive class); each metric gets its own rows.
 *
 * Methods come from four constructors — {@link probeMethod}, {@link knnMethod} (frozen features),
 * {@link trainedMethod} (a network trained on the labeled subset: supervised from scratch or
 * fine-tuned) — and {@link cachedFeatures} / {@link pcaFeatures} / {@link modelSources} that
 * compute features once.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createPool, defaultWorkers, type WorkerPool } from "../parallel/pool.ts";
import type { ImageSet } from "../data/mod.ts";
import type { TrainableSet } from "../train/sources.ts";
import { stratifiedSubset } from "../data/mod.ts";
import type { Family, LabelBudget, ResultRow } from "../results/mod.ts";
import { type ProgressDisplay, progressDisplay } from "../show/mod.ts";
import { type CachedRun, readRun, runCacheDir, runKey, writeRun } from "./run_cache.ts";
import type {
  Evaluation,
  LabeledSet,
  Method,
  ProtocolCell,
  ProtocolData,
  Selected,
} from "./types.ts";

export * from "./types.ts";
export * from "./sources.ts";
export * from "./frozen.ts";
export * from "./trained.ts";
export { accuracyScorer, type Scorer } from "../eval/metrics.ts";

/** One evaluated (method, budget, seed) cell. */
export interface ProtocolRun {
  method: string;
  family: Family;
  labelsPerClass: LabelBudget;
  seed: number;
  /** The method's main metric (its first; accuracy unless the method says otherwise). */
  accuracy: number;
  /** Every metric the method reported, by name (`{accuracy}` for most methods). */
  scores: Record<string, number>;
  /** The hyperparameters the method chose for this cell, if it chose any. */
  selected?: Selected;
  /** Seconds this run took here (a reused run: the lookup). */
  seconds: number;
  /** Set when the scores were reused from the run cache: what computed them, and when. */
  reused?: { computedBy: string; createdAt: string; seconds: number };
}

/** Options of {@link runProtocol}. */
export interface ProtocolOptions {
  budgets: LabelBudget[];
  seeds: number[];
  numClasses?: number;
  /** Called after every evaluated cell. */
  onRun?: (run: ProtocolRun) => void;
  /** Show a live status line (default true). */
  progress?: boolean;
  /** Workers for the methods that train (default `$SUITE_WORKERS`, else 2; 0 = inline). */
  workers?: number;
  /** Names this call in its status line (e.g. "baselines"). */
  label?: string;
  /**
   * Reuse identical runs (see lib/protocol/run_cache.ts): a run of a method with a fingerprint whose
   * inputs, code and backend match a stored run is not run again; new runs are stored in
   * `<results>/cache`. Default false. `SUITE_CACHE=off` disables it everywhere.
   */
  cache?: boolean;
}

const silent: ProgressDisplay = { update() {}, done() {} };

/** Whether an evaluation is the `{ scores, selected }` form. */
function isSplit(
  value: Evaluation,
): value is { scores: number | Record<string, number>; selected?: Selected } {
  return typeof value === "object" && value !== null && "scores" in value &&
    (typeof value.scores === "number" || typeof value.scores === "object");
}

function metricsOf<T extends LabeledSet>(method: Method<T>): string[] {
  return method.metrics?.length ? method.metrics : ["accuracy"];
}

/** A method's result as named scores; throws naming the method when a metric is missing. */
function scoresOf<T extends LabeledSet>(
  method: Method<T>,
  value: number | Record<string, number>,
): Record<string, number> {
  const metrics = metricsOf(method);
  const scores = typeof value === "number" ? { [metrics[0]]: value } : value;
  for (const metric of metrics) {
    if (typeof scores[metric] !== "number" || !Number.isFinite(scores[metric])) {
      throw new Error(
        `runProtocol(): method "${method.name}" returned ${JSON.stringify(value)}; it must give ` +
          `a finite number for each of its metrics (${metrics.join(", ")}).`,
      );
    }
  }
  return scores;
}

/** Mean and sample standard deviation (0 for one value). */
export function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.length > 1
    ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)
    : 0;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Runs every method at every budget and seed; returns aggregated rows (in method order per
 * budget; each with its seeds, per-seed scores and test-set size) and the raw runs. Frozen-feature methods run first, on this thread; methods that train
 * then run their cells side by side on a worker pool (`workers`, default `$SUITE_WORKERS` or 2;
 * 0 = inline, one at a time).
 */
export async function runProtocol<T extends LabeledSet = ImageSet>(
  data: ProtocolData<T>,
  methods: Method<T>[],
  opts: ProtocolOptions,
): Promise<{ rows: ResultRow[]; runs: ProtocolRun[] }> {
  if (!opts.seeds.length) throw new Error("runProtocol(): seeds is empty; give e.g. [0, 1, 2].");
  if (!opts.budgets.length) {
    throw new Error("runProtocol(): budgets is empty; give e.g. [10, 100].");
  }
  const names = new Set<string>();
  for (const m of methods) {
    if (names.has(m.name)) throw new Error(`runProtocol(): two methods are named "${m.name}".`);
    names.add(m.name);
  }
  const subsets = new Map(opts.budgets.map((b) => [
    b,
    opts.seeds.map((seed) =>
      stratifiedSubset(data.train.labels, b, { seed, numClasses: opts.numClasses })
    ),
  ]));
  const jobs = opts.budgets.flatMap((labelsPerClass) =>
    methods.flatMap((method) =>
      opts.seeds
        .map((seed, i) => ({
          method,
          labelsPerClass,
          seed,
          subset: subsets.get(labelsPerClass)![i],
        }))
        .filter((_, i) => !(i > 0 && labelsPerClass === "all" && method.deterministic))
        .filter(() => !method.budgets || method.budgets.includes(labelsPerClass))
    )
  );
  const prefix = opts.label ? `${opts.label} ` : "";
  const progress = opts.progress === false ? silent : progressDisplay({
    initial: `${prefix}${jobs.length} runs of ${methods.length} methods: starting`,
  });
  const runs = new Map<(typeof jobs)[number], ProtocolRun>();
  const cacheDir = opts.cache ? runCacheDir() : null;
  type Job = (typeof jobs)[number];
  const cellOf = (job: Job, pool?: WorkerPool): ProtocolCell<T> => ({
    labelsPerClass: job.labelsPerClass,
    seed: job.seed,
    subset: job.subset,
    data,
    numClasses: opts.numClasses ?? 10,
    progress,
    pool,
  });
  // The run cache: each job's key and stored run (looked up once).
  const lookups = new Map<Job, Promise<{ key: string | null; stored: CachedRun | null }>>();
  const lookup = (job: Job) => {
    let found = lookups.get(job);
    if (!found) {
      found = (async () => {
        if (!cacheDir || !job.method.fingerprint) return { key: null, stored: null };
        const key = await runKey({
          method: await job.method.fingerprint(cellOf(job)),
          metrics: metricsOf(job.method),
          labelsPerClass: job.labelsPerClass,
          seed: job.seed,
          subset: job.subset,
          trainLabels: data.train.labels,
          testLabels: data.test.labels,
          numClasses: opts.numClasses ?? 10,
        }, codeOf(job));
        return { key, stored: await readRun(cacheDir, key, { metrics: metricsOf(job.method) }) };
      })();
      lookups.set(job, found);
    }
    return found;
  };
  // The code a run depends on: the modules its method names (else all of lib/).
  const codeOf = (job: Job) => (job.method.modules ? { modules: job.method.modules } : {});
  const runJob = async (job: Job, pool?: WorkerPool) => {
    const started = performance.now();
    const what = `${job.method.name} · ${job.labelsPerClass}/class · seed ${job.seed}`;
    progress.update(`${prefix}[${runs.size + 1}/${jobs.length}] ${what}`);
    const cell = cellOf(job, pool);
    const { key, stored } = await lookup(job);
    let scores: Record<string, number>, selected: Selected | undefined;
    if (stored) {
      scores = scoresOf(job.method, stored.scores);
      selected = stored.selected;
    } else {
      const value = await job.method.evaluate(cell);
      const split = isSplit(value) ? value : { scores: value, selected: undefined };
      scores = scoresOf(job.method, split.scores);
      selected = split.selected;
    }
    const seconds = (performance.now() - started) / 1000;
    if (key && !stored) {
      await writeRun(cacheDir!, {
        key,
        scores,
        ...(selected ? { selected } : {}),
        computedBy: `${prefix}${what}`,
        seconds,
      }, codeOf(job));
    }
    const run: ProtocolRun = {
      method: job.method.name,
      family: job.method.family,
      labelsPerClass: job.labelsPerClass,
      seed: job.seed,
      accuracy: scores[metricsOf(job.method)[0]],
      scores,
      ...(selected ? { selected } : {}),
      seconds,
      ...(stored
        ? {
          reused: {
            computedBy: stored.computedBy,
            createdAt: stored.createdAt,
            seconds: stored.seconds,
          },
        }
        : {}),
    };
    runs.set(job, run);
    opts.onRun?.(run);
  };

  // Inline methods that train run on this thread after the frozen-feature jobs.
  const frozen = jobs.filter((j) => j.method.deterministic || j.method.inline);
  const trainingJobs = jobs.filter((j) => !j.method.deterministic && !j.method.inline);
  // Stored training runs are taken at once; only the others need workers.
  const training: Job[] = [];
  for (const job of trainingJobs) {
    if ((await lookup(job)).stored) await runJob(job);
    else training.push(job);
  }
  const workers = Math.min(opts.workers ?? defaultWorkers(), training.length);
  if (workers > 0) {
    // Training runs go to the workers while this thread does the frozen-feature jobs (which
    // yield to the event loop, so a worker that finishes gets its next run at once). The
    // workers are handed the images, or the plain form of sets that say one (clips).
    const plain = (set: T) =>
      "labeledSource" in set ? (set as unknown as TrainableSet).worker?.data() : set;
    const pool = await createPool(workers, { train: plain(data.train), test: plain(data.test) }, {
      backend: tf.getBackend(),
    });
    try {
      let next = 0;
      const lanes = Promise.all(Array.from({ length: workers }, async () => {
        while (next < training.length) await runJob(training[next++], pool);
      }));
      const settled = lanes.catch(() => {}); // a failure is reported once, below
      try {
        for (const job of frozen) await runJob(job);
      } catch (e) {
        next = training.length; // start no further runs
        await settled;
        throw e;
      }
      await lanes;
    } finally {
      pool.close();
    }
  } else {
    for (const job of [...frozen, ...training]) await runJob(job);
  }

  const rows: ResultRow[] = [];
  for (const labelsPerClass of opts.budgets) {
    for (const method of methods) {
      for (const metric of metricsOf(method)) {
        const cells = jobs.filter((j) =>
          j.method === method && j.labelsPerClass === labelsPerClass
        );
        if (!cells.length) continue; // not run at this budget
        const scores = cells.map((j) => runs.get(j)!.scores[metric]);
        const selected = cells.map((j) => runs.get(j)!.selected ?? null);
        rows.push({
          method: method.name,
          family: method.family,
          labelsPerClass,
          metric,
          ...meanStd(scores),
          n: scores.length,
          seeds: cells.map((j) => j.seed),
          scores,
          ...(selected.some((x) => x) ? { selected } : {}),
          testImages: data.test.labels.length,
        });
      }
    }
  }
  const reused = [...runs.values()].filter((r) => r.reused).length;
  progress.done(
    `${prefix}${runs.size} runs of ${methods.length} methods done` +
      (reused ? ` (${reused} reused from the run cache: identical inputs and code)` : ""),
  );
  return { rows, runs: jobs.map((j) => runs.get(j)!) };
}

/**
 * Joins the outcomes of several `runProtocol` calls over the same budgets (e.g. baselines run
 * while the pretext task trains, then the self-supervised methods): rows ordered by budget, then
 * in call order.
 */
export function combineProtocols(
  ...parts: { rows: ResultRow[]; runs: ProtocolRun[] }[]
): { rows: ResultRow[]; runs: ProtocolRun[] } {
  const budgets = [...new Set(parts.flatMap((p) => p.rows.map((r) => r.labelsPerClass)))];
  const rows = budgets.flatMap((b) =>
    parts.flatMap((p) => p.rows.filter((r) => r.labelsPerClass === b))
  );
  const names = rows.map((r) => `${r.method}|${r.labelsPerClass}|${r.metric}`);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`combineProtocols(): method "${duplicate.split("|")[0]}" appears twice.`);
  }
  return { rows, runs: parts.flatMap((p) => p.runs) };
}
