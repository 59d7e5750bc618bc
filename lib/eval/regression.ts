/**
 * Linear regression (least squares with an intercept and an optional ridge penalty, solved
 * exactly through the normal equations) and the regression scores RMSE and R². Plain
 * TypeScript, deterministic; meant for small tables such as Boston house prices.
 *
 * @example
 * ```ts
 * import { fitLinearRegression, rmse } from "./regression.ts";
 * const x = { data: Float64Array.of(0, 1, 2, 3), n: 4, dim: 1 };
 * const y = Float64Array.of(1, 3, 5, 7); // y = 2x + 1
 * const model = fitLinearRegression(x, y);
 * if (rmse(model.predict(x), y) > 1e-9) throw new Error();
 * ```
 * @module
 */
import type { Points } from "./kmeans.ts";

/** A fitted linear model y ≈ x·weights + intercept. */
export interface LinearRegression {
  weights: Float64Array;
  intercept: number;
  /** Predictions for the rows of `x` (same columns as the training matrix). */
  predict(x: Points): Float64Array;
}

/** Options of {@link fitLinearRegression}. */
export interface LinearRegressionOptions {
  /** L2 penalty on the weights (not the intercept); 0 = ordinary least squares. Default 0. */
  ridge?: number;
}

/** Solves the symmetric positive definite system a·x = b in place (Cholesky); null if singular. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 1e-12 * Math.max(1, Math.abs(a[i * n + i])))) return null;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/**
 * Fits y ≈ x·w + b by least squares on centred data (so the intercept is not penalised).
 *
 * @throws Error when the shapes disagree, or when the columns are collinear and `ridge` is 0
 *   (the fix: drop a column or pass a small `ridge`).
 */
export function fitLinearRegression(
  x: Points,
  y: ArrayLike<number>,
  opts: LinearRegressionOptions = {},
): LinearRegression {
  const { n, dim, data } = x;
  if (y.length !== n) {
    throw new Error(`fitLinearRegression(): x has ${n} rows but y has ${y.length} values.`);
  }
  if (n < 2) throw new Error(`fitLinearRegression(): needs at least 2 rows, got ${n}.`);
  const ridge = opts.ridge ?? 0;
  const meanX = new Float64Array(dim);
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanY += y[i] / n;
    for (let d = 0; d < dim; d++) meanX[d] += data[i * dim + d] / n;
  }
  const gram = new Float64Array(dim * dim), xty = new Float64Array(dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) row[d] = data[i * dim + d] - meanX[d];
    const yc = y[i] - meanY;
    for (let a = 0; a < dim; a++) {
      xty[a] += row[a] * yc;
      for (let b = 0; b <= a; b++) gram[a * dim + b] += row[a] * row[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    gram[a * dim + a] += ridge;
    for (let b = 0; b < a; b++) gram[b * dim + a] = gram[a * dim + b];
  }
  const weights = choleskySolve(gram, xty, dim);
  if (!weights) {
    throw new Error(
      "fitLinearRegression(): the columns are collinear (X'X is singular); drop a redundant " +
        "column (e.g. one level of a one-hot group) or pass { ridge: 1e-6 }.",
    );
  }
  let intercept = meanY;
  for (let d = 0; d < dim; d++) intercept -= weights[d] * meanX[d];
  return {
    weights,
    intercept,
    predict(points: Points): Float64Array {
      if (points.dim !== dim) {
        throw new Error(
          `LinearRegression.predict(): fitted on ${dim} columns, given ${points.dim}.`,
        );
      }
      const out = new Float64Array(points.n);
      for (let i = 0; i < points.n; i++) {
        let s = intercept;
        for (let d = 0; d < dim; d++) s += weights[d] * points.data[i * dim + d];
        out[i] = s;
      }
      return out;
    },
  };
}

function checkPair(predicted: ArrayLike<number>, actual: ArrayLike<number>, where: string): void {
  if (predicted.length !== actual.length || predicted.length === 0) {
    throw new Error(
      `${where}: ${predicted.length} predictions for ${actual.length} targets; both must be ` +
        "the same, non-zero length.",
    );
  }
}

/** Root mean squared error. */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkPair(predicted, actual, "rmse()");
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (predicted[i] - actual[i]) ** 2;
  return Math.sqrt(s / actual.length);
}

/** Coefficient of determination: 1 − SSE / SST (1 is perfect; 0 is predicting the mean). */
export function rSquared(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkPair(predicted, actual, "rSquared()");
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i] / actual.length;
  let sse = 0, sst = 0;
  for (let i = 0; i < actual.length; i++) {
    sse += (predicted[i] - actual[i]) ** 2;
    sst += (actual[i] - mean) ** 2;
  }
  return sst === 0 ? (sse === 0 ? 1 : -Infinity) : 1 - sse / sst;
}
