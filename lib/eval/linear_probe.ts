/**
 * The linear probe: multinomial logistic regression on frozen (by default standardised) features, fitted to
 * convergence with L-BFGS from zero weights, so the same data always gives the same probe.
 * Objective (scikit-learn's, divided by C·n): mean cross-entropy + ‖W‖² / (2·C·n).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { yieldToEventLoop } from "../_yield.ts";
import { type Features, featureStats, standardize } from "./features.ts";

/** Options of {@link trainLinearProbe}. */
export interface LinearProbeOptions {
  numClasses?: number;
  /** Inverse L2 strength, as scikit-learn's C (default 1). */
  c?: number;
  /** L-BFGS iterations at most (default 300). */
  maxIterations?: number;
  /** Stop when the gradient's max-norm falls below this (default 1e-5). */
  tolerance?: number;
  /**
   * Standardise each feature (zero mean, unit variance on the training rows) before fitting
   * (default true). False fits the raw features, keeping e.g. PCA's variance ordering.
   */
  standardize?: boolean;
  /**
   * Starting parameters (a previous probe's `theta` on the same features and classes, e.g. at a
   * neighbouring C: a warm start along a regularisation path); default zeros.
   */
  start?: Float64Array;
}

/** A fitted probe. */
export interface LinearProbe {
  dim: number;
  numClasses: number;
  iterations: number;
  finalLoss: number;
  /** The fitted parameters [W (dim×k) row-major, b (k)], e.g. to warm-start another fit. */
  theta: Float64Array;
  /** Predicted classes for each row of `features` (raw, unstandardised). */
  predict(features: Features): Promise<Int32Array>;
}

function checkInputs(features: Features, labels: ArrayLike<number>, numClasses: number): void {
  if (features.n !== labels.length) {
    throw new Error(
      `trainLinearProbe(): ${features.n} feature rows but ${labels.length} labels; pass one label per row.`,
    );
  }
  if (features.n === 0) throw new Error("trainLinearProbe(): no training rows.");
  for (let i = 0; i < features.data.length; i++) {
    if (!Number.isFinite(features.data[i])) {
      throw new Error(
        `trainLinearProbe(): feature value ${features.data[i]} at row ${
          Math.floor(i / features.dim)
        } is not finite; the encoder produced NaN/Inf.`,
      );
    }
  }
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] >= 0 && labels[i] < numClasses)) {
      throw new Error(
        `trainLinearProbe(): label ${labels[i]} at row ${i} is outside 0..${numClasses - 1}.`,
      );
    }
  }
}

/** Fits the probe on `features` (rows) and `labels` (yielding to the event loop as it goes). */
export async function trainLinearProbe(
  features: Features,
  labels: ArrayLike<number>,
  opts: LinearProbeOptions = {},
): Promise<LinearProbe> {
  const numClasses = opts.numClasses ?? 10;
  checkInputs(features, labels, numClasses);
  const { n, dim } = features;
  const k = numClasses;
  const lambda = 1 / ((opts.c ?? 1) * n);
  const stats = opts.standardize === false ? null : featureStats(features);
  const z = stats ? standardize(features, stats) : features;
  const x = tf.tensor2d(z.data, [n, dim]);
  // Transposed once: tfjs-wasm's matMul with transposeA/B is ~15× slower than on a transposed copy.
  const xT = tf.transpose(x); // [dim, n]
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(labels), "int32"), k).toFloat();

  // θ = [W (dim×k) row-major, b (k)]; returns loss and gradient.
  const evaluate = async (theta: Float64Array): Promise<{ f: number; g: Float64Array }> => {
    const [f, gw, gb] = tf.tidy(() => {
      const w = tf.tensor2d(Float32Array.from(theta.subarray(0, dim * k)), [dim, k]);
      const b = tf.tensor1d(Float32Array.from(theta.subarray(dim * k)));
      const logits = tf.add(tf.matMul(x, w), b); // [n, k]
      const lse = tf.logSumExp(logits, 1); // [n]
      const ce = tf.mean(tf.sub(lse, tf.sum(tf.mul(y, logits), 1)));
      const loss = tf.add(ce, tf.mul(0.5 * lambda, tf.sum(tf.square(w))));
      const diff = tf.div(tf.sub(tf.softmax(logits), y), n); // [n, k]
      const gradW = tf.add(tf.matMul(xT, diff), tf.mul(lambda, w));
      return [loss, gradW, tf.sum(diff, 0)];
    });
    const g = new Float64Array(theta.length);
    g.set(await gw.data());
    g.set(await gb.data(), dim * k);
    const value = (await f.data())[0];
    tf.dispose([f, gw, gb]);
    return { f: value, g };
  };

  const size = (dim + 1) * k;
  if (opts.start && opts.start.length !== size) {
    throw new Error(
      `trainLinearProbe(): start has ${opts.start.length} values; ${dim} features × ${k} classes ` +
        `need ${size} (pass the theta of a probe on the same features).`,
    );
  }
  const { theta, iterations, loss } = await lbfgs(evaluate, opts.start ?? new Float64Array(size), {
    maxIterations: opts.maxIterations ?? 300,
    tolerance: opts.tolerance ?? 1e-5,
  });
  tf.dispose([x, xT, y]);
  const weights = Float32Array.from(theta.subarray(0, dim * k));
  const bias = Float32Array.from(theta.subarray(dim * k));

  return {
    dim,
    numClasses: k,
    iterations,
    finalLoss: loss,
    theta,
    async predict(test: Features): Promise<Int32Array> {
      if (test.dim !== dim) {
        throw new Error(`LinearProbe.predict(): features have dim ${test.dim}, the probe ${dim}.`);
      }
      const zt = stats ? standardize(test, stats) : test;
      return await readAndDispose(tf.tidy(() => {
        const logits = tf.add(
          tf.matMul(tf.tensor2d(zt.data, [test.n, dim]), tf.tensor2d(weights, [dim, k])),
          tf.tensor1d(bias),
        );
        return tf.argMax(logits, 1);
      })) as Int32Array;
    },
  };
}

/**
 * Limited-memory BFGS (two-loop recursion, memory 10) with a backtracking Armijo line search.
 * Yields to the event loop between iterations, so workers and displays are served meanwhile.
 */
export async function lbfgs(
  evaluate: (theta: Float64Array) => Promise<{ f: number; g: Float64Array }>,
  start: Float64Array,
  opts: { maxIterations: number; tolerance: number; memory?: number },
): Promise<{ theta: Float64Array; iterations: number; loss: number }> {
  const m = opts.memory ?? 10;
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  let theta = Float64Array.from(start);
  let { f, g } = await evaluate(theta);
  const sList: Float64Array[] = [], yList: Float64Array[] = [], rho: number[] = [];
  let it = 0;
  for (; it < opts.maxIterations; it++) {
    await yieldToEventLoop();
    let gmax = 0;
    for (let i = 0; i < g.length; i++) gmax = Math.max(gmax, Math.abs(g[i]));
    if (gmax < opts.tolerance) break;
    // Two-loop recursion: d = -H g.
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let j = sList.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(sList[j], q);
      for (let i = 0; i < q.length; i++) q[i] -= alpha[j] * yList[j][i];
    }
    const last = sList.length - 1;
    const gamma = last >= 0 ? dot(sList[last], yList[last]) / dot(yList[last], yList[last]) : 1 /
      Math.max(Math.sqrt(dot(g, g)), 1e-12);
    for (let i = 0; i < q.length; i++) q[i] *= gamma;
    for (let j = 0; j < sList.length; j++) {
      const beta = rho[j] * dot(yList[j], q);
      for (let i = 0; i < q.length; i++) q[i] += sList[j][i] * (alpha[j] - beta);
    }
    const d = q.map((v) => -v);
    let slope = dot(g, d);
    if (slope >= 0) { // not a descent direction: restart from steepest descent
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < d.length; i++) d[i] = -g[i];
      slope = -dot(g, g);
    }
    let step = 1;
    let next = theta, fNext = f, gNext = g;
    for (let tries = 0; tries < 30; tries++) {
      next = theta.map((v, i) => v + step * d[i]);
      ({ f: fNext, g: gNext } = await evaluate(next));
      if (Number.isFinite(fNext) && fNext <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext < f)) break; // no progress possible: converged to machine precision
    const s = next.map((v, i) => v - theta[i]);
    const yv = gNext.map((v, i) => v - g[i]);
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      sList.push(s);
      yList.push(yv);
      rho.push(1 / sy);
      if (sList.length > m) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
    }
    theta = next;
    f = fNext;
    g = gNext;
  }
  return { theta, iterations: it, loss: f };
}

/** Fraction of `predicted` equal to `labels`. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length) {
    throw new Error(`accuracy(): ${predicted.length} predictions but ${labels.length} labels.`);
  }
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return labels.length ? right / labels.length : 0;
}
