/**
 * Choosing a read-out's hyperparameters without test and without labels beyond the budget: by
 * cross-validation inside the labelled subset itself (a realistic few-label setting has no other
 * labels). Small subsets (≤ 100 labels per class) use stratified k-fold (k = min(folds, labels
 * per class), so every fold has every class: 5 for kNN, 3 for the costlier probe); larger ones one stratified held-out fifth, which at
 * 1,000 labels per class is already 2,000 examples. Ties go to the first setting of the grid, so
 * grids list their preferred (simplest) setting first.
 *
 * @example
 * ```ts
 * import { validationPlan } from "./selection.ts";
 * const labels = Uint8Array.from({ length: 100 }, (_, i) => i % 10);
 * const plan = validationPlan(labels, { seed: 0 }); // 5 folds of 20, each with 2 per class
 * ```
 * @module
 */
import { createRng } from "../random.ts";
import { type Features, selectRows } from "./features.ts";
import { knnClassifyGrid, type KnnSetting } from "./knn.ts";
import { accuracy, trainLinearProbe } from "./linear_probe.ts";

/** One train/validation split of positions 0..n-1 of a labelled subset. */
export interface Split {
  train: Int32Array;
  validation: Int32Array;
}

/** Options of {@link validationPlan} and {@link heldOutSplit}. */
export interface PlanOptions {
  seed: number;
  /** Folds at most (default 5). */
  folds?: number;
  /** Above this many examples of the smallest class, one held-out split (default 100). */
  foldLimit?: number;
  /** The held-out fraction of a single split (default 0.2). */
  fraction?: number;
}

/** Positions of each class, each list shuffled by `seed`. */
function byClass(labels: ArrayLike<number>, seed: number): number[][] {
  const rng = createRng(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push(i);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((c) => {
    const list = groups.get(c)!;
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  });
}

const sorted = (values: number[]) => Int32Array.from(values).sort();

/**
 * A stratified held-out split: from each class, `fraction` of its examples (at least one, and at
 * least one left to train on) go to validation. Throws, naming the class, when a class has fewer
 * than two examples.
 */
export function heldOutSplit(
  labels: ArrayLike<number>,
  opts: { seed: number; fraction?: number },
): Split {
  const fraction = opts.fraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`heldOutSplit(): fraction must be in (0, 1), got ${fraction}.`);
  }
  const train: number[] = [], validation: number[] = [];
  for (const list of byClass(labels, opts.seed)) {
    if (list.length < 2) {
      throw new Error(
        `heldOutSplit(): class ${labels[list[0]]} has ${list.length} labelled example; a ` +
          "validation split needs at least 2 per class (raise the label budget).",
      );
    }
    const count = Math.min(list.length - 1, Math.max(1, Math.round(list.length * fraction)));
    validation.push(...list.slice(0, count));
    train.push(...list.slice(count));
  }
  return { train: sorted(train), validation: sorted(validation) };
}

/**
 * The splits hyperparameters are chosen on: stratified k-fold with k = min(`folds`, smallest
 * class) when the smallest class has at most `foldLimit` examples, else one held-out split.
 */
export function validationPlan(labels: ArrayLike<number>, opts: PlanOptions): Split[] {
  const classes = byClass(labels, opts.seed);
  const smallest = Math.min(...classes.map((l) => l.length));
  if (!(smallest >= 2)) {
    throw new Error(
      `validationPlan(): a class has ${smallest} labelled example(s); choosing hyperparameters ` +
        "inside the labelled subset needs at least 2 per class (raise the label budget).",
    );
  }
  if (smallest > (opts.foldLimit ?? 100)) return [heldOutSplit(labels, opts)];
  const k = Math.min(opts.folds ?? 5, smallest);
  const foldOf = new Int32Array(labels.length);
  for (const list of classes) list.forEach((position, i) => foldOf[position] = i % k);
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [], validation: number[] = [];
    for (let i = 0; i < labels.length; i++) (foldOf[i] === f ? validation : train).push(i);
    return { train: sorted(train), validation: sorted(validation) };
  });
}

/** A hyperparameter setting and its mean validation accuracy over the plan's splits. */
export interface Scored<S> {
  setting: S;
  score: number;
}

/** The best of `scored` (first on ties). */
function best<S>(scored: Scored<S>[]): Scored<S> {
  return scored.reduce((a, b) => (b.score > a.score ? b : a));
}

const pick = (labels: ArrayLike<number>, positions: Int32Array) =>
  Array.from(positions, (p) => labels[p]);

/** A linear probe's setting: L2 strength and whether features are standardised. */
export interface ProbeSetting {
  c: number;
  standardize: boolean;
}

/** The probe grid: C ∈ {0.01, 0.1, 1}, standardised or raw (standardised, C = 1 first). */
export const PROBE_GRID: readonly ProbeSetting[] = Object.freeze(
  [true, false].flatMap((standardize) =>
    [1, 0.1, 0.01].map((c) => Object.freeze({ c, standardize }))
  ),
);

/**
 * Cross-validates every probe setting of `grid` on the labelled rows (`features`, `labels`) and
 * returns the best with every setting's score.
 */
export async function selectProbe(
  features: Features,
  labels: ArrayLike<number>,
  opts: { numClasses: number; seed: number; grid?: readonly ProbeSetting[] },
): Promise<{ best: Scored<ProbeSetting>; all: Scored<ProbeSetting>[] }> {
  const grid = opts.grid ?? PROBE_GRID;
  const plan = validationPlan(labels, { seed: opts.seed, folds: 3 });
  const totals = grid.map(() => 0);
  // Along each preprocessing's path from the strongest L2 (smallest C) up, every fit starts from
  // the previous one's solution: the same optimum, reached in a fraction of the iterations.
  const order = grid.map((_, i) => i).sort((a, b) =>
    Number(grid[b].standardize) - Number(grid[a].standardize) || grid[a].c - grid[b].c
  );
  for (const split of plan) {
    const trainRows = selectRows(features, split.train);
    const validRows = selectRows(features, split.validation);
    const trainLabels = pick(labels, split.train);
    const validLabels = pick(labels, split.validation);
    let start: Float64Array | undefined, path: boolean | undefined;
    for (const i of order) {
      const setting = grid[i];
      if (setting.standardize !== path) [start, path] = [undefined, setting.standardize];
      const probe = await trainLinearProbe(trainRows, trainLabels, {
        ...setting,
        numClasses: opts.numClasses,
        start,
        tolerance: 1e-4,
      });
      start = probe.theta;
      totals[i] += accuracy(await probe.predict(validRows), validLabels);
    }
  }
  const all = grid.map((setting, i) => ({ setting, score: totals[i] / plan.length }));
  return { best: best(all), all };
}

/** The kNN grid: k ∈ {1, 3, 5, 10, 20} × T ∈ {0.07, 0.2, 0.03}. */
export const KNN_GRID: readonly KnnSetting[] = Object.freeze(
  [20, 10, 5, 3, 1].flatMap((k) =>
    [0.07, 0.2, 0.03].map((temperature) => Object.freeze({ k, temperature }))
  ),
);

/**
 * Cross-validates the kNN settings of `grid` whose k is at most the smallest class's count in the
 * subset (more neighbours than labels per class would outvote every class with its own
 * examples) and returns the best with every considered setting's score.
 */
export async function selectKnn(
  features: Features,
  labels: ArrayLike<number>,
  opts: { numClasses: number; seed: number; grid?: readonly KnnSetting[] },
): Promise<{ best: Scored<KnnSetting>; all: Scored<KnnSetting>[] }> {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const perClass = Math.min(...counts.values());
  const grid = (opts.grid ?? KNN_GRID).filter((s) => s.k <= perClass);
  if (!grid.length) {
    throw new Error(
      `selectKnn(): no setting of the grid has k ≤ ${perClass} (the labels per class); add k = 1.`,
    );
  }
  const plan = validationPlan(labels, { seed: opts.seed });
  const totals = grid.map(() => 0);
  for (const split of plan) {
    const predictions = await knnClassifyGrid(
      { features: selectRows(features, split.train), labels: pick(labels, split.train) },
      selectRows(features, split.validation),
      [...grid],
      { numClasses: opts.numClasses },
    );
    const validLabels = pick(labels, split.validation);
    predictions.forEach((p, i) => totals[i] += accuracy(p, validLabels));
  }
  const all = grid.map((setting, i) => ({ setting, score: totals[i] / plan.length }));
  return { best: best(all), all };
}
