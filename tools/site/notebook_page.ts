/**
 * One notebook as a site page, rendered from the .ipynb itself: markdown cells (marked), code
 * cells with long sources and long printouts folded in `<details>`, generated bullet lists folded,
 * Vega-Lite outputs drawn live (their PNG as `<noscript>` fallback; PNG-only charts — image
 * grids, oversized specs, see `isPngOnly` — as images), every chart a captioned figure, every
 * table in a sideways-scrolling wrapper; a summary box (verdict and results table) under the
 * header and a table of contents.
 * @module
 */
import { marked } from "marked";
import { budgetsOf } from "../../lib/results/describe.ts";
import type { ResultRow, Results } from "../../lib/results/schema.ts";
import { formatMetric, headlineFinding } from "../../lib/results/summary.ts";
import { isPngOnly } from "../../lib/plot/specs.ts";
import { formatTable } from "../../lib/show/format_table.ts";
import { displayPath } from "../../lib/show/paths.ts";
import { chartName } from "../../lib/show/show.ts";
import { escape, imageFigure, liveFigure, slug, wrapTables } from "./html.ts";
import { subTask, verdictText, withComparisons } from "./findings.ts";

/** Lines of code or printout shown before a cell folds into `<details>`. */
export const FOLD_LINES = 12;

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const text = (x: unknown): string => Array.isArray(x) ? x.join("") : typeof x === "string" ? x : "";
// deno-lint-ignore no-control-regex
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

/** Parses a notebook file; throws naming the file when it is not a notebook. */
export function readNotebook(path: string): { cells: Cell[] } {
  let nb: unknown;
  try {
    nb = JSON.parse(Deno.readTextFileSync(path));
  } catch (e) {
    throw new Error(
      `${displayPath(path)}: not a readable notebook (${(e as Error).message.split(": ")[0]}); ` +
        "restore it with git or re-run it: `deno task run <notebook>`",
    );
  }
  if (!Array.isArray((nb as { cells?: unknown })?.cells)) {
    throw new Error(
      `${
        displayPath(path)
      }: not a notebook (no "cells" array); restore it with git or re-run it: ` +
        "`deno task run <notebook>`",
    );
  }
  return nb as { cells: Cell[] };
}

/** Chart outputs (Vega-Lite or PNG) of a notebook: the page shows one figure for each. */
export function countCharts(nb: { cells: Cell[] }): number {
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) =>
    o.data &&
    (o.data["application/vnd.vegalite.v5+json"] || typeof o.data["image/png"] === "string")
  ).length;
}

function specTitle(spec: unknown): string {
  const t = (spec as { title?: unknown })?.title;
  if (typeof t === "string") return t;
  const inner = (t as { text?: unknown })?.text;
  if (typeof inner === "string") return inner;
  if (Array.isArray(inner)) return inner.join(" ");
  return "";
}

function md(source: string): string {
  return wrapTables(marked.parse(source, { async: false }) as string);
}

function fold(summary: string, inner: string, open = false): string {
  return `<details${open ? " open" : ""}><summary>${escape(summary)}</summary>${inner}</details>`;
}

/** The summary box: each sub-task's verdict (the "ties" rule) and the results table. */
export function summaryBox(results: Results | undefined): string {
  if (!results) return "";
  const [r] = withComparisons([results]);
  const groups = new Map<string, ResultRow[]>();
  for (const row of r.rows) {
    const task = subTask(r, row);
    if (/precision|recall/i.test(row.metric)) continue;
    if (task.startsWith("spam") && row.metric !== "F1 (spam)") continue;
    const key = `${task} — ${row.metric}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(row);
  }
  const parts = [
    `<section class="summary-box" id="summary"><h2>Summary</h2>`,
    `<p class="stamp">${escape(r.mode)} run of ${escape(r.createdAt.slice(0, 10))}, ` +
    `${r.seeds.length} seed(s), code ${escape(r.gitSha.slice(0, 7))}` +
    `${r.gitSha.endsWith("-dirty") ? "-dirty" : ""}, backend ${escape(r.backend)}.</p>`,
  ];
  for (const [key, rows] of groups) {
    const headline = headlineFinding(rows);
    parts.push(`<h3>${escape(key)}</h3>`);
    if (headline) parts.push(`<p><b>Verdict:</b> ${escape(headline)}.</p>`);
    const budgets = budgetsOf(rows);
    const first = budgets[0];
    const methods = [...new Map(rows.map((x) => [x.method, x])).values()];
    const table = methods.map((m) => {
      const rec: Record<string, string> = { method: m.method, family: m.family };
      for (const b of budgets) {
        const row = rows.find((x) => x.method === m.method && x.labelsPerClass === b);
        rec[b === "all" ? "all labels" : `${b}/class`] = row ? formatMetric(row) : "–";
      }
      const atFirst = rows.find((x) => x.method === m.method && x.labelsPerClass === first);
      if (rows.some((x) => x.versus?.random)) {
        rec[`vs untrained encoder (${first}/class)`] = verdictText(
          atFirst?.versus?.random,
          m.metric,
        );
      }
      rec[`vs supervised from scratch (${first}/class)`] = verdictText(
        atFirst?.versus?.supervised,
        m.metric,
      );
      return rec;
    });
    parts.push(
      wrapTables(
        formatTable(table, { title: "mean ± std over seeds; verdicts by the 95 % CI" })
          .html,
      ),
    );
  }
  parts.push(
    `<p class="muted">A difference is a win or a loss only when its paired 95 % bootstrap ` +
      `interval over seeds excludes zero; otherwise the methods tie. Rows saved without per-seed ` +
      `scores have no interval and tie.</p></section>`,
  );
  return parts.join("\n");
}

/** A rendered notebook page body and its headings (for the table of contents). */
export interface RenderedNotebook {
  title: string;
  /** The first markdown cell (the header) rendered, shown above the summary box. */
  header: string;
  body: string;
  headings: { level: number; id: string; text: string }[];
  charts: number;
}

/**
 * Renders the cells of a notebook. `assetPrefix` names the PNG files written by `writePng`
 * (called once per PNG output, returns its site-relative path).
 */
export async function renderNotebook(
  nb: { cells: Cell[] },
  stem: string,
  writePng: (name: string, bytes: Uint8Array) => Promise<string>,
): Promise<RenderedNotebook> {
  const html: string[] = [];
  let header = "";
  let figure = 0;
  let lastHeading = "";
  for (const [index, cell] of nb.cells.entries()) {
    const source = text(cell.source);
    if (cell.cell_type === "markdown") {
      const rendered = md(source);
      const h = /^#{1,3}\s+(.+)$/m.exec(source);
      if (h) lastHeading = h[1].trim();
      if (index === 0 && /^#\s/.test(source)) header = rendered;
      else html.push(`<div class="md">${rendered}</div>`);
      continue;
    }
    if (cell.cell_type !== "code") continue;
    const lines = source.split("\n").length;
    const code = `<pre class="code"><code>${escape(source)}</code></pre>`;
    html.push(lines > FOLD_LINES ? fold(`code (${lines} lines)`, code) : code);
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "stream") {
        const t = stripAnsi(text(out.text));
        const n = t.trimEnd().split("\n").length;
        const pre = `<pre class="output">${escape(t)}</pre>`;
        html.push(n > FOLD_LINES ? fold(`printed output (${n} lines)`, pre) : pre);
      } else if (out.output_type === "error") {
        html.push(
          `<pre class="error">${
            escape(stripAnsi(`${out.ename}: ${out.evalue}\n${(out.traceback ?? []).join("\n")}`))
          }</pre>`,
        );
      } else if (out.data) {
        const d = out.data;
        const spec = d["application/vnd.vegalite.v5+json"];
        const png = typeof d["image/png"] === "string" ? (d["image/png"] as string) : undefined;
        if (spec || png) {
          figure++;
          const caption = `Figure ${figure}. ${
            escape(
              specTitle(spec) || chartName(d["text/plain"]) || lastHeading ||
                `output of cell ${index + 1}`,
            )
          }`;
          let pngPath: string | undefined;
          if (png) {
            const bytes = Uint8Array.from(atob(png.replace(/\s/g, "")), (c) => c.charCodeAt(0));
            pngPath = await writePng(`${stem}-fig${figure}.png`, bytes);
          }
          // Image grids and oversized specs: their PNG (see isPngOnly).
          const live = spec && !isPngOnly(spec);
          html.push(
            live
              ? liveFigure(
                spec as Record<string, unknown>,
                caption,
                pngPath ? { src: pngPath, alt: caption } : undefined,
              )
              : pngPath
              ? imageFigure(pngPath, caption, caption)
              : `<p class="warn">${caption}: a chart without a PNG, too large to draw live.</p>`,
          );
        } else if (d["text/html"]) {
          html.push(`<div class="output">${wrapTables(text(d["text/html"]))}</div>`);
        } else if (d["text/markdown"]) {
          const m = text(d["text/markdown"]);
          const bullets = m.split("\n").filter((l) => /^\s*[-*] /.test(l)).length;
          const rendered = `<div class="output md">${md(m)}</div>`;
          html.push(
            bullets > 4 ? fold(`generated comparison (${bullets} points)`, rendered) : rendered,
          );
        } else if (d["text/plain"]) {
          const t = stripAnsi(text(d["text/plain"]));
          const n = t.split("\n").length;
          const pre = `<pre class="output">${escape(t)}</pre>`;
          html.push(n > FOLD_LINES ? fold(`output (${n} lines)`, pre) : pre);
        }
      }
    }
  }
  // Heading ids for the table of contents.
  const headings: RenderedNotebook["headings"] = [];
  const used = new Set<string>(["summary", "contents"]);
  const body = html.join("\n").replace(
    /<h([23])>([\s\S]*?)<\/h\1>/g,
    (_, level: string, inner: string) => {
      let id = slug(inner);
      for (let i = 2; used.has(id); i++) id = `${slug(inner)}-${i}`;
      used.add(id);
      headings.push({ level: Number(level), id, text: inner.replace(/<[^>]*>/g, "") });
      return `<h${level} id="${id}">${inner}</h${level}>`;
    },
  );
  const title = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(header)?.[1].replace(/<[^>]*>/g, "") ?? stem;
  return { title, header, body, headings, charts: figure };
}

/** The table of contents of a page. */
export function tableOfContents(headings: RenderedNotebook["headings"], summary: boolean): string {
  if (!headings.length) return "";
  const items = [
    ...(summary ? [`<li><a href="#summary">Summary</a></li>`] : []),
    ...headings.map((h) => `<li class="h${h.level}"><a href="#${h.id}">${h.text}</a></li>`),
  ];
  return `<details open id="contents"><summary>Contents</summary><ul class="toc">${
    items.join("")
  }</ul></details>`;
}
