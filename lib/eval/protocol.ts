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
import type { EncoderArchitecture } from "../models/dense_stack.ts";
import { stratifiedSubset } from "../data/mod.ts";
import type { Family, LabelBudget, ResultRow } from "../results/mod.ts";
import { type ProgressDisplay, progressDisplay } from "../show/mod.ts";
import {
  trainAndScore,
  type TrainSchedule,
  type TrainTask,
  type WeightData,
  weightsOf,
} from "./train_and_score.ts";
import {
  type Features,
  modelFeatures,
  modelIdentity,
  modelOutputs,
  pixelFeatures,
  selectRows,
} from "./features.ts";
import { knnClassify, type KnnOptions } from "./knn.ts";
import { accuracy, trainLinearProbe } from "./linear_probe.ts";
import { fitPca, type Pca, pcaTransform } from "./pca.ts";
import { type CachedRun, readRun, runCacheDir, runKey, writeRun } from "./run_cache.ts";

/** What the protocol needs of a data set: one class id per example. */
export interface LabeledSet {
  labels: Uint8Array;
  n: number;
}

/** The labeled pool (train) and the test set every method is scored on (images by default). */
export interface ProtocolData<T extends LabeledSet = ImageSet> {
  train: T;
  test: T;
}

/** What a method is given for one (budget, seed) cell. */
export interface ProtocolCell<T extends LabeledSet = ImageSet> {
  labelsPerClass: LabelBudget;
  seed: number;
  /** Indices into `data.train` of the labeled subset. */
  subset: Int32Array;
  data: ProtocolData<T>;
  /** The protocol's `numClasses` (default 10). */
  numClasses: number;
  /** The protocol's live status line, for methods that train (reused, not closed). */
  progress: ProgressDisplay;
  /** Workers for methods that train, when the protocol runs with any. */
  pool?: WorkerPool;
}

/** One method of the comparison. */
export interface Method<T extends LabeledSet = ImageSet> {
  name: string;
  family: Family;
  /** True when the result depends on the subset alone (probes, kNN): "all" is evaluated once. */
  deterministic: boolean;
  /**
   * The metrics `evaluate` reports, the first being the main one (default `["accuracy"]`); each
   * becomes its own rows. With several, `evaluate` returns a record with one value per name.
   */
  metrics?: string[];
  /**
   * A method that trains but needs no worker pool (e.g. a small text model): runs on this thread
   * after the frozen-feature jobs. Default false: non-deterministic methods go to the pool.
   */
  inline?: boolean;
  /** Test score(s) after using the labeled subset: accuracy, or one value per `metrics` name. */
  evaluate(cell: ProtocolCell<T>): Promise<number | Record<string, number>>;
  /**
   * Everything `evaluate`'s result depends on besides the cell's subset, seed, labels and class
   * count (e.g. the features' values, or a network's architecture, schedule and weights), as
   * JSON-like data (typed arrays allowed). Methods with one can be reused from the run cache
   * ({@link ProtocolOptions.cache}); methods without are always evaluated.
   */
  fingerprint?(cell: ProtocolCell<T>): Promise<unknown>;
}

/** Turns predicted classes and true labels into the values of named metrics. */
export interface Scorer {
  /** Metric names, the main one first (e.g. `["accuracy"]`). */
  metrics: string[];
  score(predicted: ArrayLike<number>, labels: ArrayLike<number>): Record<string, number>;
}

/** The default scorer: accuracy alone. */
export const accuracyScorer: Scorer = {
  metrics: ["accuracy"],
  score: (predicted, labels) => ({ accuracy: accuracy(predicted, labels) }),
};

/** Frozen features of the train pool and the test set, computed once on first use. */
export interface FeatureSource {
  train(): Promise<Features>;
  test(): Promise<Features>;
  /**
   * What the features are a function of (e.g. a model's architecture and weights and the
   * images), for the run cache: a stored run is then found without computing the features.
   * Without it, the run cache hashes the features' values.
   */
  identity?(): unknown | Promise<unknown>;
}

/**
 * Caches `featurize(set)` for the train pool and the test set. `identity`, when given, must
 * determine the features completely (see {@link FeatureSource.identity}).
 */
export function cachedFeatures<T extends LabeledSet = ImageSet>(
  data: ProtocolData<T>,
  featurize: (set: T) => Features | Promise<Features>,
  identity?: () => unknown | Promise<unknown>,
): FeatureSource {
  let train: Promise<Features> | null = null, test: Promise<Features> | null = null;
  return {
    train: () => (train ??= Promise.resolve(featurize(data.train))),
    test: () => (test ??= Promise.resolve(featurize(data.test))),
    ...(identity ? { identity } : {}),
  };
}

/** The images of both sets, as the identity of features computed from them. */
const imagesOf = (data: ProtocolData) => ({
  train: { height: data.train.height, width: data.train.width, images: data.train.images },
  test: { height: data.test.height, width: data.test.width, images: data.test.images },
});

/** Raw pixels (0..1) as features. */
export function pixelSource(data: ProtocolData): FeatureSource {
  return cachedFeatures(data, pixelFeatures, () => ({ kind: "pixels", ...imagesOf(data) }));
}

/** PCA fitted on the unlabeled train pool (no labels), then both sets projected. */
export function pcaFeatures(
  data: ProtocolData,
  opts: { components: number; seed?: number },
): FeatureSource {
  const pixels = pixelSource(data);
  let pca: Promise<Pca> | null = null;
  const fitted = () => (pca ??= pixels.train().then((train) => fitPca(train, opts)));
  return cachedFeatures(
    data,
    async (set) =>
      pcaTransform(await fitted(), await (set === data.train ? pixels.train() : pixels.test())),
    () => ({ kind: "pca", components: opts.components, seed: opts.seed, ...imagesOf(data) }),
  );
}

/** The features of a frozen model (its output) on both sets: {@link modelSources} of one. */
export function modelSource(data: ProtocolData, model: tf.LayersModel): FeatureSource {
  return modelSources(data, [model])[0];
}

/**
 * The features of frozen models (inference mode) on the train pool and the test set, one source
 * per model, computed on first use. Models that share their input — read-outs of one encoder:
 * its output, `blockFeatures`, `pooledBlockFeatures` — are run as one model, so one
 * pass over the images gives all of them. Each source identifies itself to the run cache by its
 * model's architecture and weights ({@link modelIdentity}) and the images: a stored run is
 * reused without running the model.
 */
export function modelSources(data: ProtocolData, models: tf.LayersModel[]): FeatureSource[] {
  const input = models[0]?.inputs[0];
  const shared = models.length > 1 &&
    models.every((m) => m.inputs.length === 1 && m.inputs[0] === input);
  const combined = models.length === 1
    ? models[0]
    : shared
    ? tf.model({ inputs: input, outputs: models.map((m) => m.outputs[0]) })
    : null;
  const passes = new Map<ImageSet, Promise<Features[]>>();
  const pass = (set: ImageSet) => {
    let found = passes.get(set);
    if (!found) passes.set(set, found = modelOutputs(combined!, set));
    return found;
  };
  return models.map((model, k) => {
    const identity = async () => ({
      kind: "model",
      ...await modelIdentity(model),
      ...imagesOf(data),
    });
    if (!combined) return cachedFeatures(data, (set) => modelFeatures(model, set), identity);
    return cachedFeatures(data, async (set) => (await pass(set))[k], identity);
  });
}

/** Options of {@link probeMethod} and {@link knnMethod}: what they report (default accuracy). */
export interface ScoredOptions {
  scorer?: Scorer;
}

/** A classifier fitted on the labeled rows of frozen features, predicting the test rows. */
type FrozenClassifier = (
  train: { features: Features; labels: number[] },
  test: Features,
  numClasses: number,
) => Promise<Int32Array>;

/** A deterministic method on frozen features: what probes and kNN share. */
function frozenMethod<T extends LabeledSet>(
  name: string,
  family: Family,
  features: FeatureSource,
  scorer: Scorer,
  classify: FrozenClassifier,
  /** What identifies `classify` in the run cache: its kind and options. */
  kind: string,
  options: unknown,
): Method<T> {
  return {
    name,
    family,
    deterministic: true,
    metrics: scorer.metrics,
    async fingerprint() {
      const identity = await features.identity?.();
      if (identity !== undefined) return { kind, options, score: scorer.score, features: identity };
      const [train, test] = [await features.train(), await features.test()];
      return {
        kind,
        options,
        score: scorer.score,
        train: { dim: train.dim, data: train.data },
        test: { dim: test.dim, data: test.data },
      };
    },
    async evaluate(cell) {
      const labels = Array.from(cell.subset, (i) => cell.data.train.labels[i]);
      const train = { features: selectRows(await features.train(), cell.subset), labels };
      const predicted = await classify(train, await features.test(), cell.numClasses);
      return scorer.score(predicted, cell.data.test.labels);
    },
  };
}

/** A linear probe on frozen features (as many classes as the protocol's `numClasses`). */
export function probeMethod<T extends LabeledSet = ImageSet>(
  name: string,
  family: Family,
  features: FeatureSource,
  opts: { c?: number } & ScoredOptions = {},
): Method<T> {
  return frozenMethod(
    name,
    family,
    features,
    opts.scorer ?? accuracyScorer,
    async (train, test, k) => {
      const probe = await trainLinearProbe(train.features, train.labels, {
        c: opts.c,
        numClasses: k,
      });
      return probe.predict(test);
    },
    "linear probe",
    { c: opts.c ?? 1 },
  );
}

/** Weighted kNN (cosine, k = 20, T = 0.07 by default) on frozen features. */
export function knnMethod<T extends LabeledSet = ImageSet>(
  name: string,
  family: Family,
  features: FeatureSource,
  opts: KnnOptions & ScoredOptions = {},
): Method<T> {
  const { scorer = accuracyScorer, ...knn } = opts;
  return frozenMethod(
    name,
    family,
    features,
    scorer,
    (train, test, k) => knnClassify(train, test, { numClasses: k, ...knn }),
    "kNN",
    knn,
  );
}

/** Options of {@link trainedMethod}. */
export interface TrainedMethodOptions {
  /** Start from a copy of this (pretrained) encoder — fine-tuning; omitted: from scratch. */
  encoder?: tf.LayersModel;
  /** The network's architecture (default: the reference encoder), e.g. a dense stack's. */
  architecture?: EncoderArchitecture;
  numClasses?: number;
  schedule: TrainSchedule;
}

/**
 * A network trained on the labeled subset and scored on the test set: the reference encoder (or
 * `architecture`) — fresh, seeded by the cell's seed (supervised), or a copy of `encoder`
 * (fine-tune) — plus a linear head. Runs on the protocol's worker pool when it has one.
 */
export function trainedMethod(name: string, family: Family, opts: TrainedMethodOptions): Method {
  let weights: Promise<WeightData[] | null> | undefined;
  const startWeights = () =>
    weights ??= opts.encoder ? weightsOf(opts.encoder) : Promise.resolve(null);
  return {
    name,
    family,
    deterministic: false,
    async fingerprint(cell) {
      return {
        kind: "trained",
        architecture: opts.architecture ?? "reference encoder",
        encoderWeights: await startWeights(),
        numClasses: opts.numClasses ?? cell.numClasses,
        schedule: opts.schedule,
        ...imagesOf(cell.data),
      };
    },
    async evaluate(cell) {
      const task: TrainTask = {
        label: `${name} · ${cell.labelsPerClass}/class · seed ${cell.seed}`,
        seed: cell.seed,
        subset: cell.subset,
        encoderWeights: await startWeights(),
        architecture: opts.architecture,
        numClasses: opts.numClasses ?? cell.numClasses,
        schedule: opts.schedule,
      };
      const outcome = cell.pool
        ? await cell.pool.run(task, (text) => cell.progress.update(text))
        : await trainAndScore(task, cell.data, cell.progress);
      return outcome.accuracy;
    },
  };
}

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
   * Reuse identical runs (see lib/eval/run_cache.ts): a run of a method with a fingerprint whose
   * inputs, code and backend match a stored run is not run again; new runs are stored in
   * `<results>/cache`. Default false. `SUITE_CACHE=off` disables it everywhere.
   */
  cache?: boolean;
}

const silent: ProgressDisplay = { update() {}, done() {} };

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
        });
        return { key, stored: await readRun(cacheDir, key, { metrics: metricsOf(job.method) }) };
      })();
      lookups.set(job, found);
    }
    return found;
  };
  const runJob = async (job: Job, pool?: WorkerPool) => {
    const started = performance.now();
    const what = `${job.method.name} · ${job.labelsPerClass}/class · seed ${job.seed}`;
    progress.update(`${prefix}[${runs.size + 1}/${jobs.length}] ${what}`);
    const cell = cellOf(job, pool);
    const { key, stored } = await lookup(job);
    const scores = stored
      ? scoresOf(job.method, stored.scores)
      : scoresOf(job.method, await job.method.evaluate(cell));
    const seconds = (performance.now() - started) / 1000;
    if (key && !stored) {
      await writeRun(cacheDir!, { key, scores, computedBy: `${prefix}${what}`, seconds });
    }
    const run: ProtocolRun = {
      method: job.method.name,
      family: job.method.family,
      labelsPerClass: job.labelsPerClass,
      seed: job.seed,
      accuracy: scores[metricsOf(job.method)[0]],
      scores,
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
    // yield to the event loop, so a worker that finishes gets its next run at once). Only
    // trainedMethod (images) uses the pool, so its data are images.
    const pool = await createPool(workers, data as unknown as ProtocolData, {
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
        const scores = cells.map((j) => runs.get(j)!.scores[metric]);
        rows.push({
          method: method.name,
          family: method.family,
          labelsPerClass,
          metric,
          ...meanStd(scores),
          n: scores.length,
          seeds: cells.map((j) => j.seed),
          scores,
          testImages: data.test.labels.length,
        });
      }
    }
  }
  const reused = [...runs.values()].filter((r) => r.reused).length;
  progress.done(
    `${prefix}${runs.size} runs of ${methods.length} methods done` +
      (reused ? ` (${reused} reused from ${cacheDir}: identical inputs and code)` : ""),
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
