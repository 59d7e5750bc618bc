/**
 * k-means clustering (Lloyd's algorithm with k-means++ seeding, Arthur & Vassilvitskii 2007),
 * the silhouette score (Rousseeuw 1987), and a sweep over k for the elbow and silhouette
 * pictures. Plain TypeScript on small tables: no tensors. All randomness goes through
 * `lib/random`, so a seed fixes the result.
 *
 * @example
 * ```ts
 * import { kmeans, silhouetteScore } from "./kmeans.ts";
 * const points = { data: Float64Array.of(0, 0, 0, 1, 10, 10, 10, 11), n: 4, dim: 2 };
 * const { assignments } = kmeans(points, 2, { seed: 0 });
 * if (assignments[0] !== assignments[1] || assignments[0] === assignments[2]) throw new Error();
 * if (silhouetteScore(points, assignments) < 0.8) throw new Error();
 * ```
 * @module
 */
import { createRng, type Rng } from "../random.ts";

/** `n` points of `dim` coordinates, row-major (a `Features` from `lib/eval` fits too). */
export interface Points {
  data: ArrayLike<number>;
  n: number;
  dim: number;
}

/** Options of {@link kmeans}. */
export interface KmeansOptions {
  /** Seed of the k-means++ initialisation. */
  seed: number;
  /** Lloyd iterations at most per restart (default 100). */
  maxIterations?: number;
  /** Independent k-means++ starts; the one with the lowest inertia is kept (default 4). */
  restarts?: number;
}

/** A clustering. */
export interface KmeansResult {
  /** k × dim centroids, row-major. */
  centroids: Float64Array;
  /** The cluster of each point, 0..k-1. */
  assignments: Int32Array;
  /** Sum of squared distances of the points to their centroids (the elbow's y axis). */
  inertia: number;
  /** Lloyd iterations the kept restart ran. */
  iterations: number;
  /** Points per cluster. */
  sizes: Int32Array;
}

function squaredDistance(
  a: ArrayLike<number>,
  i: number,
  b: ArrayLike<number>,
  j: number,
  dim: number,
): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const t = a[i * dim + d] - b[j * dim + d];
    s += t * t;
  }
  return s;
}

function checkPoints(points: Points, where: string): void {
  const { data, n, dim } = points;
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(dim) && dim > 0)) {
    throw new Error(`${where}: points must have n > 0 and dim > 0, got n=${n}, dim=${dim}.`);
  }
  if (data.length !== n * dim) {
    throw new Error(
      `${where}: points.data has ${data.length} values, expected n*dim = ${n * dim}.`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(
        `${where}: points.data[${i}] is ${data[i]}; drop or impute missing values first.`,
      );
    }
  }
}

/** k-means++: the first centre uniformly, each next one with probability ∝ squared distance. */
function seedCentroids(points: Points, k: number, rng: Rng): Float64Array {
  const { data, n, dim } = points;
  const centroids = new Float64Array(k * dim);
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = rng.int(n);
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < dim; d++) centroids[c * dim + d] = data[chosen * dim + d];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dist = squaredDistance(data, i, centroids, c, dim);
      if (dist < nearest[i]) nearest[i] = dist;
      total += nearest[i];
    }
    if (c === k - 1) break;
    if (total === 0) { // fewer distinct points than k: any point will do
      chosen = rng.int(n);
      continue;
    }
    let target = rng.next() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
  return centroids;
}

function lloyd(
  points: Points,
  centroids: Float64Array,
  k: number,
  maxIterations: number,
): KmeansResult {
  const { data, n, dim } = points;
  const assignments = new Int32Array(n).fill(-1);
  const sizes = new Int32Array(k);
  let iterations = 0;
  let inertia = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0, bestDist = Infinity;
      for (let c = 0; c < k; c++) {
        const dist = squaredDistance(data, i, centroids, c, dim);
        if (dist < bestDist) [best, bestDist] = [c, dist];
      }
      inertia += bestDist;
      if (assignments[i] !== best) [assignments[i], changed] = [best, true];
    }
    if (!changed) break;
    centroids.fill(0);
    sizes.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignments[i];
      sizes[c]++;
      for (let d = 0; d < dim; d++) centroids[c * dim + d] += data[i * dim + d];
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c] > 0) { for (let d = 0; d < dim; d++) centroids[c * dim + d] /= sizes[c]; }
    }
    // An empty cluster takes the point farthest from its centroid (as scikit-learn does).
    for (let c = 0; c < k; c++) {
      if (sizes[c] > 0) continue;
      let far = 0, farDist = -1;
      for (let i = 0; i < n; i++) {
        const dist = squaredDistance(data, i, centroids, assignments[i], dim);
        if (dist > farDist) [far, farDist] = [i, dist];
      }
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = data[far * dim + d];
      sizes[c] = 1;
    }
  }
  sizes.fill(0);
  for (let i = 0; i < n; i++) sizes[assignments[i]]++;
  return { centroids, assignments, inertia, iterations, sizes };
}

/**
 * Clusters `points` into `k` groups: k-means++ seeding, then Lloyd iterations until no point
 * changes cluster; the best of `restarts` seeded starts (lowest inertia) is returned.
 *
 * @throws Error when k is not an integer in 1..n or the points contain NaN/Infinity.
 */
export function kmeans(points: Points, k: number, opts: KmeansOptions): KmeansResult {
  checkPoints(points, "kmeans()");
  if (!Number.isInteger(k) || k < 1 || k > points.n) {
    throw new Error(
      `kmeans(): k must be an integer in 1..${points.n} (the number of points), got ${k}.`,
    );
  }
  const rng = createRng(opts.seed);
  let best: KmeansResult | undefined;
  for (let r = 0; r < (opts.restarts ?? 4); r++) {
    const result = lloyd(points, seedCentroids(points, k, rng), k, opts.maxIterations ?? 100);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/**
 * Mean silhouette over all points: for point i with mean distance a(i) to its own cluster and
 * b(i) to the nearest other cluster, s(i) = (b − a) / max(a, b); points alone in their cluster
 * count 0 (scikit-learn's convention). In [−1, 1]; higher means tighter, better-separated
 * clusters. Euclidean distance; O(n²), fine for a few thousand points.
 *
 * @throws Error when there are fewer than 2 or more than n − 1 clusters.
 */
export function silhouetteScore(points: Points, assignments: ArrayLike<number>): number {
  checkPoints(points, "silhouetteScore()");
  const { data, n, dim } = points;
  if (assignments.length !== n) {
    throw new Error(`silhouetteScore(): ${assignments.length} assignments for ${n} points.`);
  }
  const k = Math.max(...Array.from(assignments)) + 1;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[assignments[i]]++;
  const used = Array.from(sizes).filter((s) => s > 0).length;
  if (used < 2 || used > n - 1) {
    throw new Error(
      `silhouetteScore(): needs 2..${n - 1} non-empty clusters, got ${used}; try another k.`,
    );
  }
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      if (i !== j) sums[assignments[j]] += Math.sqrt(squaredDistance(data, i, data, j, dim));
    }
    const own = assignments[i];
    if (sizes[own] <= 1) continue; // s(i) = 0
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/** One k of {@link kmeansSweep}. */
export interface KmeansSweepRow {
  k: number;
  inertia: number;
  /** Mean silhouette; NaN for k = 1, where it is undefined. */
  silhouette: number;
}

/** Clusters for each k in `ks` (same seed each) and reports inertia and silhouette. */
export function kmeansSweep(
  points: Points,
  ks: readonly number[],
  opts: KmeansOptions,
): KmeansSweepRow[] {
  return ks.map((k) => {
    const { inertia, assignments } = kmeans(points, k, opts);
    const silhouette = k > 1 ? silhouetteScore(points, assignments) : NaN;
    return { k, inertia, silhouette };
  });
}

/** The k of the sweep with the highest silhouette (ties: the smaller k). */
export function bestSilhouetteK(sweep: readonly KmeansSweepRow[]): number {
  const valid = sweep.filter((r) => Number.isFinite(r.silhouette));
  if (!valid.length) throw new Error("bestSilhouetteK(): the sweep has no k > 1.");
  return valid.reduce((a, b) => (b.silhouette > a.silhouette ? b : a)).k;
}

/**
 * The elbow of an inertia curve: the k farthest below the straight line from the first to the
 * last point of the sweep (the "kneedle" heuristic on the normalised curve).
 */
export function elbowK(sweep: readonly KmeansSweepRow[]): number {
  if (sweep.length < 3) throw new Error("elbowK(): needs a sweep over at least 3 values of k.");
  const first = sweep[0], last = sweep[sweep.length - 1];
  const spanK = last.k - first.k || 1, spanI = first.inertia - last.inertia || 1;
  let best = sweep[0].k, bestGap = -Infinity;
  for (const row of sweep) {
    const x = (row.k - first.k) / spanK;
    const y = (first.inertia - row.inertia) / spanI; // 0 → 1 as inertia falls
    if (y - x > bestGap) [best, bestGap] = [row.k, y - x];
  }
  return best;
}

/** Per-cluster means of each column of `points` ([k, dim], row-major; NaN for an empty cluster). */
export function clusterMeans(
  points: Points,
  assignments: ArrayLike<number>,
  k: number,
): Float64Array {
  const { data, n, dim } = points;
  if (assignments.length !== n) {
    throw new Error(`clusterMeans(): ${assignments.length} assignments for ${n} points.`);
  }
  const sums = new Float64Array(k * dim), counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = assignments[i];
    if (!(c >= 0 && c < k)) {
      throw new Error(`clusterMeans(): assignment ${c} of point ${i} is not in 0..${k - 1}.`);
    }
    counts[c]++;
    for (let d = 0; d < dim; d++) sums[c * dim + d] += data[i * dim + d];
  }
  return sums.map((s, i) => s / counts[Math.floor(i / dim)]);
}
