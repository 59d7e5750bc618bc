/**
 * Video clips under the matched protocol: a labelled view of a Moving Fashion-MNIST set (one per
 * downstream task — the garment's class, or its direction of motion), and the frozen feature
 * sources the read-outs compare — the clip encoder's features, a frame-level image encoder
 * applied to every frame and averaged, and PCA of the frames.
 *
 * Clips are not augmented when a network trains on them: a flip reverses a direction label and a
 * shift moves the motion's start, so the light augmentation of images would corrupt the labels.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { clipFrames, type MovingFashion } from "../data/moving_fashion.ts";
import { type Features, modelIdentity } from "../eval/features.ts";
import { fitPca, type Pca, pcaTransform } from "../eval/pca.ts";
import { clipBatch } from "../pretext/video.ts";
import type { BatchSource } from "../train/fit.ts";
import type { TrainableSet } from "../train/sources.ts";
import type { ProgressDisplay } from "../show/mod.ts";
import { cachedFeatures, type FeatureSource } from "./sources.ts";
import { trainAndScore, type TrainOutcome, type TrainTask } from "./train_and_score.ts";
import type { ProtocolData } from "./types.ts";

/** A set of clips with one label per clip: what the protocol and its trained methods read. */
export interface ClipSet extends TrainableSet {
  clips: MovingFashion;
}

const BATCH = 200;

/** A {@link ClipSet} as plain data, what a worker rebuilds it from. */
export interface PlainClipSet {
  clips: MovingFashion;
  labels: Uint8Array;
}

/** The pool job that trains on clip sets: {@link trainAndScoreClips}. */
export const CLIP_TRAIN_JOB = {
  module: import.meta.url,
  exportName: "trainAndScoreClips",
} as const;

/**
 * `trainAndScore` on the clip sets rebuilt from plain data: what a worker of the protocol's pool
 * runs for a network trained on clips (the same computation as on the protocol's thread; on
 * one kernel thread, see lib/parallel/pool.ts).
 */
export function trainAndScoreClips(
  task: TrainTask,
  data: { train: PlainClipSet; test: PlainClipSet },
  progress: ProgressDisplay | false,
): Promise<TrainOutcome> {
  return trainAndScore(task, {
    train: clipSet(data.train.clips, data.train.labels),
    test: clipSet(data.test.clips, data.test.labels),
  }, progress);
}

/** `clips` labelled by `labels` (e.g. `clips.garment` or `clips.direction`). */
export function clipSet(clips: MovingFashion, labels: Uint8Array): ClipSet {
  if (labels.length !== clips.n) {
    throw new Error(`clipSet(): ${labels.length} labels for ${clips.n} clips.`);
  }
  const all = () => Int32Array.from({ length: clips.n }, (_, i) => i);
  return {
    clips,
    n: clips.n,
    labels,
    labeledSource(indices, opts): BatchSource {
      if (opts.augment) {
        throw new Error(
          "clipSet(): clips are not augmented (a flip reverses a direction label); train with " +
            "a schedule whose augment is false.",
        );
      }
      return {
        size: indices.length,
        batch(positions) {
          const chosen = Array.from(positions, (p) => indices[p]);
          return {
            x: clipBatch(clips, chosen),
            y: tf.tensor1d(Int32Array.from(chosen, (i) => labels[i]), "int32"),
          };
        },
      };
    },
    async predict(model, indices = all()) {
      const out = new Int32Array(indices.length);
      for (let start = 0; start < indices.length; start += BATCH) {
        const chosen = Array.from(indices).slice(start, start + BATCH);
        const x = clipBatch(clips, chosen);
        out.set(
          await readAndDispose(tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1))),
          start,
        );
        x.dispose();
      }
      return out;
    },
    identity: () => ({
      kind: "moving-fashion",
      frames: clips.frames,
      size: clips.size,
      paths: clips.paths,
      labels,
      garments: clips.source.images,
    }),
    worker: { job: CLIP_TRAIN_JOB, data: (): PlainClipSet => ({ clips, labels }) },
  };
}

/** Features computed once per model (or fitted PCA) and clip set, whatever the labels. */
const memo = new WeakMap<object, WeakMap<MovingFashion, Promise<Features>>>();
function once(
  key: object,
  set: MovingFashion,
  compute: () => Promise<Features>,
): Promise<Features> {
  let bySet = memo.get(key);
  if (!bySet) memo.set(key, bySet = new WeakMap());
  let found = bySet.get(set);
  if (!found) bySet.set(set, found = compute());
  return found;
}

/**
 * `model`'s output for every clip of `set` (inference mode): [n, dim]. Computed once per model and
 * clip set: the two labellings of the same clips share it.
 */
export function clipFeatures(model: tf.LayersModel, set: MovingFashion): Promise<Features> {
  return once(model, set, () => computeClipFeatures(model, set));
}

/**
 * Rows of features for clips 0..n−1, `per` clips at a time: `rows(chosen)` gives their rows as a
 * tensor [chosen.length, dim] (read and disposed here).
 */
async function batchedRows(
  n: number,
  per: number,
  rows: (chosen: number[]) => tf.Tensor2D,
): Promise<Features> {
  const parts: Float32Array[] = [];
  let dim = 0;
  for (let start = 0; start < n; start += per) {
    const chosen = Array.from({ length: Math.min(per, n - start) }, (_, i) => start + i);
    const y = rows(chosen);
    dim = y.shape[1];
    parts.push(await readAndDispose(y) as Float32Array);
  }
  const data = new Float32Array(n * dim);
  let at = 0;
  for (const p of parts) data.set(p, at), at += p.length;
  return { data, n, dim };
}

function computeClipFeatures(model: tf.LayersModel, set: MovingFashion): Promise<Features> {
  return batchedRows(
    set.n,
    BATCH,
    (chosen) => tf.tidy(() => model.predict(clipBatch(set, chosen)) as tf.Tensor2D),
  );
}

/** The clip encoder's features of both sets (a model taking [size, size, frames]). */
export function clipSource(data: ProtocolData<ClipSet>, model: tf.LayersModel): FeatureSource {
  return cachedFeatures(
    data,
    (set) => clipFeatures(model, set.clips),
    async () => ({
      kind: "clip model",
      model: await modelIdentity(model),
      train: data.train.identity(),
      test: data.test.identity(),
    }),
  );
}

/** Every frame of every clip as a one-channel image batch, `frames` rows per clip. */
function frameBatch(set: MovingFashion, chosen: number[]): tf.Tensor4D {
  const { frames, size } = set, area = size * size;
  const x = new Float32Array(chosen.length * frames * area);
  const buffer = new Uint8Array(frames * area);
  chosen.forEach((c, i) => {
    clipFrames(set, c, buffer);
    for (let k = 0; k < buffer.length; k++) x[i * frames * area + k] = buffer[k] / 255;
  });
  return tf.tensor4d(x, [chosen.length * frames, size, size, 1]);
}

/**
 * An image encoder (one channel, any size: the reference encoder pools globally) applied to every
 * frame, its features averaged over the frames of each clip — a frame-level representation of a
 * clip, blind to the order of its frames.
 */
export function frameAverageSource(
  data: ProtocolData<ClipSet>,
  encoder: tf.LayersModel,
): FeatureSource {
  const featurize = (set: MovingFashion): Promise<Features> =>
    batchedRows(set.n, Math.max(1, Math.floor(BATCH / set.frames)), (chosen) =>
      tf.tidy(() => {
        const y = encoder.predict(frameBatch(set, chosen)) as tf.Tensor2D;
        return tf.mean(tf.reshape(y, [chosen.length, set.frames, y.shape[1]]), 1) as tf.Tensor2D;
      }));
  return cachedFeatures(
    data,
    (set) => once(encoder, set.clips, () => featurize(set.clips)),
    async () => ({
      kind: "frame average",
      model: await modelIdentity(encoder),
      train: data.train.identity(),
      test: data.test.identity(),
    }),
  );
}

/** The frames of the clips, downsampled 2×2 and flattened per clip ([n, frames·(size/2)²], 0..1). */
function clipPixels(set: MovingFashion): Features {
  const { frames, size } = set, half = size / 2, area = size * size;
  const dim = frames * half * half;
  const data = new Float32Array(set.n * dim);
  const buffer = new Uint8Array(frames * area);
  for (let c = 0; c < set.n; c++) {
    clipFrames(set, c, buffer);
    for (let t = 0; t < frames; t++) {
      for (let r = 0; r < half; r++) {
        for (let q = 0; q < half; q++) {
          const at = t * area + 2 * r * size + 2 * q;
          data[c * dim + t * half * half + r * half + q] =
            (buffer[at] + buffer[at + 1] + buffer[at + size] + buffer[at + size + 1]) / (4 * 255);
        }
      }
    }
  }
  return { data, n: set.n, dim };
}

/** PCA fits per train clip set and options: the two labellings of the same clips share one. */
const pcaFits = new WeakMap<MovingFashion, Map<string, { fit?: Promise<Pca> }>>();

/**
 * PCA of the clips (their frames downsampled 2×2, concatenated in order), fitted on the train
 * clips without labels: the unsupervised baseline. Keeping the frames in order lets a linear
 * read-out see some motion.
 */
export function clipPcaSource(
  data: ProtocolData<ClipSet>,
  opts: { components: number; seed?: number },
): FeatureSource {
  const train = data.train.clips;
  if (!pcaFits.has(train)) pcaFits.set(train, new Map());
  const fits = pcaFits.get(train)!;
  const id = JSON.stringify(opts);
  if (!fits.has(id)) fits.set(id, {});
  const holder = fits.get(id)!; // the key of the memo: one per fit
  const fitted = () => (holder.fit ??= fitPca(clipPixels(train), opts));
  return cachedFeatures(
    data,
    (set) =>
      once(holder, set.clips, async () => pcaTransform(await fitted(), clipPixels(set.clips))),
    () => ({
      kind: "clip pca",
      components: opts.components,
      seed: opts.seed,
      train: data.train.identity(),
      test: data.test.identity(),
    }),
  );
}
