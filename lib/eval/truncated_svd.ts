/**
 * Truncated SVD of a sparse matrix by seeded randomized subspace iteration (Halko, Martinsson &
 * Tropp 2011) — latent semantic analysis when the matrix is TF-IDF (Deerwester et al. 1990). No
 * centring (as scikit-learn's TruncatedSVD), so the sparse matrix is never densified.
 * @module
 */
import { createRng } from "../random.ts";
import type { Features } from "./features.ts";
import { jacobiEigen } from "./pca.ts";
import type { CsrMatrix } from "./text_features.ts";

/** A fitted truncated SVD: the top right singular vectors. */
export interface TruncatedSvd {
  /** [k, cols] row-major; rows orthonormal, by decreasing singular value. */
  components: Float64Array;
  singularValues: Float64Array;
  k: number;
  cols: number;
}

/** A · M for dense M [cols, r] → [rows, r]. */
function times(a: CsrMatrix, m: Float64Array, r: number): Float64Array {
  const out = new Float64Array(a.rows * r);
  for (let i = 0; i < a.rows; i++) {
    for (let e = a.rowStart[i]; e < a.rowStart[i + 1]; e++) {
      const v = a.values[e], base = a.colIndex[e] * r;
      for (let j = 0; j < r; j++) out[i * r + j] += v * m[base + j];
    }
  }
  return out;
}

/** Aᵀ · Y for dense Y [rows, r] → [cols, r]. */
function timesTransposed(a: CsrMatrix, y: Float64Array, r: number): Float64Array {
  const out = new Float64Array(a.cols * r);
  for (let i = 0; i < a.rows; i++) {
    for (let e = a.rowStart[i]; e < a.rowStart[i + 1]; e++) {
      const v = a.values[e], base = a.colIndex[e] * r;
      for (let j = 0; j < r; j++) out[base + j] += v * y[i * r + j];
    }
  }
  return out;
}

/**
 * Orthonormalises the r columns of q ([n, r] row-major) in place (modified Gram–Schmidt); a column
 * that is (numerically) in the span of the previous ones becomes zero (rank-deficient input).
 */
function orthonormalize(q: Float64Array, n: number, r: number): void {
  for (let j = 0; j < r; j++) {
    let before = 0;
    for (let i = 0; i < n; i++) before += q[i * r + j] ** 2;
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += q[i * r + j] * q[i * r + p];
      for (let i = 0; i < n; i++) q[i * r + j] -= d * q[i * r + p];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * r + j] ** 2;
    const scale = norm > 1e-20 * before && norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < n; i++) q[i * r + j] *= scale;
  }
}

/**
 * Fits the top `components` singular vectors of `matrix`: a random [cols, k + oversample] start
 * (seeded), `iterations` power iterations (default 4), then the exact SVD of the small projected
 * matrix. Deterministic for a seed.
 */
export function fitTruncatedSvd(
  matrix: CsrMatrix,
  opts: { components: number; seed?: number; iterations?: number; oversample?: number },
): TruncatedSvd {
  const k = opts.components;
  const limit = Math.min(matrix.rows, matrix.cols);
  if (!(Number.isInteger(k) && k >= 1 && k <= limit)) {
    throw new Error(`fitTruncatedSvd(): components must be an integer in 1..${limit}, got ${k}.`);
  }
  const r = Math.min(limit, k + (opts.oversample ?? 10));
  const rng = createRng(opts.seed ?? 0);
  const omega = Float64Array.from({ length: matrix.cols * r }, () => rng.normal());
  let y = times(matrix, omega, r); // [rows, r]
  orthonormalize(y, matrix.rows, r);
  for (let it = 0; it < (opts.iterations ?? 4); it++) {
    const z = timesTransposed(matrix, y, r); // [cols, r]
    orthonormalize(z, matrix.cols, r);
    y = times(matrix, z, r);
    orthonormalize(y, matrix.rows, r);
  }
  // B = Qᵀ A [r, cols], stored transposed as bt = Aᵀ Q [cols, r]; eigen-decompose B Bᵀ [r, r].
  const bt = timesTransposed(matrix, y, r);
  const gram = new Float64Array(r * r);
  for (let c = 0; c < matrix.cols; c++) {
    for (let i = 0; i < r; i++) {
      const v = bt[c * r + i];
      if (v === 0) continue;
      for (let j = i; j < r; j++) gram[i * r + j] += v * bt[c * r + j];
    }
  }
  for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) gram[i * r + j] = gram[j * r + i];
  const [values, vectors] = jacobiEigen(gram, r);
  const order = Array.from({ length: r }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const components = new Float64Array(k * matrix.cols);
  const singularValues = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    const col = order[t];
    const sigma = Math.sqrt(Math.max(values[col], 0));
    singularValues[t] = sigma;
    // v_t = Bᵀ u_t / σ_t
    for (let c = 0; c < matrix.cols; c++) {
      let s = 0;
      for (let i = 0; i < r; i++) s += bt[c * r + i] * vectors[i * r + col];
      components[t * matrix.cols + c] = sigma > 1e-12 ? s / sigma : 0;
    }
  }
  return { components, singularValues, k, cols: matrix.cols };
}

/** Projects the rows of `matrix` onto the singular vectors: [rows, k] features. */
export function svdTransform(svd: TruncatedSvd, matrix: CsrMatrix): Features {
  if (matrix.cols !== svd.cols) {
    throw new Error(`svdTransform(): matrix has ${matrix.cols} columns, the SVD ${svd.cols}.`);
  }
  const data = new Float32Array(matrix.rows * svd.k);
  for (let i = 0; i < matrix.rows; i++) {
    for (let e = matrix.rowStart[i]; e < matrix.rowStart[i + 1]; e++) {
      const v = matrix.values[e], c = matrix.colIndex[e];
      for (let t = 0; t < svd.k; t++) data[i * svd.k + t] += v * svd.components[t * svd.cols + c];
    }
  }
  return { data, n: matrix.rows, dim: svd.k };
}
