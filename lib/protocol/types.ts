/**
 * The protocol's vocabulary: data sets, cells, methods and what they return. Types only, so the
 * modules that define methods depend on no runner code.
 * @module
 */
import type { ImageSet } from "../data/mod.ts";
import type { WorkerPool } from "../parallel/pool.ts";
import type { Family, LabelBudget } from "../results/mod.ts";
import type { ProgressDisplay } from "../show/mod.ts";

/** What the protocol needs of a data set: one class id per example. */
export interface LabeledSet {
  labels: Uint8Array;
  n: number;
}

/** The labeled pool (train) and the test set every method is scored on (images by default). */
export interface ProtocolData<T extends LabeledSet = ImageSet> {
  train: T;
  test: T;
}

/** What a method is given for one (budget, seed) cell. */
export interface ProtocolCell<T extends LabeledSet = ImageSet> {
  labelsPerClass: LabelBudget;
  seed: number;
  /** Indices into `data.train` of the labeled subset. */
  subset: Int32Array;
  data: ProtocolData<T>;
  /** The protocol's `numClasses` (default 10). */
  numClasses: number;
  /** The protocol's live status line, for methods that train (reused, not closed). */
  progress: ProgressDisplay;
  /** Workers for methods that train, when the protocol runs with any. */
  pool?: WorkerPool;
}

/** One method of the comparison. */
export interface Method<T extends LabeledSet = ImageSet> {
  name: string;
  family: Family;
  /** True when the result depends on the subset alone (probes, kNN): "all" is evaluated once. */
  deterministic: boolean;
  /**
   * The metrics `evaluate` reports, the first being the main one (default `["accuracy"]`); each
   * becomes its own rows. With several, `evaluate` returns a record with one value per name.
   */
  metrics?: string[];
  /**
   * A method that trains but stays off the worker pool (e.g. `trainedMethod(…, { inline: true })`):
   * runs on this thread after the frozen-feature jobs. Default false: non-deterministic methods
   * go to the pool.
   */
  inline?: boolean;
  /**
   * Label budgets the method runs at (default: every budget of the protocol). A method left out
   * of a budget has no row there (e.g. fine-tuning only at the small budgets in standard mode).
   */
  budgets?: LabelBudget[];
  /**
   * Test score(s) after using the labeled subset: accuracy, or one value per `metrics` name, or
   * `{ scores, selected }` where `selected` records the hyperparameters the method chose (inside
   * the labelled subset) for this cell.
   */
  evaluate(cell: ProtocolCell<T>): Promise<Evaluation>;
  /**
   * Everything `evaluate`'s result depends on besides the cell's subset, seed, labels and class
   * count (e.g. the features' values, or a network's architecture, schedule and weights), as
   * JSON-like data (typed arrays allowed). Methods with one can be reused from the run cache
   * ({@link ProtocolOptions.cache}); methods without are always evaluated.
   */
  fingerprint?(cell: ProtocolCell<T>): Promise<unknown>;
  /**
   * The modules whose code computes `evaluate` (their `import.meta.url`s): the run cache keys the
   * method's runs by the code these reach (lib/protocol/run_cache.ts), so an edit elsewhere in
   * lib/ keeps its stored runs valid. Omitted: all of lib/.
   */
  modules?: (string | URL)[];
}

/** What a method's `evaluate` returns (see {@link Method.evaluate}). */
export type Evaluation =
  | number
  | Record<string, number>
  | { scores: number | Record<string, number>; selected?: Selected };

/** The hyperparameters a method chose for one cell (JSON-like). */
export type Selected = Record<string, unknown>;
