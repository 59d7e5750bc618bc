/**
 * Read-outs of frozen features: the linear probe and kNN as protocol methods, their
 * hyperparameters chosen by cross-validation inside each cell's labelled subset.
 * @module
 */
import type { ImageSet } from "../data/mod.ts";
import type { Family } from "../results/mod.ts";
import { type Features, selectRows } from "../eval/features.ts";
import { knnClassifyGrid, type KnnSetting } from "../eval/knn.ts";
import { trainLinearProbe } from "../eval/linear_probe.ts";
import { accuracyScorer, type Scorer } from "../eval/metrics.ts";
import {
  KNN_GRID,
  PROBE_GRID,
  type ProbeSetting,
  selectKnn,
  selectProbe,
} from "../eval/selection.ts";
import type { FeatureSource } from "./sources.ts";
import type { LabeledSet, Method, Selected } from "./types.ts";

/** Options of {@link probeMethod} and {@link knnMethod}: what they report (default accuracy). */
export interface ScoredOptions {
  scorer?: Scorer;
}

/**
 * A classifier fitted on the labeled rows of frozen features, predicting the test rows; with
 * the hyperparameters it chose (from the labelled rows alone), if any.
 */
type FrozenClassifier = (
  train: { features: Features; labels: number[] },
  test: Features,
  numClasses: number,
  seed: number,
) => Promise<{ predicted: Int32Array; selected?: Selected }>;

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
    modules: [import.meta.url],
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
      const { predicted, selected } = await classify(
        train,
        await features.test(),
        cell.numClasses,
        cell.seed,
      );
      return { scores: scorer.score(predicted, cell.data.test.labels), selected };
    },
  };
}

/** Options of {@link probeMethod}. */
export interface ProbeMethodOptions extends ScoredOptions {
  /**
   * A fixed L2 strength (scikit-learn's C) and preprocessing; omitted, both are chosen per cell by
   * cross-validation inside the labelled subset over `grid` ({@link selectProbe}).
   */
  c?: number;
  standardize?: boolean;
  /** The settings cross-validated (default {@link PROBE_GRID}). */
  grid?: readonly ProbeSetting[];
}

/**
 * A linear probe on frozen features (as many classes as the protocol's `numClasses`), its L2
 * strength and standardisation chosen by cross-validation inside the labelled subset unless fixed.
 */
export function probeMethod<T extends LabeledSet = ImageSet>(
  name: string,
  family: Family,
  features: FeatureSource,
  opts: ProbeMethodOptions = {},
): Method<T> {
  const fixed = opts.c !== undefined ? { c: opts.c, standardize: opts.standardize ?? true } : null;
  const grid = opts.grid ?? PROBE_GRID;
  return frozenMethod(
    name,
    family,
    features,
    opts.scorer ?? accuracyScorer,
    async (train, test, numClasses, seed) => {
      let setting = fixed;
      let selected: Selected | undefined;
      if (!setting) {
        const { best } = await selectProbe(train.features, train.labels, {
          numClasses,
          seed,
          grid,
        });
        setting = best.setting;
        selected = { ...best.setting, validationAccuracy: best.score };
      }
      const probe = await trainLinearProbe(train.features, train.labels, {
        ...setting,
        numClasses,
      });
      return { predicted: await probe.predict(test), selected };
    },
    "linear probe",
    fixed ?? { grid, selection: "cross-validation in the labelled subset" },
  );
}

/** Options of {@link knnMethod}. */
export interface KnnMethodOptions extends ScoredOptions {
  /** A fixed k and temperature; omitted, chosen per cell by {@link selectKnn} over `grid`. */
  k?: number;
  temperature?: number;
  grid?: readonly KnnSetting[];
}

/**
 * Weighted kNN (cosine similarity) on frozen features; k (only k ≤ labels per class) and the
 * temperature chosen by cross-validation inside the labelled subset unless fixed.
 */
export function knnMethod<T extends LabeledSet = ImageSet>(
  name: string,
  family: Family,
  features: FeatureSource,
  opts: KnnMethodOptions = {},
): Method<T> {
  const fixed = opts.k !== undefined ? { k: opts.k, temperature: opts.temperature ?? 0.07 } : null;
  const grid = opts.grid ?? KNN_GRID;
  return frozenMethod(
    name,
    family,
    features,
    opts.scorer ?? accuracyScorer,
    async (train, test, numClasses, seed) => {
      let setting = fixed;
      let selected: Selected | undefined;
      if (!setting) {
        const { best } = await selectKnn(train.features, train.labels, { numClasses, seed, grid });
        setting = best.setting;
        selected = { ...best.setting, validationAccuracy: best.score };
      }
      const predicted = (await knnClassifyGrid(train, test, [setting], { numClasses }))[0];
      return { predicted, selected };
    },
    "kNN",
    fixed ?? { grid, selection: "cross-validation in the labelled subset" },
  );
}
