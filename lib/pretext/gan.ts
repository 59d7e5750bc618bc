/**
 * Training a GAN: two players, two losses, two optimizers — which the suite's `fit` (one model,
 * one loss) cannot do, so this is its own loop, built like `fit`: seeded batches and noise, a
 * live progress line, a NaN/Inf guard, a curve of running means and no tensor leak.
 *
 * Each step (Goodfellow et al. 2014, with the DCGAN recipe of Radford et al. 2016):
 * 1. discriminator D: minimise BCE(D(x), r) + BCE(D(G(z)), 0) on a real batch x and a fake batch
 *    G(z) (separate batches, so batch norm never mixes them), with r = 0.9 — one-sided label
 *    smoothing (Salimans et al. 2016) keeps D from growing over-confident on real images;
 * 2. generator G: minimise BCE(D(G(z)), 1), the non-saturating loss, on the same z.
 * Both with Adam, learning rate 2e-4 and β₁ = 0.5 (the DCGAN paper's values).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { Features } from "../eval/features.ts";
import { createRng, type Rng } from "../random.ts";
import { type ProgressDisplay, progressDisplay } from "../show/mod.ts";
import { FitInterrupted } from "../train/fit.ts";

/** Standard normal noise [n, dim], drawn from `rng` (seeded: the same rng state, the same z). */
export function noiseBatch(n: number, dim: number, rng: Rng): tf.Tensor2D {
  const values = new Float32Array(n * dim);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return tf.tensor2d(values, [n, dim]);
}

/** A point of the GAN's curves: means over the steps since the previous point. */
export interface GanLogPoint {
  step: number;
  /** Fractional passes over the real images. */
  epoch: number;
  /** BCE(D(x), r) + BCE(D(G(z)), 0). */
  discriminatorLoss: number;
  /** BCE(D(G(z)), 1), the non-saturating generator loss. */
  generatorLoss: number;
  /** Mean D(x): the probability D gives real images. */
  realScore: number;
  /** Mean D(G(z)) before the generator's step. */
  fakeScore: number;
}

/** What {@link trainGan} returns. */
export interface GanHistory {
  points: GanLogPoint[];
  steps: number;
  seconds: number;
  /** Real images per second (each also costs a fake one and the generator's step). */
  imagesPerSecond: number;
}

/** Options of {@link trainGan}. */
export interface GanOptions {
  steps: number;
  batchSize: number;
  /** Seed of the batch order and of the noise. */
  seed: number;
  /** Adam's learning rate of both players (default 2e-4). */
  learningRate?: number;
  /** Adam's β₁ (default 0.5). */
  beta1?: number;
  /** Target of real images in D's loss (default 0.9: one-sided label smoothing; 1 = none). */
  realTarget?: number;
  /** Shown in the progress line and in errors. */
  label?: string;
  /** Live progress: true (default) opens a display; false shows none; a display is reused. */
  progress?: boolean | ProgressDisplay;
  /** Steps between curve points (default 10). */
  logEvery?: number;
  onLog?: (point: GanLogPoint) => void;
  /** Steps after which to call `onCheckpoint` (0 = before training), e.g. for sample grids. */
  checkpoints?: number[];
  onCheckpoint?: (step: number) => void | Promise<void>;
  /**
   * The players' optimizers, owned by the caller (kept across calls, e.g. one call per epoch of a
   * long run whose Adam moments are stored); default: two fresh Adams, disposed at the end.
   */
  optimizers?: { discriminator: tf.Optimizer; generator: tf.Optimizer };
  /** Stops after the current step: throws `FitInterrupted` with the steps done (none saved here). */
  signal?: AbortSignal;
  /**
   * Steps already trained by an interrupted call with the same seed: their batches and noise are
   * drawn again without training, so the rest continues exactly where it stopped (default 0).
   */
  skipSteps?: number;
}

function checkOptions(opts: GanOptions, real: Features, noiseDim: number): void {
  const where = `trainGan(${opts.label ?? "gan"})`;
  for (const key of ["steps", "batchSize"] as const) {
    if (!Number.isInteger(opts[key]) || opts[key] < 1) {
      throw new Error(`${where}: ${key} must be a positive integer, got ${opts[key]}.`);
    }
  }
  if (real.n < 1) throw new Error(`${where}: no real images (n = ${real.n}).`);
  const realTarget = opts.realTarget ?? 0.9;
  if (!(realTarget > 0.5 && realTarget <= 1)) {
    throw new Error(
      `${where}: realTarget must be in (0.5, 1] (0.9 smooths, 1 does not), got ${realTarget}.`,
    );
  }
  if (!(noiseDim > 0)) throw new Error(`${where}: the generator's input must be [noiseDim].`);
}

/** variableGrads' {name: gradient} map as the list applyGradients is typed to take. */
const named = (grads: Record<string, tf.Tensor>): { name: string; tensor: tf.Tensor }[] =>
  Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));

const bce = (target: number, logits: tf.Tensor): tf.Scalar =>
  tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, target), logits) as tf.Scalar;

/**
 * Trains `generator` (z → images) against `discriminator` (images → one logit) on the real images
 * `real` (rows of pixels in 0..1, reshaped to the discriminator's input), in place, for
 * `opts.steps` steps. Throws — naming the run and the step — when a loss becomes NaN or infinite.
 */
export async function trainGan(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  real: Features,
  opts: GanOptions,
): Promise<GanHistory> {
  const noiseDim = generator.inputs[0].shape[1] as number;
  checkOptions(opts, real, noiseDim);
  const label = opts.label ?? "GAN";
  const imageShape = discriminator.inputs[0].shape.slice(1) as number[];
  if (imageShape.reduce((a, b) => a * b, 1) !== real.dim) {
    throw new Error(
      `trainGan(${label}): the real images have ${real.dim} values, the discriminator takes ` +
        `[${imageShape.join(", ")}]; pass pixel rows of that size.`,
    );
  }
  const realTarget = opts.realTarget ?? 0.9;
  const lr = opts.learningRate ?? 2e-4, beta1 = opts.beta1 ?? 0.5;
  const dOptimizer = opts.optimizers?.discriminator ?? tf.train.adam(lr, beta1);
  const gOptimizer = opts.optimizers?.generator ?? tf.train.adam(lr, beta1);
  const skip = opts.skipSteps ?? 0;
  if (!(Number.isInteger(skip) && skip >= 0 && skip < opts.steps)) {
    throw new Error(
      `trainGan(${label}): skipSteps must be a whole number in 0..${opts.steps - 1}, got ${skip}.`,
    );
  }
  const variables = (m: tf.LayersModel) =>
    m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const dVars = variables(discriminator), gVars = variables(generator);
  const rng = createRng(opts.seed);
  const order = Int32Array.from({ length: real.n }, (_, i) => i);
  let cursor = real.n;
  const batch = Math.min(opts.batchSize, real.n);
  const nextReal = (): tf.Tensor => {
    const rows = new Float32Array(batch * real.dim);
    for (let i = 0; i < batch; i++) {
      if (cursor >= real.n) rng.shuffle(order), cursor = 0;
      const at = order[cursor++] * real.dim;
      rows.set(real.data.subarray(at, at + real.dim), i * real.dim);
    }
    return tf.tensor(rows, [batch, ...imageShape]);
  };
  const ownDisplay = opts.progress === undefined || opts.progress === true;
  const progress = opts.progress === false
    ? null
    : ownDisplay
    ? progressDisplay()
    : opts.progress as ProgressDisplay;
  const checkpoints = new Set(opts.checkpoints ?? []);
  const logEvery = opts.logEvery ?? 10;
  const points: GanLogPoint[] = [];
  let sums = [0, 0, 0, 0], counted = 0, lastShown = 0;
  const started = performance.now();

  try {
    if (checkpoints.has(0)) await opts.onCheckpoint?.(0);
    for (let step = 1; step <= skip; step++) {
      tf.dispose([nextReal(), noiseBatch(batch, noiseDim, rng)]);
    }
    for (let step = skip + 1; step <= opts.steps; step++) {
      const x = nextReal();
      const z = noiseBatch(batch, noiseDim, rng);
      let realScore: tf.Tensor | null = null, fakeScore: tf.Tensor | null = null;
      const stats = tf.tidy(() => {
        const fake = generator.apply(z, { training: true }) as tf.Tensor; // constant for D's step
        const d = tf.variableGrads(() => {
          const realLogits = discriminator.apply(x, { training: true }) as tf.Tensor;
          const fakeLogits = discriminator.apply(fake, { training: true }) as tf.Tensor;
          // kept: variableGrads disposes every other intermediate tensor
          realScore = tf.keep(tf.mean(tf.sigmoid(realLogits)));
          fakeScore = tf.keep(tf.mean(tf.sigmoid(fakeLogits)));
          return tf.add(bce(realTarget, realLogits), bce(0, fakeLogits)) as tf.Scalar;
        }, dVars);
        dOptimizer.applyGradients(named(d.grads));
        const g = tf.variableGrads(() => {
          const images = generator.apply(z, { training: true }) as tf.Tensor;
          return bce(1, discriminator.apply(images, { training: true }) as tf.Tensor);
        }, gVars);
        gOptimizer.applyGradients(named(g.grads));
        return tf.stack([d.value, g.value, realScore!, fakeScore!]);
      });
      tf.dispose([x, z, realScore!, fakeScore!]); // the kept scores too
      const values = await readAndDispose(stats);
      for (let i = 0; i < 4; i++) sums[i] += values[i];
      counted++;
      if (!Number.isFinite(values[0]) || !Number.isFinite(values[1])) {
        throw new Error(
          `trainGan(${label}): the losses became D ${values[0]}, G ${values[1]} at step ${step}. ` +
            `Lower learningRate (now ${lr}) or check the images for NaN/Inf; no results were written.`,
        );
      }
      const epoch = (step * batch) / real.n;
      if (step % logEvery === 0 || step === opts.steps) {
        const point: GanLogPoint = {
          step,
          epoch,
          discriminatorLoss: sums[0] / counted,
          generatorLoss: sums[1] / counted,
          realScore: sums[2] / counted,
          fakeScore: sums[3] / counted,
        };
        points.push(point);
        opts.onLog?.(point);
        sums = [0, 0, 0, 0], counted = 0;
      }
      const now = performance.now();
      if (progress && (now - lastShown > 250 || step === opts.steps)) {
        lastShown = now;
        const rate = ((step - skip) * batch) / ((now - started) / 1000);
        progress.update(
          `${label} · step ${step}/${opts.steps} · epoch ${epoch.toFixed(2)} · D loss ${
            values[0].toFixed(3)
          } · G loss ${values[1].toFixed(3)} · D(x) ${values[2].toFixed(2)} · D(G(z)) ${
            values[3].toFixed(2)
          } · ${rate.toFixed(0)} img/s`,
        );
        await new Promise((resolve) => setTimeout(resolve, 0)); // let the kernel send displays
      }
      if (checkpoints.has(step)) await opts.onCheckpoint?.(step);
      if (opts.signal?.aborted && step < opts.steps) throw new FitInterrupted(1, step, label);
    }
  } finally {
    if (ownDisplay) progress?.done();
    if (!opts.optimizers) {
      dOptimizer.dispose();
      gOptimizer.dispose();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const trained = (opts.steps - skip) * batch;
  return { points, steps: opts.steps, seconds, imagesPerSecond: trained / seconds };
}

/** The generator's images for the noise `z` [n, noiseDim] (inference mode): n rows of pixels. */
export async function generateImages(
  generator: tf.LayersModel,
  z: tf.Tensor,
): Promise<Float32Array[]> {
  const out = tf.tidy(() => generator.predict(z) as tf.Tensor);
  const [n, ...shape] = out.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const data = await readAndDispose(out) as Float32Array;
  return Array.from({ length: n }, (_, i) => data.slice(i * size, (i + 1) * size));
}

/**
 * Re-estimates the moving statistics of `model`'s batch-norm layers on `images` alone (forward
 * passes in training mode, no weight update): after a GAN, the discriminator's statistics mix
 * real and fake batches, while its features will be read on real images. With momentum 0.9,
 * 50 batches leave 0.9⁵⁰ ≈ 0.5 % of the old statistics.
 */
export async function recalibrateBatchNorm(
  model: tf.LayersModel,
  images: Features,
  opts: { batches?: number; batchSize?: number; seed: number },
): Promise<void> {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const batches = opts.batches ?? 50, batchSize = Math.min(opts.batchSize ?? 128, images.n);
  const rng = createRng(opts.seed);
  const order = Int32Array.from({ length: images.n }, (_, i) => i);
  let cursor = images.n;
  for (let b = 0; b < batches; b++) {
    const rows = new Float32Array(batchSize * images.dim);
    for (let i = 0; i < batchSize; i++) {
      if (cursor >= images.n) rng.shuffle(order), cursor = 0; // passes in shuffled order
      const at = order[cursor++] * images.dim;
      rows.set(images.data.subarray(at, at + images.dim), i * images.dim);
    }
    tf.tidy(() => {
      model.apply(tf.tensor(rows, [batchSize, ...shape]), { training: true });
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
