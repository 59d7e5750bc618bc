/**
 * The one training loop of the suite: pretext tasks, supervised baselines and fine-tuning all go
 * through {@link fit}. Adam, shuffled mini-batches from a seeded generator, loss/accuracy history,
 * a live progress line, a NaN/Inf guard, and no tensor leak (tensor count is flat across epochs).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng, type Rng } from "../random.ts";
import { type ProgressDisplay, progressDisplay } from "../show/mod.ts";

/** Where batches come from: `size` examples, materialised per batch (images stay uint8). */
export interface BatchSource {
  /** Number of examples in one epoch. */
  size: number;
  /**
   * Builds the batch for these example positions (0..size-1). `x` is the model input, `y` the
   * target: int32 class ids for the default loss. {@link fit} disposes both.
   */
  batch(positions: Int32Array, rng: Rng): { x: tf.Tensor; y: tf.Tensor };
}

/** A loss on the model output and the target: a scalar tensor. */
export type LossFn = (output: tf.Tensor, target: tf.Tensor) => tf.Scalar;

/** Options of {@link fit}. */
export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Seed of the data order (and anything the batch source draws). */
  seed: number;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Adam's β1 (default 0.9). */
  beta1?: number;
  /** Cosine decay of the learning rate to 0 over the run (default false). */
  cosine?: boolean;
  /** Default: softmax cross-entropy on logits against int32 class ids. */
  loss?: LossFn;
  /** Record accuracy (argmax of output vs class ids). Default: true with the default loss. */
  accuracy?: boolean;
  /** Batches per epoch (default: size / batchSize, rounded up). */
  stepsPerEpoch?: number;
  /** Shown in the progress line and in errors. */
  label?: string;
  /** Live progress: true (default) opens a display; false shows none; a display is reused. */
  progress?: boolean | ProgressDisplay;
  /** Called every `logEvery` steps with the running means since the last call (curves). */
  onLog?: (point: LogPoint) => void;
  /** Steps between `onLog` calls (default 10). */
  logEvery?: number;
  /**
   * Called after each epoch with its history entry; returning `"stop"` ends training there (early
   * stopping), the epochs run so far being the history.
   */
  onEpochEnd?: (entry: EpochRecord) => void | "stop" | Promise<void | "stop">;
  /**
   * An Adam optimizer to continue (long, resumable runs: its moments carry over between calls):
   * used instead of a fresh one, and not disposed. `learningRate` and `beta1` are then unused,
   * except that `cosine` or `learningRateAt` still set its rate.
   */
  optimizer?: tf.AdamOptimizer;
  /** The learning rate of each step (0-based within this call); overrides `cosine`. */
  learningRateAt?: (step: number) => number;
  /**
   * Steps of the first epoch to pass over without training: their batches are drawn (and
   * dropped) so that the data order and every random draw continue exactly as in an
   * uninterrupted run. Resuming a run stopped mid-epoch. Default 0.
   */
  skipSteps?: number;
  /**
   * Stops training after the current step once aborted: {@link fit} then throws a
   * {@link FitInterrupted} that says where it stopped (so the caller can save and resume).
   */
  signal?: AbortSignal;
}

/** Thrown by {@link fit} when its `signal` aborts: training stopped after `epoch`'s `step`. */
export class FitInterrupted extends Error {
  constructor(readonly epoch: number, readonly step: number, label: string) {
    super(`fit(${label}): interrupted after step ${step} of epoch ${epoch}.`);
    this.name = "FitInterrupted";
  }
}

/** A point of a training curve: running means over the last `logEvery` steps. */
export interface LogPoint {
  /** Fractional epoch (1.5 = half-way through epoch 2). */
  epoch: number;
  step: number;
  loss: number;
  accuracy?: number;
}

/** One epoch of history. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy?: number;
  seconds: number;
  examplesPerSecond: number;
}

/** Softmax cross-entropy of logits [batch, classes] against int32 class ids [batch]. */
export function sparseCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const oneHot = tf.oneHot(labels.toInt(), logits.shape[logits.shape.length - 1]!);
  return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
}

function checkOptions(opts: FitOptions, size: number): void {
  const where = `fit(${opts.label ?? "model"})`;
  for (const key of ["epochs", "batchSize"] as const) {
    const v = opts[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`${where}: ${key} must be a positive integer, got ${v}.`);
    }
  }
  if (!(size > 0)) throw new Error(`${where}: the batch source is empty (size ${size}).`);
  const lr = opts.learningRate ?? 1e-3;
  if (!(lr > 0 && Number.isFinite(lr))) {
    throw new Error(`${where}: learningRate must be a positive number, got ${lr}.`);
  }
}

/**
 * Trains `model` on `source` and returns the per-epoch history. BatchNorm layers run in training
 * mode (batch statistics, moving averages updated). Throws — naming the run, the epoch and the
 * step — as soon as the loss becomes NaN or infinite.
 */
export async function fit(
  model: tf.LayersModel,
  source: BatchSource,
  opts: FitOptions,
): Promise<EpochRecord[]> {
  checkOptions(opts, source.size);
  const label = opts.label ?? model.name;
  const lossFn = opts.loss ?? sparseCrossEntropy;
  const withAccuracy = opts.accuracy ?? !opts.loss;
  const steps = opts.stepsPerEpoch ?? Math.ceil(source.size / opts.batchSize);
  const baseLr = opts.learningRate ?? 1e-3;
  const optimizer = opts.optimizer ?? tf.train.adam(baseLr, opts.beta1 ?? 0.9);
  const setRate = (rate: number) =>
    (optimizer as unknown as { learningRate: number }).learningRate = rate;
  const skip = opts.skipSteps ?? 0;
  if (!(Number.isInteger(skip) && skip >= 0 && skip < steps)) {
    throw new Error(
      `fit(${opts.label ?? "model"}): skipSteps must be an integer in 0..${steps - 1} (the steps ` +
        `of one epoch), got ${skip}.`,
    );
  }
  const rng = createRng(opts.seed);
  const order = Int32Array.from({ length: source.size }, (_, i) => i);
  let cursor = source.size; // forces a shuffle at the first batch
  const ownDisplay = opts.progress === undefined || opts.progress === true;
  const progress: ProgressDisplay | null = opts.progress === false
    ? null
    : ownDisplay
    ? progressDisplay()
    : opts.progress as ProgressDisplay;
  const history: EpochRecord[] = [];
  const totalSteps = steps * opts.epochs;
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);

  const nextPositions = (): Int32Array => {
    const out = new Int32Array(Math.min(opts.batchSize, source.size));
    for (let i = 0; i < out.length; i++) {
      if (cursor >= source.size) {
        rng.shuffle(order);
        cursor = 0;
      }
      out[i] = order[cursor++];
    }
    return out;
  };
  const guard = (value: number, epoch: number, step: number): void => {
    if (!Number.isFinite(value)) {
      throw new Error(
        `fit(${label}): the loss became ${value} at epoch ${epoch}, step ${step}. ` +
          `Lower learningRate (now ${baseLr}) or check the inputs for NaN/Inf; no results were written.`,
      );
    }
  };

  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const started = performance.now();
      let lossSum = tf.scalar(0);
      let correct = tf.scalar(0);
      let seen = 0;
      let lastShown = 0;
      let logged = { loss: 0, correct: 0, seen: 0 };
      for (let step = 1; step <= steps; step++) {
        if (epoch === 1 && step <= skip) { // resuming mid-epoch: replay the draws, train nothing
          tf.dispose(Object.values(source.batch(nextPositions(), rng)));
          continue;
        }
        const at = (epoch - 1) * steps + step - 1;
        if (opts.learningRateAt) setRate(opts.learningRateAt(at));
        else if (opts.cosine) setRate(baseLr * 0.5 * (1 + Math.cos(Math.PI * at / totalSteps)));
        const { x, y } = source.batch(nextPositions(), rng);
        let right: tf.Scalar | null = null;
        const [newLoss, newCorrect] = tf.tidy(() => {
          const loss = optimizer.minimize(
            () => {
              const output = model.apply(x, { training: true }) as tf.Tensor;
              if (withAccuracy) { // kept: minimize() disposes every other intermediate tensor
                right = tf.keep(
                  tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), y.toInt()), "float32")),
                );
              }
              return lossFn(output, y);
            },
            true,
            vars,
          ) as tf.Scalar;
          return [
            tf.add(lossSum, tf.mul(loss, x.shape[0])),
            right ? tf.add(correct, right) : tf.clone(correct),
          ];
        });
        if (right) (right as tf.Scalar).dispose();
        tf.dispose([x, y, lossSum, correct]);
        lossSum = newLoss as tf.Scalar;
        correct = newCorrect as tf.Scalar;
        seen += x.shape[0];
        if (opts.onLog && (step % (opts.logEvery ?? 10) === 0 || step === steps)) {
          const now = { loss: (await lossSum.data())[0], correct: (await correct.data())[0], seen };
          const count = now.seen - logged.seen;
          const point: LogPoint = {
            epoch: epoch - 1 + step / steps,
            step: (epoch - 1) * steps + step,
            loss: (now.loss - logged.loss) / count,
          };
          if (withAccuracy) point.accuracy = (now.correct - logged.correct) / count;
          guard(point.loss, epoch, step);
          opts.onLog(point);
          logged = now;
        }
        const now = performance.now();
        if (progress && (now - lastShown > 250 || step === steps)) {
          lastShown = now;
          const meanLoss = (await lossSum.data())[0] / seen;
          guard(meanLoss, epoch, step);
          const acc = withAccuracy
            ? ` acc ${((await correct.data())[0] / seen * 100).toFixed(1)}%`
            : "";
          const rate = seen / ((now - started) / 1000);
          progress.update(
            `${label} · epoch ${epoch}/${opts.epochs} · step ${step}/${steps} · loss ${
              meanLoss.toFixed(4)
            }${acc} · ${rate.toFixed(0)} ex/s`,
          );
          await new Promise((resolve) => setTimeout(resolve, 0)); // let the kernel send displays
        }
        if (opts.signal?.aborted) {
          tf.dispose([lossSum, correct]);
          throw new FitInterrupted(epoch, step, label);
        }
      }
      const loss = (await lossSum.data())[0] / seen;
      const accuracy = withAccuracy ? (await correct.data())[0] / seen : undefined;
      tf.dispose([lossSum, correct]);
      guard(loss, epoch, steps);
      const seconds = (performance.now() - started) / 1000;
      const entry: EpochRecord = { epoch, loss, seconds, examplesPerSecond: seen / seconds };
      if (accuracy !== undefined) entry.accuracy = accuracy;
      history.push(entry);
      if ((await opts.onEpochEnd?.(entry)) === "stop") break;
    }
  } finally {
    if (ownDisplay) progress?.done();
    if (!opts.optimizer) optimizer.dispose();
  }
  return history;
}
