/**
 * Joint-embedding pretext tasks on two augmented views of each image: SimCLR's contrastive NT-Xent
 * loss (Chen et al. 2020) and VICReg's non-contrastive variance–invariance–covariance loss (Bardes,
 * Ponce & LeCun 2022). Both share the batch source (two views per image), the model (the encoder
 * on both views with shared weights, then a projection MLP) and the diagnostics; only the loss
 * differs.
 *
 * Two views through the suite's single-input `fit`: x is [batch, 2, 28, 28, 1] (see `applyToParts`
 * in lib/models/tiles.ts), the model outputs the projections [batch, 2, dim], the loss reads them;
 * the target y is unused (zeros).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { ImageSet } from "../data/mod.ts";
import { augmentView, DEFAULT_VIEWS, type ViewOptions } from "../augment/views.ts";
import { buildEncoder, denseHead } from "../models/encoder.ts";
import { applyToParts } from "../models/tiles.ts";
import { createRng } from "../random.ts";
import {
  type BatchSource,
  type EpochRecord,
  fit,
  type LogPoint,
  type LossFn,
} from "../train/fit.ts";
import type { FitOptions } from "../train/fit.ts";
import { type CollapseDiagnostics, collapseDiagnostics } from "../eval/spread.ts";
import { type FeatureSpread, featureSpread } from "../eval/spread.ts";
import { type Features, modelFeatures } from "../eval/features.ts";
import { knnClassify, type KnnOptions } from "../eval/knn.ts";

/**
 * A batch source of two independently augmented views of each image `indices` of `set` (labels
 * never read). With `seed`, the views of each image are fixed (pictures, held-out measurements).
 * x: [batch, 2, h, w, 1] in 0..1; y: zeros [batch].
 */
export function twoViewSource(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: { views?: Readonly<ViewOptions>; seed?: number } = {},
): BatchSource {
  const size = set.height;
  const pixels = size * size;
  const views = opts.views ?? DEFAULT_VIEWS;
  if (indices.length < 2) {
    throw new Error(
      `twoViewSource(): needs at least 2 images (the other images of a batch are the negatives ` +
        `and the batch statistics), got ${indices.length}.`,
    );
  }
  return {
    size: indices.length,
    batch(positions, batchRng) {
      const b = positions.length;
      const x = new Float32Array(b * 2 * pixels);
      const image = new Float32Array(pixels);
      for (let i = 0; i < b; i++) {
        const rng = opts.seed === undefined
          ? batchRng
          : createRng(opts.seed * 1_000_003 + positions[i]);
        const at = indices[positions[i]] * pixels;
        for (let k = 0; k < pixels; k++) image[k] = set.images[at + k] / 255;
        x.set(augmentView(image, size, rng, views), (2 * i) * pixels);
        x.set(augmentView(image, size, rng, views), (2 * i + 1) * pixels);
      }
      return { x: tf.tensor5d(x, [b, 2, size, size, 1]), y: tf.zeros([b], "int32") };
    },
  };
}

/** Options of {@link buildTwinModel}. */
export interface TwinModelOptions {
  /** Hidden layers of the projection MLP (ReLU), e.g. [512]. */
  hidden: readonly number[];
  /** Output size of the projection (the space the loss compares in). */
  units: number;
  /** Seed of the projection head's initialisation. */
  seed?: number;
  name?: string;
}

/**
 * `encoder` applied to both views with shared weights, then a projection MLP (the suite's
 * `denseHead`, applied to each view) → projections [batch, 2, units]. Training it trains `encoder`
 * in place; downstream uses the encoder's features, not the projections (SimCLR: the projection
 * head discards information the loss does not need, such as the augmentation applied).
 */
export function buildTwinModel(encoder: tf.LayersModel, opts: TwinModelOptions): tf.LayersModel {
  const viewShape = encoder.inputs[0].shape.slice(1) as number[];
  const name = opts.name ?? `${encoder.name}_twin`;
  const input = tf.input({ shape: [2, ...viewShape], name: `${name}_input` });
  const features = applyToParts(encoder, input); // [batch, 2, dim]
  const projections = denseHead(features, {
    units: opts.units,
    hidden: opts.hidden,
    rng: createRng((opts.seed ?? 0) + 104_729),
    name: `${name}_projection`,
  });
  return tf.model({ inputs: input, outputs: projections, name });
}

function views(output: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] {
  if (output.rank !== 3 || output.shape[1] !== 2) {
    throw new Error(
      `twin loss: expected projections of shape [batch, 2, dim], got [${
        output.shape.join(", ")
      }]; ` +
        "build the model with buildTwinModel.",
    );
  }
  const a = output.slice([0, 0, 0], [-1, 1, -1]).squeeze([1]) as tf.Tensor2D;
  const b = output.slice([0, 1, 0], [-1, 1, -1]).squeeze([1]) as tf.Tensor2D;
  return [a, b];
}

/**
 * SimCLR's NT-Xent loss: the 2N projections are L2-normalised; each one must pick its partner view
 * out of the other 2N − 1 by cosine similarity / τ (softmax cross-entropy); averaged over all 2N.
 * A low τ weighs the hardest negatives most.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { ntXentLoss } from "./twin_views.ts";
 * // two images, their views identical and orthogonal to the other image's: log(e + 2) − 1
 * const z = tf.tensor3d([[[1, 0], [1, 0]], [[0, 1], [0, 1]]]);
 * ntXentLoss({ temperature: 1 })(z, tf.zeros([2])).dataSync()[0]; // 0.5514
 * ```
 */
export function ntXentLoss(opts: { temperature: number }): LossFn {
  const t = opts.temperature;
  if (!(t > 0)) {
    throw new Error(
      `ntXentLoss(): temperature must be > 0, got ${t}. SimCLR uses 0.1–1 (0.5 on CIFAR).`,
    );
  }
  return (output) =>
    tf.tidy(() => {
      const [a, b] = views(output);
      const z = tf.concat([a, b], 0);
      const unit = tf.div(z, tf.maximum(tf.norm(z, "euclidean", 1, true), 1e-12)) as tf.Tensor2D;
      const n = unit.shape[0];
      // Explicit transpose: tfjs-wasm's matMul with transposeB is ~15× slower.
      const sim = tf.div(tf.matMul(unit, tf.transpose(unit)), t);
      const masked = tf.sub(sim, tf.mul(tf.eye(n), 1e9)); // an image is not its own negative
      const half = n / 2;
      const ua = unit.slice([0, 0], [half, -1]);
      const ub = unit.slice([half, 0], [half, -1]);
      const positive = tf.div(tf.sum(tf.mul(ua, ub), 1), t); // the same for both directions
      return tf.sub(tf.mean(tf.logSumExp(masked, 1)), tf.mean(positive)) as tf.Scalar;
    });
}

/** Weights of {@link vicregLoss}'s three terms (the paper's: 25, 25, 1). */
export interface VicregWeights {
  invariance: number;
  variance: number;
  covariance: number;
}

/** The three terms of VICReg for projections [batch, 2, dim] (unweighted). */
export function vicregTerms(
  output: tf.Tensor,
): { invariance: tf.Scalar; variance: tf.Scalar; covariance: tf.Scalar } {
  return tf.tidy(() => {
    const [a, b] = views(output);
    const n = a.shape[0];
    const dim = a.shape[1];
    if (n < 2) {
      throw new Error("vicregTerms(): the variance term needs a batch of at least 2 images.");
    }
    const invariance = tf.mean(tf.square(tf.sub(a, b))) as tf.Scalar;
    const perView = (z: tf.Tensor2D) => {
      const centred = tf.sub(z, tf.mean(z, 0, true));
      const variance = tf.div(tf.sum(tf.square(centred), 0), n - 1); // unbiased, [dim]
      const std = tf.sqrt(tf.add(variance, 1e-4));
      const hinge = tf.mean(tf.relu(tf.sub(1, std))); // keep every dimension's std ≥ 1
      const cov = tf.div(tf.matMul(tf.transpose(centred), centred), n - 1); // [dim, dim]
      const offDiagonal = tf.sub(tf.sum(tf.square(cov)), tf.sum(tf.square(variance)));
      return { hinge, covariance: tf.div(offDiagonal, dim) };
    };
    const va = perView(a), vb = perView(b);
    return {
      invariance,
      variance: tf.div(tf.add(va.hinge, vb.hinge), 2) as tf.Scalar,
      covariance: tf.add(va.covariance, vb.covariance) as tf.Scalar,
    };
  });
}

/**
 * VICReg's loss: λ·invariance (mean squared distance between the two views' projections) +
 * μ·variance (hinge keeping each dimension's standard deviation over the batch ≥ 1) + ν·covariance
 * (squared off-diagonal covariances / dim). No negatives, no stop-gradient, no momentum encoder:
 * the variance term alone keeps the projections from collapsing to a constant — set it to 0 and
 * they do.
 */
export function vicregLoss(weights: VicregWeights): LossFn {
  for (const [k, v] of Object.entries(weights)) {
    if (!(v >= 0)) throw new Error(`vicregLoss(): weight ${k} must be ≥ 0, got ${v}.`);
  }
  return (output) =>
    tf.tidy(() => {
      const t = vicregTerms(output);
      return tf.addN([
        tf.mul(t.invariance, weights.invariance),
        tf.mul(t.variance, weights.variance),
        tf.mul(t.covariance, weights.covariance),
      ]) as tf.Scalar;
    });
}

/**
 * The projections of `indices` of `set` through a twin model, without augmentation (the image
 * itself as both views; the first view's projection is returned): [n, units].
 */
export async function twinProjections(
  model: tf.LayersModel,
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: { batchSize?: number } = {},
): Promise<Features> {
  const batchSize = opts.batchSize ?? 250;
  const pixels = set.height * set.width;
  const rows: Float32Array[] = [];
  let dim = 0;
  for (let start = 0; start < indices.length; start += batchSize) {
    const count = Math.min(batchSize, indices.length - start);
    const x = new Float32Array(count * 2 * pixels);
    for (let i = 0; i < count; i++) {
      const at = indices[start + i] * pixels;
      for (let k = 0; k < pixels; k++) {
        const v = set.images[at + k] / 255;
        x[2 * i * pixels + k] = v;
        x[(2 * i + 1) * pixels + k] = v;
      }
    }
    const out = tf.tidy(() => {
      const y = model.predict(tf.tensor5d(x, [count, 2, set.height, set.width, 1])) as tf.Tensor;
      return y.slice([0, 0, 0], [-1, 1, -1]).reshape([count, -1]);
    });
    dim = out.shape[1]!;
    rows.push(await readAndDispose(out) as Float32Array);
  }
  const data = new Float32Array(indices.length * dim);
  rows.reduce((at, r) => (data.set(r, at), at + r.length), 0);
  return { data, n: indices.length, dim };
}

/**
 * kNN accuracy of `encoder`'s features: `bank` (labeled images; labels used only to watch, never
 * to train) votes for the classes of `queries` — the label-free training's monitor (DINO's
 * protocol: cosine, k = 20, T = 0.07).
 */
export async function knnMonitor(
  encoder: tf.LayersModel,
  bank: ImageSet,
  queries: ImageSet,
  opts: KnnOptions = {},
): Promise<{ accuracy: number; bankFeatures: Features; queryFeatures: Features }> {
  const bankFeatures = await modelFeatures(encoder, bank);
  const queryFeatures = await modelFeatures(encoder, queries);
  const predicted = await knnClassify(
    { features: bankFeatures, labels: bank.labels },
    queryFeatures,
    opts,
  );
  let right = 0;
  for (let i = 0; i < queries.n; i++) if (predicted[i] === queries.labels[i]) right++;
  return { accuracy: right / queries.n, bankFeatures, queryFeatures };
}

/** One measurement of {@link pretrainTwins}' monitor. */
export interface TwinMonitorPoint {
  /** Optimizer steps so far (0: before training). */
  step: number;
  /** kNN accuracy of the encoder's features on the monitor's queries. */
  knnAccuracy: number;
  /** Collapse diagnostics of the encoder's features (what downstream uses) of the queries. */
  representation: CollapseDiagnostics;
  /** Collapse diagnostics of the projections (what the loss sees) of the queries. */
  projection: CollapseDiagnostics;
  /**
   * Scale of the projections (raw per-dimension std, mean norm): a collapse *towards a point*
   * shrinks it, which the direction-only diagnostics above (and cosine kNN) cannot see.
   */
  projectionSpread: FeatureSpread;
}

/** Options of {@link pretrainTwins}. */
export interface PretrainTwinsOptions {
  /** Unlabeled images: `set`'s images `indices` (labels never read). */
  set: ImageSet;
  indices: ArrayLike<number>;
  /** The joint-embedding loss: {@link ntXentLoss} or {@link vicregLoss}. */
  loss: LossFn;
  /** The augmentations of both views (default {@link DEFAULT_VIEWS}). */
  views?: Readonly<ViewOptions>;
  /** Seed of the encoder's initial weights (the random control uses the same). */
  encoderSeed: number;
  /** Channels of the encoder's blocks (default: the reference encoder's 32, 64, 128). */
  channels?: [number, number, number];
  /** The projection head. */
  head: Omit<TwinModelOptions, "name">;
  epochs: number;
  batchSize: number;
  /** Optimizer steps per epoch (default: one pass over `indices`). */
  stepsPerEpoch?: number;
  learningRate: number;
  /** Seed of the data order and the views. */
  seed: number;
  /** Shown in the progress line. */
  label: string;
  /**
   * Label-free training, watched with labels: before training and after every epoch, kNN accuracy
   * of `bank` → `queries` and the collapse diagnostics of the queries.
   */
  monitor?: { bank: ImageSet; queries: ImageSet; knn?: KnnOptions };
  /** Running loss every few steps (curves). */
  onLog?: (point: LogPoint) => void;
  /** Live progress, as `fit`'s option (default: a display of its own). */
  progress?: FitOptions["progress"];
}

/**
 * Pretrains a fresh reference encoder with a twin model (two views, shared weights, projection
 * head) on `loss`, through the suite's one `fit` loop, with the monitor of
 * {@link PretrainTwinsOptions.monitor}. Returns the trained encoder (28×28, ready for the
 * downstream comparison), the twin model, the loss history and the monitor's points.
 */
export async function pretrainTwins(opts: PretrainTwinsOptions): Promise<{
  encoder: tf.LayersModel;
  model: tf.LayersModel;
  history: EpochRecord[];
  monitor: TwinMonitorPoint[];
}> {
  const encoder = buildEncoder({
    seed: opts.encoderSeed,
    channels: opts.channels,
    name: opts.label.replace(/[^A-Za-z0-9_]/g, "_"),
  });
  const model = buildTwinModel(encoder, opts.head);
  const steps = opts.stepsPerEpoch ?? Math.ceil(opts.indices.length / opts.batchSize);
  const monitor: TwinMonitorPoint[] = [];
  const measure = async (step: number) => {
    if (!opts.monitor) return;
    const { bank, queries, knn } = opts.monitor;
    const { accuracy, queryFeatures } = await knnMonitor(encoder, bank, queries, knn);
    const all = Int32Array.from({ length: queries.n }, (_, i) => i);
    const projections = await twinProjections(model, queries, all);
    monitor.push({
      step,
      knnAccuracy: accuracy,
      representation: collapseDiagnostics(queryFeatures),
      projection: collapseDiagnostics(projections),
      projectionSpread: featureSpread(projections),
    });
  };
  await measure(0);
  const history = await fit(model, twoViewSource(opts.set, opts.indices, { views: opts.views }), {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    stepsPerEpoch: steps,
    seed: opts.seed,
    cosine: true,
    learningRate: opts.learningRate,
    label: opts.label,
    loss: opts.loss,
    onLog: opts.onLog,
    progress: opts.progress,
    onEpochEnd: (entry) => measure(entry.epoch * steps),
  });
  return { encoder, model, history, monitor };
}
