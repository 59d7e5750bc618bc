/**
 * A small multilayer perceptron for regression on a table, trained through the suite's one fit
 * loop (`lib/train/fit.ts`) with a mean-squared-error loss. Targets are standardised for
 * training and mapped back for predictions, so the learning rate does not depend on their units.
 *
 * @example
 * ```ts ignore
 * import { fitMlpRegressor } from "./mlp_regressor.ts";
 * const mlp = await fitMlpRegressor(xTrain, yTrain, { hidden: [32], epochs: 200, seed: 0 });
 * const predictions = await mlp.predict(xTest); // Float64Array, in y's units
 * mlp.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { denseHead } from "../models/encoder.ts";
import { createRng } from "../random.ts";
import { type EpochRecord, fit, type LogPoint } from "../train/fit.ts";
import type { Points } from "./kmeans.ts";

/** Options of {@link fitMlpRegressor}. */
export interface MlpRegressorOptions {
  /** Seed of the initialisation and the batch order. */
  seed: number;
  /** Units of each hidden ReLU layer (default [32]). */
  hidden?: number[];
  /** Passes over the training rows (default 200). */
  epochs?: number;
  /** Rows per step (default 32). */
  batchSize?: number;
  /** Adam's learning rate (default 3e-3, cosine-decayed). */
  learningRate?: number;
  /** Progress label. */
  label?: string;
  /** Live progress (default false: these runs take seconds). */
  progress?: boolean;
  /** Training-curve callback (running means). */
  onLog?: (point: LogPoint) => void;
}

/** A trained regressor. */
export interface MlpRegressor {
  model: tf.LayersModel;
  history: EpochRecord[];
  /** Predictions in the targets' units. */
  predict(x: Points): Promise<Float64Array>;
  /** Frees the model's tensors. */
  dispose(): void;
}

let mlpCount = 0;

/** Trains an MLP regressor on the rows of `x` (standardise the columns first) and targets `y`. */
export async function fitMlpRegressor(
  x: Points,
  y: ArrayLike<number>,
  opts: MlpRegressorOptions,
): Promise<MlpRegressor> {
  if (y.length !== x.n) {
    throw new Error(`fitMlpRegressor(): x has ${x.n} rows but y has ${y.length} values.`);
  }
  const rng = createRng(opts.seed);
  const name = `mlp_regressor_${mlpCount++}`;
  const input = tf.input({ shape: [x.dim], name: `${name}_input` });
  const out = denseHead(input, { units: 1, hidden: opts.hidden ?? [32], rng, name });
  const model = tf.model({ inputs: input, outputs: out, name });

  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i] / y.length;
  let sd = 0;
  for (let i = 0; i < y.length; i++) sd += (y[i] - mean) ** 2 / y.length;
  sd = Math.sqrt(sd) || 1;
  const xs = Float32Array.from(x.data as ArrayLike<number>);
  const ys = Float32Array.from(y as ArrayLike<number>, (v) => (v - mean) / sd);
  const source = {
    size: x.n,
    batch(positions: Int32Array) {
      const bx = new Float32Array(positions.length * x.dim);
      positions.forEach((p, i) => bx.set(xs.subarray(p * x.dim, (p + 1) * x.dim), i * x.dim));
      return {
        x: tf.tensor2d(bx, [positions.length, x.dim]),
        y: tf.tensor2d(Float32Array.from(positions, (p) => ys[p]), [positions.length, 1]),
      };
    },
  };
  const history = await fit(model, source, {
    epochs: opts.epochs ?? 200,
    batchSize: opts.batchSize ?? 32,
    seed: rng.fork(),
    learningRate: opts.learningRate ?? 3e-3,
    cosine: true,
    loss: (output, target) => tf.losses.meanSquaredError(target, output) as tf.Scalar,
    label: opts.label ?? "MLP regressor",
    progress: opts.progress ?? false,
    onLog: opts.onLog,
  });
  return {
    model,
    history,
    async predict(points: Points): Promise<Float64Array> {
      if (points.dim !== x.dim) {
        throw new Error(
          `MlpRegressor.predict(): trained on ${x.dim} columns, given ${points.dim}.`,
        );
      }
      const z = await readAndDispose(tf.tidy(() =>
        model.predict(
          tf.tensor2d(Float32Array.from(points.data as ArrayLike<number>), [points.n, points.dim]),
        ) as tf.Tensor
      ));
      return Float64Array.from(z, (v) => v * sd + mean);
    },
    dispose: () => model.dispose(),
  };
}
