/**
 * The results schema every notebook writes to `results/<notebook>.json`, and its validator (the
 * summary notebook and the tests read results through it).
 * @module
 */

/** The four families the matched protocol compares. */
export const FAMILIES = ["control", "unsupervised", "supervised", "self-supervised"] as const;
/** One of {@link FAMILIES}. */
export type Family = typeof FAMILIES[number];
/** A label budget: labels per class, or every label. */
export type LabelBudget = number | "all";

/** One aggregated row of the comparison: a method at one label budget, over seeds. */
export interface ResultRow {
  method: string;
  family: Family;
  labelsPerClass: LabelBudget;
  metric: string; // e.g. "accuracy"
  mean: number;
  std: number;
  n: number; // number of seeds aggregated
  /** The seeds aggregated, in the order of `scores` (absent in older files). */
  seeds?: number[];
  /** The score of each seed, aligned with `seeds` (absent in older files). */
  scores?: number[];
  /** How many test items (images, documents) scored the row (absent in older files). */
  testImages?: number;
  /**
   * The hyperparameters chosen inside the labelled subset for each seed, aligned with `seeds`
   * (null where nothing was chosen; absent when no seed chose any): a probe's C and
   * standardisation, kNN's k and temperature, a trained network's learning rate and epoch.
   */
  selected?: (Record<string, unknown> | null)[];
  /**
   * The paired difference (this row − reference) to the untrained encoder (`random`) and to
   * supervised from scratch (`supervised`) at the same budget, where those rows exist; added
   * when the results are saved (lib/results/paired.ts).
   */
  versus?: Versus;
}

/**
 * A paired difference `a − b` of two rows (a fraction, like the scores): `delta`, the difference of
 * their means, and `ci95`, the 95 % bootstrap interval over seeds of the mean per-seed difference
 * (null with fewer than 2 paired seeds: no interval, undecided).
 */
export interface Comparison {
  delta: number;
  ci95: [number, number] | null;
}

/** A row's comparisons to its reference rows (see `withVersus` in lib/results/paired.ts). */
export interface Versus {
  random?: Comparison;
  supervised?: Comparison;
}

/** Which copy of a dataset a run read: its directory and the SHA-256 of each file read. */
export interface DatasetProvenance {
  /** The directory the files were read from (resolved). */
  dir: string;
  /** SHA-256 (hex) of each file, by file name. */
  sha256: Record<string, string>;
}

/** The whole results file. */
export interface Results {
  notebook: string;
  mode: string;
  seeds: number[];
  backend: string;
  versions: { deno: string; tfjs: string };
  gitSha: string;
  wallSeconds: number;
  createdAt: string;
  config: Record<string, unknown>;
  pretext: Record<string, unknown>;
  rows: ResultRow[];
  /** The downstream task, when not the suite map's for the notebook (`downstreamTask`). */
  task?: string;
  /** Test items that scored every row, when all rows agree (else see each row's `testImages`). */
  testImages?: number;
  /** The data files the run read, by dataset name (e.g. "fashion-mnist"); absent in older files. */
  data?: Record<string, DatasetProvenance>;
}

function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

/**
 * The valid range of a metric's values: [0, 1] for accuracies, F1, precision and recall (stored
 * as fractions, not percentages), null (any finite number) for anything else, e.g. a loss.
 */
export function metricRange(metric: string): [number, number] | null {
  return /\b(accuracy|f1|precision|recall)\b/i.test(metric) ? [0, 1] : null;
}

/**
 * Checks one score of `metric`: a finite number within {@link metricRange}. Returns a description
 * of what is wrong (naming `name`, e.g. "mean"), or null when it is valid.
 */
export function scoreProblem(metric: string, value: unknown, name = metric): string | null {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return `${name} is ${JSON.stringify(value) ?? String(value)}; it must be a finite number`;
  }
  const range = metricRange(metric);
  if (range && !(value >= range[0] && value <= range[1])) {
    return `${name} is ${value}; ${metric} must be in [${range[0]}, ${range[1]}] ` +
      "(a fraction, not a percentage)";
  }
  return null;
}

function isCount(x: unknown): boolean {
  return typeof x === "number" && Number.isInteger(x) && x > 0;
}

function validateVersus(versus: unknown, where: string): void {
  if (typeof versus !== "object" || versus === null) fail(where, "versus must be an object");
  for (const [name, c] of Object.entries(versus)) {
    const ok = (name === "random" || name === "supervised") && typeof c === "object" &&
      c !== null && Number.isFinite(c.delta) &&
      (c.ci95 === null ||
        (Array.isArray(c.ci95) && c.ci95.length === 2 && c.ci95.every(Number.isFinite) &&
          c.ci95[0] <= c.ci95[1]));
    if (!ok) {
      fail(
        where,
        `versus.${name} is ${JSON.stringify(c)}; versus has only random and supervised, each ` +
          "{delta: number, ci95: [lo, hi] with lo ≤ hi, or null}",
      );
    }
  }
}

/** Checks one row; throws naming the row, the field and the value. */
export function validateRow(row: unknown, where = "row"): ResultRow {
  if (typeof row !== "object" || row === null) fail(where, "is not an object");
  const r = row as Record<string, unknown>;
  if (typeof r.method !== "string" || !r.method) fail(where, "method must be a non-empty string");
  if (!(FAMILIES as readonly unknown[]).includes(r.family)) {
    fail(where, `family is ${JSON.stringify(r.family)}; valid: ${FAMILIES.join(", ")}`);
  }
  const b = r.labelsPerClass;
  if (!(b === "all" || (typeof b === "number" && Number.isInteger(b) && b > 0))) {
    fail(where, `labelsPerClass is ${JSON.stringify(b)}; it must be a positive integer or "all"`);
  }
  if (typeof r.metric !== "string" || !r.metric) fail(where, "metric must be a non-empty string");
  for (const k of ["mean", "std"]) {
    if (typeof r[k] !== "number" || !Number.isFinite(r[k])) {
      fail(where, `${k} is ${String(r[k])}; it must be a finite number`);
    }
  }
  const problem = scoreProblem(r.metric, r.mean, "mean");
  if (problem) fail(where, problem);
  if ((r.std as number) < 0) fail(where, `std is ${r.std}; it must be non-negative`);
  if (typeof r.n !== "number" || !Number.isInteger(r.n) || r.n < 1) {
    fail(where, `n is ${JSON.stringify(r.n)}; it must be a positive integer`);
  }
  if (r.seeds !== undefined) {
    if (!Array.isArray(r.seeds) || r.seeds.length !== r.n || !r.seeds.every(Number.isInteger)) {
      fail(where, `seeds is ${JSON.stringify(r.seeds)}; it must be n = ${r.n} integers`);
    }
  }
  if (r.selected !== undefined) {
    if (
      !Array.isArray(r.selected) || r.selected.length !== r.n ||
      !r.selected.every((x) => x === null || (typeof x === "object" && !Array.isArray(x)))
    ) {
      fail(where, `selected must be n = ${r.n} objects or nulls (one per seed)`);
    }
  }
  if (r.scores !== undefined) {
    if (!Array.isArray(r.scores) || r.scores.length !== r.n) {
      fail(where, `scores is ${JSON.stringify(r.scores)}; it must be n = ${r.n} numbers`);
    }
    r.scores.forEach((score, i) => {
      const problem = scoreProblem(r.metric as string, score, `scores[${i}]`);
      if (problem) fail(where, problem);
    });
  }
  if (r.testImages !== undefined && !isCount(r.testImages)) {
    fail(where, `testImages is ${JSON.stringify(r.testImages)}; it must be a positive integer`);
  }
  if (r.versus !== undefined) validateVersus(r.versus, where);
  return r as unknown as ResultRow;
}

/** Validates a parsed results file; `source` (a path) is named in every error. */
export function validateResults(value: unknown, source = "results"): Results {
  if (typeof value !== "object" || value === null) fail(source, "is not a JSON object");
  const v = value as Record<string, unknown>;
  for (const k of ["notebook", "mode", "backend", "gitSha", "createdAt"]) {
    if (typeof v[k] !== "string") fail(source, `field "${k}" must be a string`);
  }
  if (!Array.isArray(v.seeds) || !v.seeds.every(Number.isInteger)) {
    fail(source, `field "seeds" must be an array of integers`);
  }
  const versions = v.versions as Record<string, unknown> | undefined;
  if (typeof versions?.deno !== "string" || typeof versions?.tfjs !== "string") {
    fail(source, `field "versions" must be {deno: string, tfjs: string}`);
  }
  if (typeof v.wallSeconds !== "number" || !(v.wallSeconds >= 0)) {
    fail(source, `field "wallSeconds" must be a non-negative number`);
  }
  for (const k of ["config", "pretext"]) {
    if (typeof v[k] !== "object" || v[k] === null) fail(source, `field "${k}" must be an object`);
  }
  if (!Array.isArray(v.rows) || v.rows.length === 0) {
    fail(source, `field "rows" must be a non-empty array`);
  }
  v.rows.forEach((row, i) => validateRow(row, `${source}: rows[${i}]`));
  if (v.testImages !== undefined && !isCount(v.testImages)) {
    fail(source, `field "testImages" must be a positive integer`);
  }
  if (v.data !== undefined) {
    if (typeof v.data !== "object" || v.data === null) {
      fail(source, `field "data" must be an object`);
    }
    for (const [name, d] of Object.entries(v.data as Record<string, unknown>)) {
      const p = d as Partial<DatasetProvenance> | null;
      const hashes = Object.values(p?.sha256 ?? {});
      if (
        typeof p?.dir !== "string" || typeof p.sha256 !== "object" || hashes.length === 0 ||
        !hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))
      ) {
        fail(source, `data["${name}"] must be {dir: string, sha256: {file: 64 hex digits}}`);
      }
    }
  }
  return v as unknown as Results;
}
