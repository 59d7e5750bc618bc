/**
 * Builds the static site for readers, from the committed notebooks and results/: an index that
 * opens with the findings (the "ties" rule of lib/results/paired.ts), dot plots of each
 * self-supervised read-out against its reference with 95 % intervals, the leaderboard as small
 * multiples, the suite table and a run stamp; and one page per notebook (summary box, contents,
 * folded config and generated bullets, captioned live Vega-Lite charts with the PNG as fallback,
 * index/previous/next links). vega, vega-lite and vega-embed are served from the site's assets/
 * (copied from the npm packages), never from a CDN.
 *
 *   deno task site                 # → site/ (git-ignored)
 *   deno run -A tools/serve_static.ts site   # → http://127.0.0.1:8000/ (or open site/index.html)
 *   deno task site --out /tmp/s    # elsewhere
 * @module
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAtomic } from "../lib/_write.ts";
import {
  leaderboards,
  leaderboardTable,
  loadResultsDir,
  runInfo,
  suiteStatus,
} from "../lib/results/summary.ts";
import type { Results } from "../lib/results/schema.ts";
import { SUITE_NOTEBOOKS } from "../lib/results/suite_map.ts";
import { formatTable } from "../lib/show/format_table.ts";
import { displayPath } from "../lib/show/paths.ts";
import {
  dotPlotSpec,
  dotPoints,
  dotTasks,
  findings,
  leaderboardSpec,
  pretextTitle,
  splitBoards,
  withComparisons,
} from "./site/findings.ts";
import { escape, liveFigure, pageShell, wrapTables } from "./site/html.ts";
import {
  countCharts,
  readNotebook,
  renderNotebook,
  summaryBox,
  tableOfContents,
} from "./site/notebook_page.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** One notebook page of the site. */
export interface SitePage {
  notebook: string;
  /** File name of the page inside the site directory. */
  html: string;
  /** Its title: the pretext task (suite map) or the notebook's own heading. */
  title: string;
  /** Chart outputs (Vega-Lite or PNG) in the executed notebook: the page shows one figure each. */
  charts: number;
}

/** What {@link buildSite} wrote; also saved as `manifest.json` in the site. */
export interface SiteManifest {
  pages: SitePage[];
  /** Live charts on the index page. */
  indexCharts: number;
  /** Results files that failed validation (left out of the index, listed on it). */
  problems: number;
}

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  notebooksDir?: string;
  resultsDir?: string;
}

/** The browser builds copied into `assets/`: [npm package@version, file inside the package]. */
const BROWSER_BUILDS: [string, string, string][] = [
  ["vega", "5.33.0", "build/vega.min.js"],
  ["vega-lite", "5.23.0", "build/vega-lite.min.js"],
  ["vega-embed", "6.29.0", "build/vega-embed.min.js"],
];

/**
 * Finds a package's file in Deno's npm cache (`DENO_DIR`, else ~/.cache/deno); a clear error
 * says how to fetch it when it is missing.
 */
function npmFile(name: string, version: string, file: string): string {
  const home = Deno.env.get("HOME") ?? "";
  const dirs = [
    Deno.env.get("DENO_DIR"),
    Deno.env.get("XDG_CACHE_HOME") && `${Deno.env.get("XDG_CACHE_HOME")}/deno`,
    `${home}/.cache/deno`,
  ].filter((d): d is string => !!d);
  for (const dir of dirs) {
    const path = `${dir}/npm/registry.npmjs.org/${name}/${version}/${file}`;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* next */ }
  }
  throw new Error(
    `${name}@${version}/${file} is not in Deno's npm cache (looked in ${dirs.join(", ")}). ` +
      `Run: deno cache npm:${name}@${version}`,
  );
}

async function copyAssets(outDir: string): Promise<void> {
  await Deno.mkdir(`${outDir}/assets`, { recursive: true });
  for (const [name, version, file] of BROWSER_BUILDS) {
    let path: string;
    try {
      path = npmFile(name, version, file);
    } catch {
      // Not fetched yet (vega-embed is used only by the browser): let Deno fetch it once.
      await new Deno.Command(Deno.execPath(), {
        args: ["cache", `npm:${name}@${version}`],
        stdout: "null",
        stderr: "null",
      }).output();
      path = npmFile(name, version, file);
    }
    await Deno.copyFile(path, `${outDir}/assets/${name}.min.js`);
  }
  const here = dirname(fileURLToPath(import.meta.url));
  for (const f of ["site.css", "site.js"]) {
    await Deno.copyFile(`${here}/site/${f}`, `${outDir}/assets/${f}`);
  }
}

/** Builds the site into `outDir` (created; existing files of the same names are replaced). */
export async function buildSite(
  outDir: string,
  opts: BuildSiteOptions = {},
): Promise<SiteManifest> {
  const notebooksDir = opts.notebooksDir ?? `${ROOT}/notebooks`;
  const resultsDir = opts.resultsDir ?? `${ROOT}/results`;
  await Deno.mkdir(`${outDir}/figures`, { recursive: true });
  await copyAssets(outDir);
  const { results, problems } = await loadResultsDir(resultsDir);
  const names = [...Deno.readDirSync(notebooksDir)].map((e) => e.name)
    .filter((n) => n.endsWith(".ipynb") && !n.endsWith(".failed.ipynb")).sort();
  const notebooks = names.map((name) => {
    const stem = name.replace(/\.ipynb$/, "");
    return { stem, nb: readNotebook(`${notebooksDir}/${name}`) };
  });
  const pages: SitePage[] = notebooks.map(({ stem, nb }) => ({
    notebook: stem,
    html: `${stem}.html`,
    title: SUITE_NOTEBOOKS.some((n) => n.stem === stem) ? pretextTitle(stem) : stem,
    charts: countCharts(nb),
  }));
  const writePng = async (name: string, bytes: Uint8Array) => {
    await writeAtomic(`${outDir}/figures/${name}`, bytes);
    return `figures/${name}`;
  };
  for (const [i, { stem, nb }] of notebooks.entries()) {
    const rendered = await renderNotebook(nb, stem, writePng);
    if (!SUITE_NOTEBOOKS.some((n) => n.stem === stem)) pages[i].title = rendered.title;
    const result = results.find((r) => r.notebook === stem);
    const box = summaryBox(result);
    const body = (rendered.header || `<h1>${escape(rendered.title)}</h1>`) + box +
      tableOfContents(rendered.headings, !!box) + rendered.body;
    const nav = {
      prev: i > 0 ? { href: pages[i - 1].html, title: pages[i - 1].notebook } : undefined,
      next: i + 1 < pages.length
        ? { href: pages[i + 1].html, title: pages[i + 1].notebook }
        : undefined,
    };
    await writeAtomic(`${outDir}/${stem}.html`, pageShell(`${stem}: ${rendered.title}`, body, nav));
  }
  const indexCharts = await writeIndex(outDir, pages, results, problems, notebooksDir);
  const manifest = { pages, indexCharts, problems: problems.length };
  await writeAtomic(`${outDir}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/** "2026-12-01 21:31 · code 9bb7180 (3 results), 7e28440 (9) · standard mode". */
function runStamp(results: readonly Results[]): string {
  if (!results.length) return "no results yet";
  const dates = results.map((r) => r.createdAt).sort();
  const count = (xs: string[]) =>
    [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())]
      .map(([x, n]) => xs.length > 1 && new Set(xs).size > 1 ? `${x} (${n})` : x).join(", ");
  const codes = count(
    results.map((r) =>
      r.gitSha === "unknown"
        ? "unknown"
        : r.gitSha.slice(0, 7) + (r.gitSha.endsWith("-dirty") ? "-dirty" : "")
    ),
  );
  const span = dates[0].slice(0, 10) === dates[dates.length - 1].slice(0, 10)
    ? dates[0].slice(0, 10)
    : `${dates[0].slice(0, 10)} … ${dates[dates.length - 1].slice(0, 10)}`;
  return `Run ${span} (latest ${dates[dates.length - 1].slice(0, 16).replace("T", " ")} UTC) · ` +
    `code ${codes} · ${count(results.map((r) => r.mode))} mode · ${results.length} results files`;
}

async function writeIndex(
  outDir: string,
  pages: SitePage[],
  rawResults: Results[],
  problems: { file: string; error: string }[],
  notebooksDir: string,
): Promise<number> {
  const results = withComparisons(rawResults);
  const body: string[] = [];
  let charts = 0;
  const chart = (spec: Record<string, unknown>, caption: string) => {
    charts++;
    return liveFigure(spec, `Figure ${charts}. ${escape(caption)}`);
  };
  const page = (stem: string) => pages.find((p) => p.notebook === stem);
  const link = (stem: string) =>
    page(stem) ? `<a href="${page(stem)!.html}">${escape(page(stem)!.title)}</a>` : escape(stem);

  const points = dotPoints(results);
  body.push(
    `<section class="findings" id="findings"><h2>What the suite found</h2>`,
    `<p class="stamp">${escape(runStamp(rawResults))}</p>`,
  );
  const found = findings(points);
  body.push(found.length ? `<ul>${found.join("\n")}</ul>` : `<p>No results yet.</p>`);
  body.push(
    `<p class="muted">A difference counts as a win or a loss only when its paired 95 % bootstrap ` +
      `interval over seeds excludes zero; otherwise it is a tie. Results saved before per-seed ` +
      `scores were kept have no interval and count as ties. Each read-out is compared with the ` +
      `untrained encoder read out the same way (text: with supervised from scratch).</p>`,
    `</section>`,
  );
  if (problems.length) {
    body.push(`<p class="warn">Results files that failed validation (left out):</p><ul>`);
    for (const p of problems) {
      body.push(`<li><code>${escape(displayPath(p.file))}</code>: ${escape(p.error)}</li>`);
    }
    body.push(`</ul>`);
  }
  for (const task of dotTasks(points)) {
    body.push(`<h2>${escape(task)}: differences with 95 % intervals</h2>`);
    body.push(chart(
      dotPlotSpec(points, task),
      `${task}: each self-supervised read-out minus its reference at 10 and 100 labels/class; ` +
        `bars are 95 % intervals over seeds, dashed lines the baselines.`,
    ));
  }

  body.push(`<h2 id="notebooks">Notebooks</h2>`, `<ul>`);
  for (const p of pages) {
    body.push(
      `<li>${p.notebook.slice(0, 2)} · ${
        link(p.notebook)
      } <span class="muted">(${p.notebook}, ${p.charts} chart${
        p.charts === 1 ? "" : "s"
      })</span></li>`,
    );
  }
  body.push(`</ul>`);

  body.push(`<h2>The suite</h2>`);
  const suite = suiteStatus(rawResults, { notebooksDir });
  body.push(wrapTables(
    formatTable(suite.map((s) => ({
      notebook: s.notebook,
      "pretext task": s.pretext,
      family: s.family,
      status: s.status,
      "what it found": s.finding || "–",
    }))).html.replace(
      /<td>(\d\d_[a-z_]+)<\/td>/g,
      (_, stem) => `<td>${page(stem) ? `<a href="${page(stem)!.html}">${stem}</a>` : stem}</td>`,
    ),
  ));

  body.push(`<h2>Leaderboards</h2>`);
  const boards = splitBoards(leaderboards(results));
  if (!boards.length) body.push(`<p>No results yet.</p>`);
  for (const board of boards) {
    const main = board.metric === "accuracy" || board.metric === "F1 (spam)";
    const table = wrapTables(
      formatTable(leaderboardTable(board), { title: "mean ± std over seeds" }).html,
    );
    if (!main) {
      body.push(
        `<details><summary>${escape(board.task)} — ${
          escape(board.metric)
        } (table)</summary>${table}</details>`,
      );
      continue;
    }
    body.push(`<h3>${escape(board.task)} — ${escape(board.metric)}</h3>`);
    body.push(chart(
      leaderboardSpec(board),
      `${board.task}: ${board.metric} against labels per class, one panel per read-out; click a ` +
        `legend entry to highlight it.`,
    ));
    body.push(`<details><summary>The table</summary>${table}</details>`);
  }
  const runs = runInfo(rawResults);
  if (runs.length) {
    body.push(`<h2>Runtime and code version</h2>`);
    body.push(wrapTables(
      formatTable(runs.map((r) => ({
        notebook: r.notebook,
        mode: r.mode,
        "wall (min)": r.minutes,
        run: r.createdAt,
        code: r.code,
        status: r.codeStatus,
        note: r.note,
      }))).html,
    ));
    body.push(chart(
      {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        title: "Runtime per notebook",
        data: {
          values: runs.map((r) => ({ notebook: r.notebook, minutes: r.minutes, mode: r.mode })),
        },
        mark: "bar",
        encoding: {
          y: { field: "notebook", type: "nominal", sort: null, title: null },
          x: { field: "minutes", type: "quantitative", title: "wall time (minutes)" },
          color: { field: "mode", type: "nominal", title: "mode" },
          tooltip: [{ field: "notebook" }, { field: "minutes" }, { field: "mode" }],
        },
      },
      "wall time of each notebook's last run",
    ));
  }
  const html = pageShell(
    "Self-supervised learning, reproduced — results",
    `<h1>Self-supervised learning, reproduced: pretext tasks vs labels</h1>
<p>Each notebook reproduces one self-supervised pretext task and compares it with supervised and
unsupervised baselines under one matched protocol. <a href="#notebooks">All notebooks</a>.</p>
${body.join("\n")}
<p class="muted">Generated from <code>results/*.json</code> and the committed notebooks by
<code>deno task site</code>.</p>`,
  );
  await writeAtomic(`${outDir}/index.html`, html);
  return charts;
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const out = i >= 0 ? Deno.args[i + 1] : `${ROOT}/site`;
  if (!out) throw new Error("--out needs a directory");
  const manifest = await buildSite(out);
  console.error(
    `site: ${manifest.pages.length} notebook page(s), ${manifest.indexCharts} chart(s) on the ` +
      `index → ${displayPath(`${out}/index.html`)}`,
  );
}
