/**
 * The matched protocol, as one call used by every image notebook: for each label budget and each
 * seed, draw the same stratified labeled subset for every method, evaluate each method on the
 * same test set, and aggregate mean ± std over seeds.
 *
 * Methods come from four constructors — {@link probeMethod}, {@link knnMethod} (frozen features),
 * {@link trainedMethod} (a network trained on the labeled subset: supervised from scratch or
 * fine-tuned) — and {@link cachedFeatures} / {@link pcaFeatures} that compute features once.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../data/mod.ts";
import { stratifiedSubset } from "../data/mod.ts";
import type { Family, LabelBudget, ResultRow } from "../results/mod.ts";
import { type ProgressDisplay, progressDisplay } from "../show/mod.ts";
import { fit } from "../train/fit.ts";
import { labeledImageSource, predictClasses } from "../train/sources.ts";
import { type Features, pixelFeatures, selectRows } from "./features.ts";
import { knnClassify, type KnnOptions } from "./knn.ts";
import { accuracy, trainLinearProbe } from "./linear_probe.ts";
import { fitPca, pcaTransform } from "./pca.ts";

/** The labeled pool (train) and the test set every method is scored on. */
export interface ProtocolData {
  train: ImageSet;
  test: ImageSet;
}

/** What a method is given for one (budget, seed) cell. */
export interface ProtocolCell {
  labelsPerClass: LabelBudget;
  seed: number;
  /** Indices into `data.train` of the labeled subset. */
  subset: Int32Array;
  data: ProtocolData;
  /** The protocol's live status line, for methods that train (reused, not closed). */
  progress: ProgressDisplay;
}

/** One method of the comparison. */
export interface Method {
  name: string;
  family: Family;
  /** True when the result depends on the subset alone (probes, kNN): "all" is evaluated once. */
  deterministic: boolean;
  /** Test accuracy after using the labeled subset. */
  evaluate(cell: ProtocolCell): Promise<number>;
}

/** Frozen features of the train pool and the test set, computed once on first use. */
export interface FeatureSource {
  train(): Features;
  test(): Features;
}

/** Caches `featurize(set)` for the train pool and the test set. */
export function cachedFeatures(
  data: ProtocolData,
  featurize: (set: ImageSet) => Features,
): FeatureSource {
  let train: Features | null = null, test: Features | null = null;
  return {
    train: () => (train ??= featurize(data.train)),
    test: () => (test ??= featurize(data.test)),
  };
}

/** Raw pixels (0..1) as features. */
export function pixelSource(data: ProtocolData): FeatureSource {
  return cachedFeatures(data, pixelFeatures);
}

/** PCA fitted on the unlabeled train pool (no labels), then both sets projected. */
export function pcaFeatures(
  data: ProtocolData,
  opts: { components: number; seed?: number },
): FeatureSource {
  const pixels = pixelSource(data);
  let pca: ReturnType<typeof fitPca> | null = null;
  const fitted = () => (pca ??= fitPca(pixels.train(), opts));
  return {
    train: () => pcaTransform(fitted(), pixels.train()),
    test: () => pcaTransform(fitted(), pixels.test()),
  };
}

/** A linear probe on frozen features. */
export function probeMethod(
  name: string,
  family: Family,
  features: FeatureSource,
  opts: { c?: number } = {},
): Method {
  return {
    name,
    family,
    deterministic: true,
    evaluate(cell) {
      const labels = Array.from(cell.subset, (i) => cell.data.train.labels[i]);
      const probe = trainLinearProbe(selectRows(features.train(), cell.subset), labels, opts);
      return Promise.resolve(accuracy(probe.predict(features.test()), cell.data.test.labels));
    },
  };
}

/** Weighted kNN (cosine, k = 20, T = 0.07 by default) on frozen features. */
export function knnMethod(
  name: string,
  family: Family,
  features: FeatureSource,
  opts: KnnOptions = {},
): Method {
  return {
    name,
    family,
    deterministic: true,
    evaluate(cell) {
      const labels = Array.from(cell.subset, (i) => cell.data.train.labels[i]);
      const predicted = knnClassify(
        { features: selectRows(features.train(), cell.subset), labels },
        features.test(),
        opts,
      );
      return Promise.resolve(accuracy(predicted, cell.data.test.labels));
    },
  };
}

/** How a network is trained on a labeled subset. */
export interface TrainSchedule {
  batchSize: number;
  /** Passes over the labeled subset… */
  epochs: number;
  /** …but never more than this many optimizer steps (large subsets). */
  maxSteps: number;
  learningRate: number;
}

/** Steps and epochs a schedule gives a subset of `n` examples. */
export function scheduleFor(n: number, schedule: TrainSchedule): { epochs: number; steps: number } {
  const stepsPerEpoch = Math.ceil(n / schedule.batchSize);
  const total = Math.min(schedule.maxSteps, stepsPerEpoch * schedule.epochs);
  const epochs = Math.max(1, Math.ceil(total / stepsPerEpoch));
  return { epochs, steps: Math.min(stepsPerEpoch, Math.ceil(total / epochs)) };
}

/**
 * A network trained on the labeled subset and scored on the test set: `build(seed)` returns a
 * classifier (logits), e.g. a fresh encoder + head (supervised) or a copy of a pretrained
 * encoder + head (fine-tune). The model is disposed afterwards.
 */
export function trainedMethod(
  name: string,
  family: Family,
  build: (seed: number) => tf.LayersModel,
  schedule: TrainSchedule,
): Method {
  return {
    name,
    family,
    deterministic: false,
    async evaluate(cell) {
      const model = build(cell.seed);
      try {
        const { epochs, steps } = scheduleFor(cell.subset.length, schedule);
        await fit(model, labeledImageSource(cell.data.train, cell.subset), {
          epochs,
          stepsPerEpoch: steps,
          batchSize: schedule.batchSize,
          learningRate: schedule.learningRate,
          cosine: true,
          seed: cell.seed,
          label: `${name} · ${cell.labelsPerClass}/class · seed ${cell.seed}`,
          progress: cell.progress,
        });
        return accuracy(predictClasses(model, cell.data.test), cell.data.test.labels);
      } finally {
        model.dispose();
      }
    },
  };
}

/** One evaluated (method, budget, seed) cell. */
export interface ProtocolRun {
  method: string;
  family: Family;
  labelsPerClass: LabelBudget;
  seed: number;
  accuracy: number;
  seconds: number;
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
}

const silent: ProgressDisplay = { update() {}, done() {} };

/** Mean and sample standard deviation (0 for one value). */
export function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.length > 1
    ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)
    : 0;
  return { mean, std: Math.sqrt(variance) };
}

/** Runs every method at every budget and seed; returns aggregated rows and the raw runs. */
export async function runProtocol(
  data: ProtocolData,
  methods: Method[],
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
  const runs: ProtocolRun[] = [];
  const rows: ResultRow[] = [];
  const progress = opts.progress === false ? silent : progressDisplay();
  const total = opts.budgets.length * opts.seeds.length * methods.length;
  for (const labelsPerClass of opts.budgets) {
    const subsets = opts.seeds.map((seed) =>
      stratifiedSubset(data.train.labels, labelsPerClass, { seed, numClasses: opts.numClasses })
    );
    for (const method of methods) {
      const once = labelsPerClass === "all" && method.deterministic;
      const scores: number[] = [];
      for (const [i, seed] of opts.seeds.entries()) {
        if (once && i > 0) break;
        const started = performance.now();
        progress.update(
          `[${runs.length + 1}/≤${total}] ${method.name} · ${labelsPerClass}/class · seed ${seed}`,
        );
        const acc = await method.evaluate({
          labelsPerClass,
          seed,
          subset: subsets[i],
          data,
          progress,
        });
        const run: ProtocolRun = {
          method: method.name,
          family: method.family,
          labelsPerClass,
          seed,
          accuracy: acc,
          seconds: (performance.now() - started) / 1000,
        };
        runs.push(run);
        opts.onRun?.(run);
        scores.push(acc);
      }
      rows.push({
        method: method.name,
        family: method.family,
        labelsPerClass,
        metric: "accuracy",
        ...meanStd(scores),
        n: scores.length,
      });
    }
  }
  progress.done(`${runs.length} runs of ${methods.length} methods done`);
  return { rows, runs };
}
