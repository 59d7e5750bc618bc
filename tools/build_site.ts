/**
 * Builds the static site for readers: every executed notebook as HTML (nbconvert; the charts are
 * the PNGs inside the outputs, so they show as images) and an index page with the leaderboard,
 * generated from results/.
 *
 *   deno task site                 # → site/ (git-ignored); open site/index.html
 *   deno task site --out /tmp/s    # elsewhere
 * @module
 */
import { writeAtomic } from "../lib/_write.ts";
import { accuracyVsLabels, barChart } from "../lib/plot/mod.ts";
import { renderPng } from "../lib/plot/render.ts";
import {
  leaderboards,
  leaderboardTable,
  loadResultsDir,
  runInfo,
  suiteStatus,
} from "../lib/results/summary.ts";
import { formatTable } from "../lib/show/format_table.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** One notebook page of the site. */
export interface SitePage {
  notebook: string;
  /** File name of the page inside the site directory. */
  html: string;
  /** PNG chart outputs in the executed notebook (the page must show as many images). */
  charts: number;
}

/** What {@link buildSite} wrote; also saved as `manifest.json` in the site. */
export interface SiteManifest {
  pages: SitePage[];
  /** Images on the index page. */
  indexCharts: number;
}

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  notebooksDir?: string;
  resultsDir?: string;
}

function jupyter(): string {
  for (const candidate of ["/usr/bin/jupyter", "jupyter"]) {
    try {
      if (
        new Deno.Command(candidate, {
          args: ["nbconvert", "--version"],
          stdout: "null",
          stderr: "null",
        }).outputSync().success
      ) {
        return candidate;
      }
    } catch { /* not there */ }
  }
  throw new Error(
    "jupyter nbconvert was not found; it turns the notebooks into HTML. Run: bash bin/setup " +
      "(Debian: apt-get install jupyter-nbconvert).",
  );
}

const escape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function countCharts(path: string): number {
  const nb = JSON.parse(Deno.readTextFileSync(path)) as {
    cells: { outputs?: { data?: Record<string, unknown> }[] }[];
  };
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) =>
    typeof o.data?.["image/png"] === "string"
  ).length;
}

/** Builds the site into `outDir` (created; existing files of the same names are replaced). */
export async function buildSite(
  outDir: string,
  opts: BuildSiteOptions = {},
): Promise<SiteManifest> {
  const notebooksDir = opts.notebooksDir ?? `${ROOT}/notebooks`;
  await Deno.mkdir(outDir, { recursive: true });
  const notebooks = [...Deno.readDirSync(notebooksDir)].map((e) => e.name)
    .filter((n) => n.endsWith(".ipynb") && !n.endsWith(".failed.ipynb")).sort();
  if (notebooks.length) {
    const run = await new Deno.Command(jupyter(), {
      args: [
        "nbconvert",
        "--to",
        "html",
        "--output-dir",
        outDir,
        ...notebooks.map((n) => `${notebooksDir}/${n}`),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!run.success) {
      throw new Error(`nbconvert failed:\n${new TextDecoder().decode(run.stderr).slice(-2000)}`);
    }
  }
  const pages = notebooks.map((name) => ({
    notebook: name.replace(/\.ipynb$/, ""),
    html: name.replace(/\.ipynb$/, ".html"),
    charts: countCharts(`${notebooksDir}/${name}`),
  }));
  const indexCharts = await writeIndex(
    outDir,
    pages,
    opts.resultsDir ?? `${ROOT}/results`,
    notebooksDir,
  );
  const manifest = { pages, indexCharts };
  await writeAtomic(`${outDir}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

async function writeIndex(
  outDir: string,
  pages: SitePage[],
  resultsDir: string,
  notebooksDir: string,
): Promise<number> {
  const { results, problems } = await loadResultsDir(resultsDir);
  const body: string[] = [];
  let charts = 0;
  const chart = async (spec: Record<string, unknown>, alt: string): Promise<string> => {
    const file = `chart-${++charts}.png`;
    const png = await renderPng(spec, { scale: 2 });
    await writeAtomic(`${outDir}/${file}`, png);
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    return `<img src="${file}" alt="${escape(alt)}" width="${view.getUint32(16) / 2}">`;
  };
  const page = (stem: string) => pages.find((p) => p.notebook === stem);
  const link = (stem: string) => (page(stem) ? `<a href="${page(stem)!.html}">${stem}</a>` : stem);

  body.push(`<h2>Notebooks</h2>`, `<ul>`);
  for (const p of pages) {
    body.push(
      `<li>${link(p.notebook)} <span class="muted">(${p.charts} chart${
        p.charts === 1 ? "" : "s"
      })</span></li>`,
    );
  }
  body.push(`</ul>`);

  body.push(`<h2>The suite</h2>`);
  const suite = suiteStatus(results, { notebooksDir });
  body.push(
    formatTable(suite.map((s) => ({
      notebook: s.notebook,
      "pretext task": s.pretext,
      family: s.family,
      status: s.status,
      "what it found": s.finding || "–",
    }))).html.replace(/<td>(\d\d_[a-z_]+)<\/td>/g, (_, stem) => `<td>${link(stem)}</td>`),
  );

  body.push(`<h2>Leaderboard</h2>`);
  if (problems.length) {
    body.push(`<p class="warn">Results files that failed validation (left out):</p><ul>`);
    for (const p of problems) {
      body.push(`<li><code>${escape(p.file)}</code>: ${escape(p.error)}</li>`);
    }
    body.push(`</ul>`);
  }
  const boards = leaderboards(results);
  if (!boards.length) body.push(`<p>No results yet.</p>`);
  for (const board of boards) {
    body.push(`<h3>${escape(board.task)} — ${escape(board.metric)}</h3>`);
    body.push(formatTable(leaderboardTable(board), { title: "mean ± std over seeds" }).html);
    if (board.metric === "accuracy") {
      body.push(
        `<p>${await chart(
          accuracyVsLabels(board.rows, {
            title: `${board.task}: test accuracy vs labels per class`,
          }),
          `${board.task} leaderboard chart`,
        )}</p>`,
      );
    }
  }
  const runs = runInfo(results);
  if (runs.length) {
    body.push(`<h2>Runtime and code version</h2>`);
    body.push(
      formatTable(runs.map((r) => ({
        notebook: r.notebook,
        mode: r.mode,
        "wall (min)": r.minutes,
        run: r.createdAt,
        code: r.code,
        status: r.codeStatus,
        note: r.note,
      }))).html,
    );
    body.push(
      `<p>${await chart(
        barChart(
          runs.map((r) => ({ label: r.notebook, value: r.minutes, group: `${r.mode} mode` })),
          { xTitle: "wall time (minutes)", title: "Runtime per notebook" },
        ),
        "runtime per notebook",
      )}</p>`,
    );
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Self-supervised learning, reproduced — results</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; }
caption { font-weight: bold; text-align: left; padding: 4px 0; }
.muted { color: #777; } .warn { color: #b00; } img { max-width: 100%; height: auto; }
</style></head><body>
<h1>Self-supervised learning, reproduced: pretext tasks vs labels</h1>
<p>Each notebook reproduces one self-supervised pretext task and compares supervised, unsupervised and
self-supervised methods under one matched protocol. Generated from <code>results/*.json</code> by
<code>deno task site</code>; the notebook pages are their committed, executed outputs.</p>
${body.join("\n")}
</body></html>
`;
  await writeAtomic(`${outDir}/index.html`, html);
  return charts;
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const out = i >= 0 ? Deno.args[i + 1] : `${ROOT}/site`;
  const manifest = await buildSite(out);
  console.error(
    `site: ${manifest.pages.length} notebook page(s), ${manifest.indexCharts} chart(s) on the index → ${out}/index.html`,
  );
}
