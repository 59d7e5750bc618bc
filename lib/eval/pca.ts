/**
 * Principal component analysis, fitted without labels: the covariance is formed with tfjs and its
 * leading eigenvectors found by seeded subspace iteration with Rayleigh–Ritz.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import { createRng } from "../random.ts";
import type { Features } from "./features.ts";

/** A fitted PCA. */
export interface Pca {
  mean: Float32Array; // [dim]
  components: Float32Array; // [k, dim], rows orthonormal, by decreasing variance
  variances: Float64Array; // [k]
  k: number;
  dim: number;
}

function orthonormalize(q: Float64Array, dim: number, k: number): void {
  // Modified Gram–Schmidt on the k columns of q ([dim, k], row-major).
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < dim; i++) d += q[i * k + j] * q[i * k + p];
      for (let i = 0; i < dim; i++) q[i * k + j] -= d * q[i * k + p];
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += q[i * k + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < dim; i++) q[i * k + j] /= norm;
  }
}

/** Symmetric eigen-decomposition of a small matrix by cyclic Jacobi; returns [values, vectors]. */
export function jacobiEigen(a: Float64Array, n: number): [Float64Array, Float64Array] {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let r = 0; r < n; r++) {
          const mrp = m[r * n + p], mrq = m[r * n + q];
          m[r * n + p] = c * mrp - s * mrq;
          m[r * n + q] = s * mrp + c * mrq;
        }
        for (let r = 0; r < n; r++) {
          const mpr = m[p * n + r], mqr = m[q * n + r];
          m[p * n + r] = c * mpr - s * mqr;
          m[q * n + r] = s * mpr + c * mqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p], vrq = v[r * n + q];
          v[r * n + p] = c * vrp - s * vrq;
          v[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return [values, v];
}

/** Fits a k-component PCA on the rows of `features` (no labels involved). */
export async function fitPca(
  features: Features,
  opts: { components: number; seed?: number; iterations?: number },
): Promise<Pca> {
  const { n, dim } = features;
  const k = opts.components;
  if (!Number.isInteger(k) || k < 1 || k > dim) {
    throw new Error(`fitPca(): components must be an integer in 1..${dim}, got ${k}.`);
  }
  if (n < 2) throw new Error(`fitPca(): needs at least 2 rows, got ${n}.`);
  const [meanT, cov] = tf.tidy(() => {
    const x = tf.tensor2d(features.data, [n, dim]);
    const mean = tf.mean(x, 0);
    const xc = tf.sub(x, mean);
    // Explicit transpose: tfjs-wasm's matMul(transposeA) is ~10× slower.
    return [mean, tf.div(tf.matMul(tf.transpose(xc), xc), n - 1)];
  });
  const mean = await readAndDispose(meanT);
  const c = cov as tf.Tensor2D;
  const rng = createRng(opts.seed ?? 0);
  const q = Float64Array.from({ length: dim * k }, () => rng.normal());
  orthonormalize(q, dim, k);
  for (let it = 0; it < (opts.iterations ?? 60); it++) {
    q.set(
      await readAndDispose(
        tf.tidy(() => tf.matMul(c, tf.tensor2d(Float32Array.from(q), [dim, k]))),
      ),
    );
    orthonormalize(q, dim, k);
  }
  // Rayleigh–Ritz: eigen-decompose Qᵀ C Q (k×k) and rotate Q.
  const small = await readAndDispose(tf.tidy(() => {
    const qt = tf.tensor2d(Float32Array.from(q), [dim, k]);
    return tf.matMul(tf.transpose(qt), tf.matMul(c, qt));
  }));
  cov.dispose();
  const sym = Float64Array.from(small);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      sym[i * k + j] = sym[j * k + i] = (sym[i * k + j] + sym[j * k + i]) / 2;
    }
  }
  const [values, vectors] = jacobiEigen(sym, k);
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const components = new Float32Array(k * dim);
  const variances = new Float64Array(k);
  order.forEach((col, r) => {
    variances[r] = values[col];
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += q[i * k + j] * vectors[j * k + col];
      components[r * dim + i] = s;
    }
  });
  return { mean: Float32Array.from(mean), components, variances, k, dim };
}

/** Projects rows onto the principal components: [n, k]. */
export async function pcaTransform(pca: Pca, features: Features): Promise<Features> {
  if (features.dim !== pca.dim) {
    throw new Error(`pcaTransform(): features have dim ${features.dim}, the PCA ${pca.dim}.`);
  }
  const data = await readAndDispose(tf.tidy(() =>
    tf.matMul(
      tf.sub(tf.tensor2d(features.data, [features.n, pca.dim]), tf.tensor1d(pca.mean)),
      tf.transpose(tf.tensor2d(pca.components, [pca.k, pca.dim])), // [dim, k]
    )
  )) as Float32Array;
  return { data, n: features.n, dim: pca.k };
}
