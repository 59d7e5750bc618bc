/**
 * Feature sources: frozen features of the train pool and the test set (pixels, PCA, frozen
 * models), computed once on first use, each identifying itself to the run cache.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../data/mod.ts";
import {
  type Features,
  modelFeatures,
  modelIdentity,
  modelOutputs,
  pixelFeatures,
} from "../eval/features.ts";
import { fitPca, type Pca, pcaTransform } from "../eval/pca.ts";
import type { LabeledSet, ProtocolData } from "./types.ts";

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
export const imagesOf = (data: ProtocolData) => ({
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
