/**
 * Formats rows of records as an HTML table, a Markdown (GFM) table and a plain-text table — the
 * three representations {@linkcode showTable} puts in one Jupyter MIME bundle. Pure: no I/O.
 *
 * @example
 * ```ts
 * import { formatTable } from "./format_table.ts";
 * const { markdown } = formatTable([{ method: "RotNet", acc: 0.91234 }]);
 * if (markdown !== "| method | acc |\n| --- | ---: |\n| RotNet | 0.9123 |") throw new Error(markdown);
 * ```
 * @module
 */

/** Options for {@linkcode formatTable}. */
export interface FormatTableOptions {
  /** Columns to show, in order. Default: every key, in first-seen order. */
  columns?: string[];
  /** Maximum digits after the decimal point for non-integer numbers. Default 4. */
  digits?: number;
  /** Caption: an HTML `<caption>`, a bold Markdown line, a plain first line. */
  title?: string;
}

/** The table in three formats. */
export interface TableFormats {
  /** `<table>` with a header row; numeric columns right-aligned; all text escaped. */
  html: string;
  /** GitHub-flavoured Markdown table; numeric columns right-aligned (`---:`). */
  markdown: string;
  /** Space-padded columns for terminals and `text/plain`. */
  text: string;
}

function formatCell(v: unknown, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    if (v !== 0 && Math.abs(v) < 10 ** -digits) return v.toExponential(2);
    return String(Number(v.toFixed(digits)));
  }
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v) ?? String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function escapeMarkdown(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/**
 * Formats `rows` as HTML, Markdown and plain text. Numbers are shown with at most `digits`
 * decimals (tiny ones in exponent form); `null`/`undefined` as empty cells; objects as JSON.
 *
 * @param rows The records; missing keys give empty cells.
 * @param opts `columns`, `digits`, `title`.
 * @returns The three formats.
 */
export function formatTable(
  rows: readonly Record<string, unknown>[],
  opts: FormatTableOptions = {},
): TableFormats {
  const digits = opts.digits ?? 4;
  const columns = opts.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const numeric = columns.map((c) =>
    rows.some((r) => typeof r[c] === "number") &&
    rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === "number")
  );
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c], digits)));

  const align = (j: number): string => (numeric[j] ? ' style="text-align:right"' : "");
  const html = [
    "<table>",
    ...(opts.title !== undefined ? [`<caption>${escapeHtml(opts.title)}</caption>`] : []),
    `<thead><tr>${
      columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("")
    }</tr></thead>`,
    "<tbody>",
    ...cells.map((row) =>
      `<tr>${row.map((v, j) => `<td${align(j)}>${escapeHtml(v)}</td>`).join("")}</tr>`
    ),
    "</tbody>",
    "</table>",
  ].join("\n");

  const mdRow = (vals: string[]): string => `| ${vals.map(escapeMarkdown).join(" | ")} |`;
  const markdown = [
    ...(opts.title !== undefined ? [`**${escapeMarkdown(opts.title)}**`, ""] : []),
    mdRow(columns),
    `| ${numeric.map((n) => (n ? "---:" : "---")).join(" | ")} |`,
    ...cells.map(mdRow),
  ].join("\n");

  const flat = (s: string): string => s.replace(/\r?\n/g, " ");
  const widths = columns.map((c, j) =>
    Math.max(flat(c).length, ...cells.map((row) => flat(row[j]).length))
  );
  const pad = (s: string, j: number): string =>
    numeric[j] ? flat(s).padStart(widths[j]) : flat(s).padEnd(widths[j]);
  const textRow = (vals: string[]): string => vals.map(pad).join("  ").trimEnd();
  const text = [
    ...(opts.title !== undefined ? [opts.title] : []),
    textRow(columns),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(textRow),
  ].join("\n");

  return { html, markdown, text };
}
