/**
 * Headless rendering of Vega-Lite specs: SVG through Vega's `"none"` renderer (no canvas, no
 * browser), PNG through resvg (WebAssembly) with the DejaVu Sans font from the Debian package
 * `fonts-dejavu-core`.
 *
 * @example
 * ```ts ignore
 * import { renderPng, renderSvg } from "./render.ts";
 * const spec = {
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   data: { values: [{ a: 1, b: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
 * };
 * const svg = await renderSvg(spec);
 * const png = await renderPng(spec, { scale: 2 });
 * ```
 * @module
 */
import process from "node:process";

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
type Resvg = typeof import("@resvg/resvg-wasm");

/** A Vega-Lite (or, with a Vega `$schema`, a Vega) spec as plain JSON. */
export type ChartSpec = Readonly<Record<string, unknown>>;

/** Default font: DejaVu Sans from Debian's `fonts-dejavu-core`. */
export const DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

let vegaPromise: Promise<Vega> | undefined;
let vegaLitePromise: Promise<VegaLite> | undefined;
let resvgPromise: Promise<Resvg> | undefined;
const fontCache = new Map<string, Promise<Uint8Array[]>>();

/**
 * Imports a module while Node deprecation warnings are muted. Vega's Node build (also pulled in
 * by Vega-Lite) loads `node-fetch` → `punycode`, whose harmless DEP0040 warning would otherwise
 * be printed into every notebook that draws a chart. The warning is emitted on a later tick, so
 * the mute lasts one timer turn past the import.
 */
async function importQuietly<T>(load: () => Promise<T>): Promise<T> {
  const proc = process as typeof process & { noDeprecation?: boolean };
  const before = proc.noDeprecation;
  proc.noDeprecation = true;
  try {
    const mod = await load();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return mod;
  } finally {
    proc.noDeprecation = before;
  }
}

function loadVega(): Promise<Vega> {
  vegaPromise ??= importQuietly(() => import("vega"));
  return vegaPromise;
}

function loadVegaLite(): Promise<VegaLite> {
  vegaLitePromise ??= importQuietly(() => import("vega-lite"));
  return vegaLitePromise;
}

/** Loads resvg and instantiates its WebAssembly module exactly once per process. */
function loadResvg(): Promise<Resvg> {
  resvgPromise ??= (async () => {
    const resvg = await import("@resvg/resvg-wasm");
    const wasmUrl = new URL("./index_bg.wasm", import.meta.resolve("@resvg/resvg-wasm"));
    const bytes = wasmUrl.protocol === "file:"
      ? await Deno.readFile(wasmUrl)
      : new Uint8Array(await (await fetch(wasmUrl)).arrayBuffer());
    await resvg.initWasm(bytes);
    return resvg;
  })();
  // A failed init must not poison later calls.
  resvgPromise.catch(() => (resvgPromise = undefined));
  return resvgPromise;
}

function loadFonts(path: string): Promise<Uint8Array[]> {
  let fonts = fontCache.get(path);
  if (!fonts) {
    fonts = (async () => {
      let regular: Uint8Array;
      try {
        regular = await Deno.readFile(path);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
        throw new Error(
          `Font file ${path} not found; PNG rendering needs it. ` +
            `Install it with: apt-get install fonts-dejavu-core`,
          { cause: err },
        );
      }
      const out = [regular];
      // Titles are bold; use the bold face when it sits beside the regular one.
      const bold = path.replace(/\.ttf$/, "-Bold.ttf");
      if (bold !== path) {
        try {
          out.push(await Deno.readFile(bold));
        } catch { /* regular only */ }
      }
      return out;
    })();
    fontCache.set(path, fonts);
    fonts.catch(() => fontCache.delete(path));
  }
  return fonts;
}

function describe(spec: ChartSpec): string {
  return typeof spec.title === "string" ? ` "${spec.title}"` : "";
}

const MARKS = new Set([
  "arc",
  "area",
  "bar",
  "image",
  "line",
  "point",
  "rect",
  "rule",
  "text",
  "tick",
  "trail",
  "circle",
  "square",
  "geoshape",
  "boxplot",
  "errorband",
  "errorbar",
]);

/** Finds unknown mark types, which Vega-Lite reports only as an obscure TypeError. */
function checkMarks(node: unknown, path: string): void {
  if (node === null || typeof node !== "object") return;
  const n = node as Record<string, unknown>;
  if (n.mark !== undefined) {
    const m = n.mark;
    const type = m !== null && typeof m === "object" ? (m as { type?: unknown }).type : m;
    if (typeof type !== "string" || !MARKS.has(type)) {
      throw new Error(
        `unknown mark type ${JSON.stringify(type)} at ${path}.mark; ` +
          `expected one of ${[...MARKS].join(", ")}`,
      );
    }
  }
  if (n.spec) checkMarks(n.spec, `${path}.spec`);
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const children = n[key];
    if (Array.isArray(children)) children.forEach((c, i) => checkMarks(c, `${path}.${key}[${i}]`));
  }
}

/** Compiles Vega-Lite to Vega (a Vega spec passes through), with errors that say what failed. */
async function toVega(spec: ChartSpec): Promise<Record<string, unknown>> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(
      `Expected a Vega-Lite spec object, got ${spec === null ? "null" : typeof spec}`,
    );
  }
  const schema = typeof spec.$schema === "string" ? spec.$schema : "";
  if (/\/schema\/vega\/v\d/.test(schema)) return spec as Record<string, unknown>;
  const vl = await loadVegaLite();
  try {
    checkMarks(spec, "spec");
    // deno-lint-ignore no-explicit-any
    return vl.compile(spec as any).spec as unknown as Record<string, unknown>;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`Invalid Vega-Lite spec${describe(spec)}: ${msg}`, { cause: err });
  }
}

/**
 * Renders a Vega-Lite v5 spec to an SVG string, headlessly (Vega View with renderer `"none"`).
 * A spec whose `$schema` is a Vega (not Vega-Lite) schema is rendered as Vega directly.
 *
 * @param spec The Vega-Lite spec, e.g. from {@linkcode accuracyVsLabels}.
 * @returns The SVG document as a string.
 * @throws {Error} "Invalid Vega-Lite spec: …" when compilation fails, or "Vega failed to render
 * …" when the compiled spec fails at runtime (bad expression, unknown scale, …).
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const vgSpec = await toVega(spec);
  const vega = await loadVega();
  const errors: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, level, args) => {
    const text = [...args].map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
    if (level === "ERROR") errors.push(text);
    else console.warn(`vega ${level.toLowerCase()}: ${text}`);
  });
  let runtime;
  try {
    // deno-lint-ignore no-explicit-any
    runtime = vega.parse(vgSpec as any);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`Vega failed to parse the spec${describe(spec)}: ${msg}`, { cause: err });
  }
  const view = new vega.View(runtime, { renderer: "none", logger });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(errors.join("; "));
    return svg;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`Vega failed to render the spec${describe(spec)}: ${msg}`, { cause: err });
  } finally {
    view.finalize();
  }
}

/** Options for {@linkcode renderPng}. */
export interface RenderPngOptions {
  /** Device pixels per CSS pixel. Default 2 (crisp on high-DPI screens and in GitHub). */
  scale?: number;
  /** TrueType font used for all text. Default {@linkcode DEFAULT_FONT_PATH}. */
  fontPath?: string;
}

/**
 * Renders a Vega-Lite v5 spec to PNG bytes on a white background: SVG via {@linkcode renderSvg},
 * then resvg with DejaVu Sans.
 *
 * @param spec The Vega-Lite spec.
 * @param opts `scale` (default 2) and `fontPath`.
 * @returns The PNG file's bytes.
 * @throws {Error} As {@linkcode renderSvg}, or when the font file is missing
 * (`apt-get install fonts-dejavu-core`).
 */
export async function renderPng(spec: ChartSpec, opts: RenderPngOptions = {}): Promise<Uint8Array> {
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) throw new RangeError(`scale must be in (0, 16], got ${scale}`);
  const [svg, fonts, resvg] = await Promise.all([
    renderSvg(spec),
    loadFonts(opts.fontPath ?? DEFAULT_FONT_PATH),
    loadResvg(),
  ]);
  const r = new resvg.Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: {
      fontBuffers: fonts,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      serifFamily: "DejaVu Sans",
      monospaceFamily: "DejaVu Sans",
    },
  });
  try {
    const image = r.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    r.free();
  }
}
