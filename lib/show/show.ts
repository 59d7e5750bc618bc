/**
 * Displaying results in notebooks. This is the only module that touches `Deno.jupyter`; inside
 * the Deno Jupyter kernel it sends MIME bundles, elsewhere (tests, scripts) it degrades
 * gracefully: charts are only saved, tables and Markdown are printed, progress is one updating
 * line on stderr.
 *
 * Charts are sent both as Vega-Lite (interactive in JupyterLab) and as PNG (what GitHub and
 * nbconvert's HTML show) — or as PNG only for image grids and specs too large to embed
 * (`isPngOnly`). Paths in messages are repo-relative (`displayPath`).
 *
 * @example
 * ```ts ignore
 * import { progressDisplay, showChart, showTable } from "./show.ts";
 * import { trainingCurves } from "../plot/specs.ts";
 * const progress = progressDisplay();
 * for (let epoch = 1; epoch <= 3; epoch++) progress.update(`epoch ${epoch}/3`);
 * progress.done();
 * await showChart(trainingCurves([{ epoch: 1, loss: 0.9 }]), { savePath: "results/curves.png" });
 * await showTable([{ method: "RotNet", acc: 0.91 }]);
 * ```
 * @module
 */
import { stageOutput } from "../_write.ts";
import { env } from "../config/env.ts";
import { renderPng, renderSvg } from "../plot/render.ts";
import { isPngOnly } from "../plot/specs.ts";
import { formatTable, type FormatTableOptions } from "./format_table.ts";
import { displayPath } from "./paths.ts";

type Jupyter = typeof Deno.jupyter;
type Bundle = Deno.jupyter.MediaBundle;

/** The kernel's `Deno.jupyter`, or undefined outside the kernel (where reading it throws). */
function jupyter(): Jupyter | undefined {
  try {
    if (!("jupyter" in Deno)) return undefined;
    const j = Deno.jupyter;
    return j && typeof j.display === "function" ? j : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether this code runs inside the Deno Jupyter kernel.
 *
 * @returns true in the kernel, false in `deno run`/`deno test`.
 */
export function inJupyter(): boolean {
  return jupyter() !== undefined;
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    bin += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(bin);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

/** Options for {@linkcode showChart}. */
export interface ShowChartOptions {
  /** Chart title when the spec has none; also heads the `text/plain` description. */
  title?: string;
  /**
   * Also save the chart here: SVG when the path ends in `.svg`, the Vega-Lite spec when it ends in
   * `.json`, else PNG. The file is *staged*, not written: it is published with the run's results
   * by `saveResults` (or `publishStaged`), atomically, parent directories created — so a run that
   * fails late leaves no new chart beside old results.
   */
  savePath?: string;
  /** PNG pixel density. Default 2, or 1 for a PNG-only chart (which must stay small). */
  scale?: number;
  /**
   * Send the PNG only, no Vega-Lite spec. Default {@linkcode isPngOnly}(spec): image grids, and
   * specs too large to embed.
   */
  pngOnly?: boolean;
}

/** A notebook `display_data` output: the MIME bundle and its metadata. */
interface ChartDisplay {
  /** `image/png` (base64) and `text/plain`, plus the spec unless the chart is PNG-only. */
  data: Bundle;
  /** The PNG's CSS size, so viewers show a 2× PNG at 1× size. */
  metadata: { "image/png": { width: number; height: number } };
}

const CHART_KINDS = ["Vega-Lite chart", "PNG chart"] as const;

/**
 * A chart's `text/plain` line: `<name> [Vega-Lite chart, 600×300 px]`, or `[PNG chart, …]` for a
 * PNG-only one, and ` saved to <path>` (see {@linkcode displayPath}).
 */
function describeChart(
  name: string,
  pngOnly: boolean,
  size: [number, number],
  savePath?: string,
): string {
  return `${name} [${CHART_KINDS[pngOnly ? 1 : 0]}, ${size[0]}×${size[1]} px]` +
    (savePath !== undefined ? ` saved to ${displayPath(savePath)}` : "");
}

/**
 * The chart name at the head of a `text/plain` line written by {@linkcode showChart} (what the
 * static site captions a PNG-only chart with), or undefined for any other text.
 *
 * @param text An output's `text/plain` (a string, or nbformat's list of lines).
 */
export function chartName(text: unknown): string | undefined {
  const t = Array.isArray(text) ? text.join("") : text;
  if (typeof t !== "string") return undefined;
  const kinds = CHART_KINDS.join("|");
  return new RegExp(`^(.+?) \\[(?:${kinds}), \\d+×\\d+ px\\]`).exec(t)?.[1];
}

function withTitle(
  spec: Readonly<Record<string, unknown>>,
  title: string | undefined,
): Readonly<Record<string, unknown>> {
  return title !== undefined && spec.title === undefined ? { ...spec, title } : spec;
}

/** The display output of a chart whose PNG is already rendered (titled spec in `full`). */
function displayOf(
  full: Readonly<Record<string, unknown>>,
  png: Uint8Array,
  scale: number,
  pngOnly: boolean,
  opts: ShowChartOptions,
): ChartDisplay {
  const [w, h] = pngSize(png);
  const size: [number, number] = [Math.round(w / scale), Math.round(h / scale)];
  const name = opts.title ?? (typeof full.title === "string" ? full.title : "chart");
  const data: Bundle = {};
  if (!pngOnly) {
    data["application/vnd.vegalite.v5+json"] = {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      ...full,
    };
  }
  data["image/png"] = toBase64(png);
  data["text/plain"] = describeChart(name, pngOnly, size, opts.savePath);
  return { data, metadata: { "image/png": { width: size[0], height: size[1] } } };
}

/** PNG-only or not, and the PNG scale, for a titled spec. */
function chartMode(
  full: Readonly<Record<string, unknown>>,
  opts: ShowChartOptions,
): { pngOnly: boolean; scale: number } {
  const pngOnly = opts.pngOnly ?? isPngOnly(full);
  const scale = opts.scale ?? (pngOnly ? 1 : 2);
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`showChart: scale is ${scale}; pass a positive number such as 1 or 2`);
  }
  return { pngOnly, scale };
}

/**
 * Shows a Vega-Lite chart: in the kernel, one output holding the spec
 * (`application/vnd.vegalite.v5+json`, interactive in JupyterLab), a PNG (`image/png`, shown
 * by GitHub and nbconvert) and a one-line `text/plain` description. A PNG-only chart (image
 * grids, specs too large to embed: see `isPngOnly`, or `opts.pngOnly`) sends no spec, and its PNG
 * at scale 1, keeping notebooks small. Outside the kernel it displays nothing and only stages
 * `savePath`, if given (see `ShowChartOptions.savePath`). Printed paths are repo-relative.
 *
 * @param spec A Vega-Lite v5 spec, e.g. from `lib/plot`.
 * @param opts `title`, `savePath`, `scale`, `pngOnly`.
 * @throws {Error} When the spec does not compile or render (see `renderPng`).
 */
export async function showChart(
  spec: Readonly<Record<string, unknown>>,
  opts: ShowChartOptions = {},
): Promise<void> {
  const j = jupyter();
  const savePath = opts.savePath;
  if (!j && savePath === undefined) return;
  const full = withTitle(spec, opts.title);
  const { pngOnly, scale } = chartMode(full, opts);
  if (savePath !== undefined && /\.svg$/i.test(savePath)) {
    stageOutput(savePath, await renderSvg(full));
  } else if (savePath !== undefined && /\.json$/i.test(savePath)) {
    stageOutput(savePath, JSON.stringify(full, null, 1) + "\n");
  }
  const needPng = j !== undefined || (savePath !== undefined && !/\.(svg|json)$/i.test(savePath));
  if (!needPng) return;
  const png = await renderPng(full, { scale });
  if (savePath !== undefined && !/\.(svg|json)$/i.test(savePath)) {
    stageOutput(savePath, png);
  }
  if (!j) return;
  // Sent as display_data with the PNG's CSS size in its metadata (what `display()` cannot
  // carry), so viewers that honour it (nbconvert HTML, VS Code, JupyterLab) show the 2× PNG
  // at 1× size; the spec/PNG choice itself is the frontend's.
  await j.broadcast("display_data", {
    ...displayOf(full, png, scale, pngOnly, opts),
    transient: {},
  });
}

/** Options for {@linkcode showTable}. */
export type ShowTableOptions = FormatTableOptions;

/**
 * Shows rows as a table: in the kernel a bundle of `text/html`, `text/markdown` and `text/plain`;
 * outside it prints the plain-text table to stdout.
 *
 * @param rows The records (one per row); columns are the union of their keys unless given.
 * @param opts `columns`, `digits` (default 4), `title`.
 */
export async function showTable(
  rows: readonly Record<string, unknown>[],
  opts: ShowTableOptions = {},
): Promise<void> {
  const t = formatTable(rows, opts);
  const j = jupyter();
  if (!j) {
    console.log(t.text);
    return;
  }
  await j.display({ "text/html": t.html, "text/markdown": t.markdown, "text/plain": t.text }, {
    raw: true,
  });
}

/**
 * Shows Markdown: rendered in the kernel (`text/markdown`, with the source as `text/plain`),
 * printed as-is outside it.
 *
 * @param md Markdown source.
 */
export async function showMarkdown(md: string): Promise<void> {
  const j = jupyter();
  if (!j) {
    console.log(md);
    return;
  }
  await j.display({ "text/markdown": md, "text/plain": md }, { raw: true });
}

/** A live one-line status display; see {@linkcode progressDisplay}. */
export interface ProgressDisplay {
  /** Replaces the shown text (throttled; the latest text always gets shown). */
  update(text: string): void;
  /** Shows the final text (the last `update`, or `text` when given) and ends the line. */
  done(text?: string): void;
}

/** Options for {@linkcode progressDisplay}. */
export interface ProgressDisplayOptions {
  /** Minimum milliseconds between redraws. Default 250 (at most 4 updates/s). */
  intervalMs?: number;
  /**
   * Text shown at once. In the kernel a display belongs to the cell running when it is first
   * drawn: work that is not awaited (it runs during later cells) gives one here, so its progress
   * stays under the cell that started it.
   */
  initial?: string;
}

let progressCounter = 0;
let mirrorFile: Deno.FsFile | undefined;

/**
 * A live, throttled one-line status. In the kernel it is one output updated in place (a
 * `display_id` and `update: true`, `text/plain`); in a terminal, one line on stderr rewritten
 * with `\r` + clear-line; when stderr is not a terminal (logs, CI), plain lines at most every
 * 5 s. Updates arriving faster than `intervalMs` are coalesced: the latest one is drawn when
 * the interval ends (on an unref'd timer, so it never keeps the process alive).
 *
 * @param opts `intervalMs` (default 250); `initial`: text drawn at once.
 * @returns `{update, done}`.
 */
export function progressDisplay(opts: ProgressDisplayOptions = {}): ProgressDisplay {
  const j = jupyter();
  const tty = !j && (() => {
    try {
      return Deno.stderr.isTerminal();
    } catch {
      return false;
    }
  })();
  const interval = j || tty ? (opts.intervalMs ?? 250) : Math.max(opts.intervalMs ?? 250, 5000);
  const displayId = `progress-${Date.now().toString(36)}-${++progressCounter}`;
  const encoder = new TextEncoder();
  let shown = false;
  let finished = false;
  let lastDraw = -Infinity;
  let latest: string | undefined;
  let drawn: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let lastMirrored = -Infinity;
  const mirror = env("SUITE_PROGRESS_TO_STDERR") === "1";

  const draw = (final: boolean): void => {
    const text = latest ?? "";
    if (text === drawn && !final) return;
    lastDraw = performance.now();
    if (j && mirror && (final || lastDraw - lastMirrored > 15_000)) {
      // The headless runner sets SUITE_PROGRESS_TO_STDERR=1: a line every 15 s on the kernel's
      // stderr, which the runner shows, so a long run in a terminal is not silent.
      lastMirrored = lastDraw;
      try {
        // Inside the kernel Deno.stderr is swallowed; the process's own fd 2 reaches the runner.
        mirrorFile ??= Deno.openSync("/dev/stderr", { write: true });
        mirrorFile.writeSync(encoder.encode(`  ${text.replace(/\r?\n/g, " | ")}\n`));
      } catch { /* no stderr */ }
    }
    if (j) {
      const update = shown;
      shown = true;
      if (text === drawn) return;
      drawn = text;
      // Keep the messages in order; a failed display must not break the caller's loop.
      chain = chain
        .then(() => j.display({ "text/plain": text }, { raw: true, display_id: displayId, update }))
        .catch(() => {});
      return;
    }
    const line = text.replace(/\r?\n/g, " | ");
    if (tty) {
      let cols = 0;
      try {
        cols = Deno.consoleSize().columns;
      } catch { /* unknown width */ }
      const fitted = cols > 1 && line.length >= cols ? line.slice(0, cols - 2) + "…" : line;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${fitted}${final ? "\n" : ""}`));
    } else if (text !== drawn) {
      Deno.stderr.writeSync(encoder.encode(line + "\n"));
    }
    drawn = text;
  };

  if (opts.initial !== undefined) {
    latest = opts.initial;
    draw(false);
  }
  return {
    update(text: string): void {
      if (finished) return;
      latest = text;
      const wait = lastDraw + interval - performance.now();
      if (wait <= 0) {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        draw(false);
      } else if (timer === undefined) {
        const id = setTimeout(() => {
          timer = undefined;
          if (!finished) draw(false);
        }, wait);
        Deno.unrefTimer(id);
        timer = id;
      }
    },
    done(text?: string): void {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (text !== undefined) latest = text;
      if (latest === undefined && !shown) return;
      draw(true);
    },
  };
}
