/**
 * Greedy layer-wise pretraining with autoencoders (Bengio, Lamblin, Popovici & Larochelle 2007,
 * "Greedy Layer-Wise Training of Deep Networks"; Hinton & Salakhutdinov 2006) and its denoising
 * variant (Vincent, Larochelle, Bengio & Manzagol 2008, "Extracting and Composing Robust Features
 * with Denoising Autoencoders").
 *
 * A dense stack (lib/models/dense_stack.ts) is trained one layer at a time: layer 1 with a small
 * decoder reconstructs the pixels; it is then frozen and layer 2 reconstructs layer 1's codes; and
 * so on. Each stage is an ordinary model trained by the suite's one loop, `fit`, on a
 * {@link reconstructionSource} over the (precomputed, frozen) codes of the layer below. The
 * denoising variant corrupts each stage's input ({@link corrupt}) and still reconstructs the clean
 * one. For comparison, {@link buildStackedAutoencoder} puts the mirrored decoders on the whole
 * stack, to be trained end to end as one autoencoder.
 *
 * Decoders output logits; codes are sigmoids in 0..1 like the pixels, so every stage uses the same
 * loss, the cross-entropy of {@link reconstructionLoss}.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { type Features, modelFeatures, pixelFeatures } from "../eval/features.ts";
import type { ImageSet } from "../data/mod.ts";
import { stackLayerFeatures, stackLayers } from "../models/dense_stack.ts";
import { createRng, type Rng } from "../random.ts";
import {
  type BatchSource,
  type EpochRecord,
  fit,
  type LogPoint,
  type LossFn,
} from "../train/fit.ts";
import type { ProgressDisplay } from "../show/mod.ts";

/**
 * How a denoising autoencoder's input is corrupted: masking noise sets a random `fraction` of the
 * values to 0 (Vincent et al. 2008 used 10–40 %); Gaussian noise adds N(0, std²).
 */
export type Corruption =
  | { kind: "mask"; fraction: number }
  | { kind: "gaussian"; std: number };

function checkCorruption(corruption: Corruption): void {
  const ok = corruption.kind === "mask"
    ? corruption.fraction >= 0 && corruption.fraction <= 1
    : corruption.kind === "gaussian"
    ? corruption.std >= 0 && Number.isFinite(corruption.std)
    : false;
  if (!ok) {
    throw new Error(
      `corrupt(): ${JSON.stringify(corruption)} is not a valid corruption; use ` +
        `{ kind: "mask", fraction: 0..1 } or { kind: "gaussian", std: ≥ 0 }.`,
    );
  }
}

/**
 * A corrupted copy of `values` (the input is left unchanged), drawn from `rng`: the same rng state
 * gives the same corruption.
 * @example
 * ```ts
 * import { createRng } from "../random.ts";
 * import { corrupt } from "./layerwise.ts";
 * const noisy = corrupt(new Float32Array([0.5, 0.5, 0.5, 0.5]), { kind: "mask", fraction: 0.5 }, createRng(0));
 * noisy.filter((v) => v === 0).length; // about half of them (here exactly 2)
 * ```
 */
export function corrupt(values: Float32Array, corruption: Corruption, rng: Rng): Float32Array {
  checkCorruption(corruption);
  const out = new Float32Array(values);
  if (corruption.kind === "mask") {
    for (let i = 0; i < out.length; i++) if (rng.next() < corruption.fraction) out[i] = 0;
  } else {
    for (let i = 0; i < out.length; i++) out[i] += corruption.std * rng.normal();
  }
  return out;
}

/** Options of {@link reconstructionSource}. */
export interface ReconstructionSourceOptions {
  /** Corrupt the input (denoising); the target stays clean. */
  corruption?: Corruption;
  /** Shape of one input example (default [dim]); e.g. [28, 28, 1] for a stack on images. */
  inputShape?: number[];
}

/**
 * A batch source for autoencoders over the rows of `features`: x = the rows (corrupted when
 * `corruption` is given, with the batch rng fit passes in, so seeded), reshaped to
 * [batch, ...inputShape]; y = the clean rows [batch, dim].
 */
export function reconstructionSource(
  features: Features,
  opts: ReconstructionSourceOptions = {},
): BatchSource {
  const { dim } = features;
  const inputShape = opts.inputShape ?? [dim];
  if (inputShape.reduce((a, b) => a * b, 1) !== dim) {
    throw new Error(
      `reconstructionSource(): inputShape [${inputShape.join(", ")}] does not hold the ${dim} ` +
        `values of a row; give a shape whose product is ${dim}.`,
    );
  }
  if (opts.corruption) checkCorruption(opts.corruption);
  return {
    size: features.n,
    batch(positions, rng) {
      const b = positions.length;
      const clean = new Float32Array(b * dim);
      for (let i = 0; i < b; i++) {
        clean.set(features.data.subarray(positions[i] * dim, (positions[i] + 1) * dim), i * dim);
      }
      const input = opts.corruption ? corrupt(clean, opts.corruption, rng) : clean;
      return { x: tf.tensor(input, [b, ...inputShape]), y: tf.tensor2d(clean, [b, dim]) };
    },
  };
}

/**
 * The reconstruction loss of every stage: sigmoid cross-entropy of the decoder's logits
 * [batch, dim] against the clean target in 0..1 [batch, dim], averaged over values.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { reconstructionLoss } from "./layerwise.ts";
 * // logit 0 → p = 0.5: the loss is ln 2 whatever the target
 * reconstructionLoss(tf.zeros([1, 2]), tf.tensor2d([[0, 1]])).dataSync()[0]; // 0.693…
 * ```
 */
export const reconstructionLoss: LossFn = (logits, target) =>
  tf.losses.sigmoidCrossEntropy(target, logits) as tf.Scalar;

let decoderCount = 0;

/** A linear decoder layer (logits) of `units` outputs, Glorot-uniform, seeded. */
function decoderLayer(units: number, seed: number, name: string): tf.layers.Layer {
  return tf.layers.dense({
    units,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    name,
  });
}

/**
 * Input size of each of the stack's dense layers (784 for the first on 28×28 images). Throws unless
 * the stack has sigmoid layers: the cross-entropy reconstruction needs codes in 0..1.
 */
function inputSizes(stack: tf.LayersModel, where: string): number[] {
  const pixels = (stack.inputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  const dense = stackLayers(stack);
  if (!dense.length) {
    throw new Error(
      `${where}: ${stack.name} has no dense layers; build it with buildDenseStack().`,
    );
  }
  const activation = dense[0].getConfig().activation;
  if (activation !== "sigmoid") {
    throw new Error(
      `${where}: ${stack.name} has ${activation} units, but the reconstruction loss (cross-entropy) ` +
        `needs codes in 0..1; build the stack with activation "sigmoid".`,
    );
  }
  return dense.map((_, k) => (k === 0 ? pixels : dense[k - 1].getConfig().units as number));
}

/** Options of {@link trainGreedy}. */
export interface GreedyOptions {
  /** Epochs of each stage over the images. */
  epochs: number;
  batchSize: number;
  /** Seed of the decoders and of each stage's data order and corruption. */
  seed: number;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Corrupt each stage's input (the stacked denoising autoencoder of Vincent et al. 2008). */
  corruption?: Corruption;
  /** Names the run in the progress line. */
  label?: string;
  /** Curve points of each stage (`layer` 1-based); `epoch` runs on across the stages. */
  onLog?: (point: LogPoint & { layer: number }) => void;
  /** Live progress: as in `fit` (a display is reused across the stages). */
  progress?: boolean | ProgressDisplay;
  /** Stops after the current step of the current stage: `fit` throws `FitInterrupted`. */
  signal?: AbortSignal;
}

/** What {@link trainGreedy} returns. */
export interface GreedyResult {
  /** Decoder of each layer's stage (logits of the layer's input), layer 1 first. */
  decoders: tf.layers.Layer[];
  /** History of each stage, layer 1 first. */
  stages: EpochRecord[][];
}

/**
 * Trains `stack` greedily, in place: for layer k = 1..L, the codes of layers 1..k−1 (frozen) for
 * every image of `images` are computed once; layer k and a fresh decoder are trained to
 * reconstruct them (from a corrupted copy when `corruption` is given). The labels of `images` are
 * never read.
 */
export async function trainGreedy(
  stack: tf.LayersModel,
  images: ImageSet,
  opts: GreedyOptions,
): Promise<GreedyResult> {
  const sizes = inputSizes(stack, "trainGreedy()");
  const dense = stackLayers(stack);
  const rng = createRng(opts.seed + 32_452_843);
  const decoders: tf.layers.Layer[] = [];
  const stages: EpochRecord[][] = [];
  const label = opts.label ?? "greedy";
  for (let k = 1; k <= dense.length; k++) {
    const codes = k === 1
      ? pixelFeatures(images)
      : await modelFeatures(stackLayerFeatures(stack, k - 1), images); // frozen layers 1..k−1
    const input = tf.input({ shape: [sizes[k - 1]] });
    const decoder = decoderLayer(sizes[k - 1], rng.fork(), `decoder_${decoderCount++}_layer${k}`);
    const code = dense[k - 1].apply(input) as tf.SymbolicTensor;
    const stage = tf.model({ inputs: input, outputs: decoder.apply(code) as tf.SymbolicTensor });
    const history = await fit(stage, reconstructionSource(codes, { corruption: opts.corruption }), {
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      seed: opts.seed + k,
      learningRate: opts.learningRate,
      loss: reconstructionLoss,
      label: `${label} · layer ${k}/${dense.length}`,
      progress: opts.progress,
      signal: opts.signal,
      onLog: opts.onLog &&
        ((p) => opts.onLog!({ ...p, epoch: p.epoch + (k - 1) * opts.epochs, layer: k })),
    });
    decoders.push(decoder);
    stages.push(history);
  }
  return { decoders, stages };
}

/** Options of {@link buildStackedAutoencoder}. */
export interface StackedAutoencoderOptions {
  /** Seed of the decoders' initialisation. */
  seed: number;
  name?: string;
}

/**
 * The whole stack plus mirrored decoders as one autoencoder, to be trained end to end:
 * [batch, 28, 28, 1] → codes of the last layer → decoder L (sigmoid) → … → decoder 1 → pixel
 * logits [batch, 784]. `decoders` are those layers, layer 1's first, as {@link trainGreedy}
 * returns them, so {@link stackReconstruct} treats both alike. Training it trains `stack` in place.
 */
export function buildStackedAutoencoder(
  stack: tf.LayersModel,
  opts: StackedAutoencoderOptions,
): { autoencoder: tf.LayersModel; decoders: tf.layers.Layer[] } {
  const sizes = inputSizes(stack, "buildStackedAutoencoder()");
  const rng = createRng(opts.seed + 32_452_843);
  const name = opts.name ?? `autoencoder_${decoderCount++}`;
  const decoders = sizes.map((units, k) =>
    decoderLayer(units, rng.fork(), `${name}_decoder${k + 1}`)
  );
  const input = tf.input({ shape: stack.inputs[0].shape.slice(1) as number[] });
  let x = stack.apply(input) as tf.SymbolicTensor;
  for (let k = decoders.length - 1; k >= 0; k--) {
    x = decoders[k].apply(x) as tf.SymbolicTensor;
    if (k > 0) x = tf.layers.activation({ activation: "sigmoid" }).apply(x) as tf.SymbolicTensor;
  }
  return { autoencoder: tf.model({ inputs: input, outputs: x, name }), decoders };
}

/**
 * Reconstructions of `images` through the first `depth` layers of `stack` and back down through
 * decoders depth..1 (sigmoid between them): pixels in 0..1, [n · 784] row-major.
 */
export async function stackReconstruct(
  stack: tf.LayersModel,
  decoders: tf.layers.Layer[],
  depth: number,
  images: Features,
): Promise<Float32Array> {
  if (!Number.isInteger(depth) || depth < 1 || depth > decoders.length) {
    throw new Error(
      `stackReconstruct(): depth must be 1..${decoders.length} (one decoder per trained layer), got ${depth}.`,
    );
  }
  const encoder = stackLayerFeatures(stack, depth);
  const shape = encoder.inputs[0].shape.slice(1) as number[];
  const out = tf.tidy(() => {
    let x = encoder.predict(tf.tensor(images.data, [images.n, ...shape])) as tf.Tensor;
    for (let k = depth - 1; k >= 0; k--) x = tf.sigmoid(decoders[k].apply(x) as tf.Tensor);
    return x;
  });
  return await readAndDispose(out) as Float32Array;
}

/** Mean squared error per pixel of {@link stackReconstruct} against the images (0..1). */
export async function stackReconstructionError(
  stack: tf.LayersModel,
  decoders: tf.layers.Layer[],
  depth: number,
  images: Features,
): Promise<number> {
  const pixels = await stackReconstruct(stack, decoders, depth, images);
  let sum = 0;
  for (let i = 0; i < pixels.length; i++) sum += (pixels[i] - images.data[i]) ** 2;
  return sum / pixels.length;
}
