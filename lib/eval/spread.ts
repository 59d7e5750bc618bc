/**
 * How spread out a set of feature vectors is — the symptom of collapse, when a pretext loss has a
 * trivial solution (every image mapped to the same point, often zero).
 * @module
 */
import { type Features, featureStats } from "./features.ts";

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
