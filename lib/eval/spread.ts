/**
 * How spread out a set of feature vectors is — the symptom of collapse, when a pretext loss has a
 * trivial solution (every image mapped to the same point, often zero).
 * @module
 */
import { type Features, featureStats } from "./features.ts";
import { jacobiEigen } from "./pca.ts";

/** Summary of {@link featureSpread}. */
export interface FeatureSpread {
  /** Mean Euclidean norm of the vectors. */
  meanNorm: number;
  /** Mean over dimensions of the standard deviation across vectors. */
  meanStd: number;
  /** Dimensions whose standard deviation is below 1e-6 of the largest one ("dead"). */
  deadDims: number;
}

/**
 * Norm and spread of `features`: a collapsed representation has `meanStd` ≈ 0 (and, if it
 * collapsed to zero, `meanNorm` ≈ 0).
 * @example
 * ```ts
 * import { featureSpread } from "./spread.ts";
 * featureSpread({ data: new Float32Array([3, 4, 3, 4]), n: 2, dim: 2 }); // meanNorm 5, meanStd 0
 * ```
 */
export function featureSpread(features: Features): FeatureSpread {
  const { data, n, dim } = features;
  let norms = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] ** 2;
    norms += Math.sqrt(s);
  }
  const { std } = featureStats(features);
  const largest = Math.max(...std, 0);
  return {
    meanNorm: n ? norms / n : 0,
    meanStd: dim ? std.reduce((s, v) => s + v, 0) / dim : 0,
    deadDims: std.filter((v) => v <= 1e-6 * largest || largest === 0).length,
  };
}

/** Summary of {@link collapseDiagnostics}. */
export interface CollapseDiagnostics {
  /**
   * Mean over dimensions of the standard deviation of the L2-normalised vectors (Chen & He 2021):
   * 0 when every image maps to the same direction; about 1/√dim for well-spread vectors.
   */
  normalizedStd: number;
  /** 1/√dim, the value of {@link CollapseDiagnostics.normalizedStd} for isotropic vectors. */
  isotropicStd: number;
  /**
   * Effective rank (RankMe, Garrido et al. 2023): exp of the entropy of the normalised singular
   * values of the (uncentred) feature matrix; 1 for a complete collapse, up to `dim`.
   */
  effectiveRank: number;
  dim: number;
}

/**
 * The two collapse diagnostics of joint-embedding methods: the spread of the normalised vectors
 * (complete collapse → 0) and their effective rank (dimensional collapse → small).
 * @example
 * ```ts
 * import { collapseDiagnostics } from "./spread.ts";
 * // two orthogonal directions, equally used: effective rank 2
 * collapseDiagnostics({ data: new Float32Array([1, 0, 0, 1]), n: 2, dim: 2 }).effectiveRank; // 2
 * ```
 */
export function collapseDiagnostics(features: Features): CollapseDiagnostics {
  const { data, n, dim } = features;
  if (n < 2 || dim < 1 || data.length !== n * dim) {
    throw new Error(
      `collapseDiagnostics(): needs at least 2 vectors of dim ≥ 1 with data.length = n·dim, ` +
        `got n = ${n}, dim = ${dim}, data.length = ${data.length}.`,
    );
  }
  const unit = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] ** 2;
    const norm = Math.sqrt(s) || 1;
    for (let j = 0; j < dim; j++) unit[i * dim + j] = data[i * dim + j] / norm;
  }
  const { std } = featureStats({ data: unit, n, dim });
  // Singular values of X (n×dim) = square roots of the eigenvalues of XᵀX (dim×dim).
  const gram = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let a = 0; a < dim; a++) {
      const va = data[row + a];
      if (va === 0) continue;
      for (let b = a; b < dim; b++) gram[a * dim + b] += va * data[row + b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) gram[a * dim + b] = gram[b * dim + a];
  const [values] = jacobiEigen(gram, dim);
  const singular = Array.from(values, (v) => Math.sqrt(Math.max(v, 0)));
  const total = singular.reduce((s, v) => s + v, 0);
  let entropy = 0;
  if (total > 0) {
    for (const s of singular) {
      const p = s / total + 1e-7; // RankMe's ε
      entropy -= p * Math.log(p);
    }
  }
  return {
    normalizedStd: std.reduce((s, v) => s + v, 0) / dim,
    isotropicStd: 1 / Math.sqrt(dim),
    effectiveRank: total > 0 ? Math.exp(entropy) : 0,
    dim,
  };
}
