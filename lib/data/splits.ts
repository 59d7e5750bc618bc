/**
 * Seeded index subsets: class-balanced labelled subsets for the label-budget sweeps
 * ({@linkcode stratifiedSubset}) and plain random subsets for unlabelled pools and held-out slices
 * ({@linkcode sampleIndices}). All randomness goes through `createRng`, so the same seed gives the
 * same indices on every machine, and both functions give nested subsets as the size grows.
 *
 * @example
 * ```ts
 * import { stratifiedSubset } from "./splits.ts";
 * const labels = new Uint8Array([0, 1, 0, 1, 0, 1]);
 * const idx = stratifiedSubset(labels, 2, { seed: 0, numClasses: 2 }); // 2 of each class, sorted
 * ```
 * @module
 */
import { createRng } from "../random.ts";

/** Options for {@linkcode stratifiedSubset}. */
export interface StratifiedSubsetOptions {
  /** Seed for the per-class shuffles. */
  seed: number;
  /** Number of classes; labels must lie in `0..numClasses-1`. Default 10. */
  numClasses?: number;
}

/**
 * Picks `labelsPerClass` examples of every class, at random but reproducibly.
 *
 * Each class's indices are shuffled once with a generator derived from `seed` and the class (the
 * shuffle does not depend on `labelsPerClass`), and the first `labelsPerClass` are taken. So for
 * a fixed seed and labels the subsets are **nested**: the 10-per-class subset is contained in the
 * 100-per-class one, which is contained in the 1000-per-class one. `"all"` returns every index.
 *
 * @param labels Class label of each example.
 * @param labelsPerClass How many examples of each class, or `"all"`.
 * @param opts `seed`, and `numClasses` (default 10).
 * @returns The chosen indices into `labels`, sorted ascending.
 * @throws {Error} When `labelsPerClass` is not a positive integer or `"all"`, a label is outside
 * `0..numClasses-1`, or a class has fewer examples than asked for (naming the class and both
 * counts).
 *
 * @example
 * ```ts
 * import { stratifiedSubset } from "./splits.ts";
 * const labels = new Uint8Array(1000).map((_, i) => i % 10);
 * const small = stratifiedSubset(labels, 10, { seed: 1 }); // 100 indices
 * const large = stratifiedSubset(labels, 50, { seed: 1 }); // 500 indices, a superset of `small`
 * ```
 */
export function stratifiedSubset(
  labels: Uint8Array,
  labelsPerClass: number | "all",
  opts: StratifiedSubsetOptions,
): Int32Array {
  const { seed, numClasses = 10 } = opts;
  if (!(Number.isInteger(numClasses) && numClasses > 0)) {
    throw new Error(`stratifiedSubset(): numClasses must be a positive integer, got ${numClasses}`);
  }
  if (
    labelsPerClass !== "all" &&
    !(typeof labelsPerClass === "number" && Number.isInteger(labelsPerClass) && labelsPerClass > 0)
  ) {
    throw new Error(
      `stratifiedSubset(): labelsPerClass must be a positive integer or "all", got ${
        JSON.stringify(labelsPerClass) ?? String(labelsPerClass)
      }`,
    );
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= numClasses) {
      throw new Error(
        `stratifiedSubset(): label ${c} at index ${i} is outside 0..${numClasses - 1} ` +
          `(numClasses = ${numClasses})`,
      );
    }
    byClass[c].push(i);
  }
  const rng = createRng(seed);
  if (labelsPerClass === "all") {
    return Int32Array.from({ length: labels.length }, (_, i) => i);
  }
  const out = new Int32Array(labelsPerClass * numClasses);
  for (let c = 0; c < numClasses; c++) {
    // One child generator per class, drawn in class order: class c's shuffle depends only on the
    // seed and that class's indices.
    const classRng = createRng(rng.fork());
    const members = byClass[c];
    if (members.length < labelsPerClass) {
      throw new Error(
        `stratifiedSubset(): class ${c} has ${members.length} examples available but ` +
          `${labelsPerClass} were requested`,
      );
    }
    classRng.shuffle(members);
    out.set(members.slice(0, labelsPerClass), c * labelsPerClass);
  }
  return out.sort();
}

/**
 * Picks `count` distinct indices from `0..n-1` at random, reproducibly, returned sorted.
 *
 * Uses a partial Fisher–Yates shuffle, so for a fixed `n` and seed a smaller sample is contained in
 * a larger one.
 *
 * @param n Size of the range to draw from.
 * @param count How many indices to draw, `0..n`.
 * @param opts `seed`.
 * @returns `count` distinct indices, sorted ascending.
 * @throws {Error} When `n` or `count` is not a non-negative integer, or `count > n`.
 *
 * @example
 * ```ts
 * import { sampleIndices } from "./splits.ts";
 * const heldOut = sampleIndices(60000, 5000, { seed: 0 }); // 5000 sorted, distinct indices
 * ```
 */
export function sampleIndices(n: number, count: number, opts: { seed: number }): Int32Array {
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new Error(`sampleIndices(): n must be a non-negative integer, got ${n}`);
  }
  if (!(Number.isInteger(count) && count >= 0 && count <= n)) {
    throw new Error(`sampleIndices(): count must be an integer in 0..${n}, got ${count}`);
  }
  const rng = createRng(opts.seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, count).sort();
}

/**
 * A deterministic train/test split of `n` items: a seeded `testFraction` of the groups (default:
 * each item its own group) goes to test, so items of one group (the passages of one speech) never
 * straddle the split. Returns sorted indices.
 */
export function trainTestSplit(
  n: number,
  opts: { testFraction: number; seed: number; groups?: ArrayLike<number> },
): { train: Int32Array; test: Int32Array } {
  if (!(opts.testFraction > 0 && opts.testFraction < 1)) {
    throw new Error(`trainTestSplit(): testFraction must be in (0, 1), got ${opts.testFraction}.`);
  }
  const groups = opts.groups ?? Int32Array.from({ length: n }, (_, i) => i);
  if (groups.length !== n) {
    throw new Error(`trainTestSplit(): ${n} items but ${groups.length} group ids.`);
  }
  const ids = [...new Set(Array.from(groups))].sort((a, b) => a - b);
  const count = Math.max(1, Math.min(ids.length - 1, Math.round(ids.length * opts.testFraction)));
  const testGroups = new Set(Array.from(sampleIndices(ids.length, count, opts), (i) => ids[i]));
  const train: number[] = [], test: number[] = [];
  for (let i = 0; i < n; i++) (testGroups.has(groups[i]) ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
