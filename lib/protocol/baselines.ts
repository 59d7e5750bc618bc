/**
 * The baselines every image notebook compares its pretext task against (computed once by
 * `notebooks/00_baselines.ipynb`, reused by the others through the run cache): raw pixels and an
 * untrained encoder under a linear probe (controls), PCA + linear probe (unsupervised), and the
 * reference encoder trained from scratch on the labeled subset (supervised). Their names are how
 * the run cache's `computedBy`, the comparison tables and the summary's leaderboard recognise
 * them, so they are written once, here.
 *
 * @example
 * ```ts ignore
 * const features = { pixels: pixelSource(data), pca: pcaFeatures(data, { components: 64 }),
 *   random: modelSource(data, buildEncoder({ seed: 0 })) };
 * const baselines = runProtocol(data, baselineMethods(features, { pcaComponents: 64, schedule }), protocol);
 * ```
 * @module
 */
import {
  type FeatureSource,
  knnMethod,
  type KnnMethodOptions,
  type Method,
  probeMethod,
  trainedMethod,
} from "./protocol.ts";
import type { TrainSchedule } from "./train_and_score.ts";

/** The feature sets of the frozen baselines. */
export interface BaselineFeatures {
  /** Raw pixels (`pixelSource`). */
  pixels: FeatureSource;
  /** PCA fitted on the train pool (`pcaFeatures`). */
  pca: FeatureSource;
  /** The untrained reference encoder (`modelSource` of `buildEncoder({ seed: 0 })`). */
  random: FeatureSource;
}

/** Options of {@link baselineMethods}. */
export interface BaselineOptions {
  /** The number of PCA components (named in the PCA row). */
  pcaComponents: number;
  /** The supervised network's schedule (`trainSchedule(config, "scratch")`, lib/protocol). */
  schedule: TrainSchedule;
  /** Adds "random encoder + kNN" (for notebooks that report kNN rows); `{}`: k and T chosen. */
  knn?: KnnMethodOptions;
}

/**
 * The baseline methods, in table order: pixels + linear probe, random encoder + linear probe
 * (+ kNN), PCA-k + linear probe, supervised (from scratch).
 */
export function baselineMethods(features: BaselineFeatures, opts: BaselineOptions): Method[] {
  return [
    probeMethod("pixels + linear probe", "control", features.pixels),
    probeMethod("random encoder + linear probe", "control", features.random),
    ...(opts.knn ? [knnMethod("random encoder + kNN", "control", features.random, opts.knn)] : []),
    probeMethod(`PCA-${opts.pcaComponents} + linear probe`, "unsupervised", features.pca),
    trainedMethod("supervised (from scratch)", "supervised", { schedule: opts.schedule }),
  ];
}
