/**
 * Reusing identical protocol runs. Every image notebook scores the same baselines (raw pixels,
 * PCA, a random encoder, the supervised network) on the same subsets with the same seeds: the
 * numbers are identical in every notebook, and computing them again is 40–50 % of a notebook's
 * time on two cores. {@link runProtocol} with `cache: true` keys each (method, budget, seed) run by
 * a SHA-256 of everything its result depends on — the method's own inputs (what determines the
 * features: a frozen model's architecture and weights and the images, or else the features'
 * values; or the network's architecture, schedule and starting weights), the subset, the labels and
 * images, the number of classes, the backend, the tfjs version and the source of the code — and
 * stores its scores in `<results>/cache/<key>.json`. A run whose key is there is not run again.
 *
 * The code is either all of `lib/` ({@link codeFingerprint}) or, when the caller names the modules
 * that compute (`runKey(inputs, { modules })`), the files those modules reach by their imports
 * ({@link moduleFingerprint}): then an edit to a file they do not reach (another notebook's pretext
 * task, say) leaves their stored runs valid. Tests and reporting-only files (`computesResults` in
 * lib/results/code_version.ts: charts, display, summaries) never count. Any change to that code, to
 * the data or to a method's inputs gives new keys, so a stored run is only ever reused for a
 * computation that would give the same numbers. `SUITE_CACHE=off` turns reuse off everywhere
 * (everything is computed; nothing is read or written), e.g. to check that claim.
 *
 * Stored runs are verified before they are served: each entry carries a SHA-256 `checksum` of its
 * content, and what it holds is checked (its key, non-empty scores, each score a finite number in
 * its metric's range — accuracies and F1 in [0, 1] — and every metric its method reports). An
 * entry that fails (edited, damaged, or of the older format without a checksum) is reported with
 * its path, removed, and the run is recomputed: never served.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { env } from "../config/env.ts";
import { computesResults } from "../results/code_version.ts";
import { writeAtomic } from "../_write.ts";
import { hashBytes, hashValue } from "../_hash.ts";
export { hashBytes, hashValue };
import { resultsDir } from "../results/save.ts";
import { scoreProblem } from "../results/schema.ts";

/** One stored run. */
export interface CachedRun {
  key: string;
  /** The run's scores by metric name. */
  scores: Record<string, number>;
  /** The hyperparameters the method chose in the labelled subset (`Selected` of ./protocol.ts). */
  selected?: Record<string, unknown>;
  /** What computed it: "<protocol label> <method> · <budget>/class · seed <seed>". */
  computedBy: string;
  /** Seconds the original run took. */
  seconds: number;
  createdAt: string;
  /**
   * The fingerprint of the code in its key: {@link moduleFingerprint} of `modules` where given,
   * else {@link codeFingerprint}.
   */
  code: string;
  /** The modules that computed it (repository-relative paths; see {@link RunCodeOptions}). */
  modules?: string[];
  /** SHA-256 ({@link hashValue}) of every other field: an entry whose content changed fails it. */
  checksum: string;
}

/**
 * What a reader expects of a stored run: the metrics of its method. (Not the method's name: a key
 * identifies a computation, and two notebooks may name the same computation differently.)
 */
export interface RunExpectation {
  metrics?: string[];
}

/** Where stored runs live (`<results>/cache`), or null when `SUITE_CACHE=off`. */
export function runCacheDir(): string | null {
  const value = env("SUITE_CACHE");
  if (value === undefined || value === "on") return `${resultsDir()}/cache`;
  if (value === "off") return null;
  throw new Error(
    `SUITE_CACHE="${value}" is not valid: leave it unset (or "on") to reuse identical protocol ` +
      `runs, or set "off" to compute every run.`,
  );
}

/** The repository: module paths are relative to it. */
const ROOT = new URL("../..", import.meta.url);

/** SHA-256 of the files (relative to `root`) that can change a number, by path and content. */
async function hashSources(paths: string[], root: URL): Promise<string> {
  const sources: Record<string, string> = {};
  for (const path of paths.filter(computesResults).sort()) {
    sources[path] = await Deno.readTextFile(new URL(path, root));
  }
  return hashValue(sources);
}

let fingerprint: Promise<string> | null = null;

/**
 * SHA-256 of the source of `lib/` that computes results (`computesResults`: every `.ts` file but
 * tests, test helpers and the reporting-only files), by path and content. Once per process.
 */
export function codeFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const files: string[] = [];
    const walk = async (dir: URL, prefix: string) => {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isDirectory) {
          await walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
        } else files.push(`${prefix}${entry.name}`);
      }
    };
    await walk(new URL("lib/", ROOT), "lib/");
    return hashSources(files, ROOT);
  })();
  return fingerprint;
}

/**
 * The edges of a module's import graph, each capturing a specifier (and, for the first, whether
 * the import is type-only): `import … from` / `export … from` at the start of a line (the list may
 * span lines; doc comments' examples, behind ` * `, do not count), side-effect imports, dynamic
 * imports of a literal, and `new URL("….ts", import.meta.url)` (a Worker's module).
 */
const IMPORTS: RegExp[] = [
  /^[ \t]*(?:import|export)(\s+type\b)?[^;'"()=]*?\bfrom\s*["']([^"'\n]+)["']/gm,
  /^[ \t]*import()\s*["']([^"'\n]+)["']/gm,
  /\bimport()\(\s*["']([^"'\n]+)["']\s*\)/g,
  /\bnew URL()\(\s*["']([^"'\n]+\.[jt]sx?)["']\s*,\s*import\.meta\.url\s*\)/g,
];

/** Where the suite's modules live: the repository, or another root (a test's directory). */
export interface ModuleOptions {
  /** Paths are relative to it (default: this repository). */
  root?: string | URL;
}

const closures = new Map<string, string[]>();

/** `root` as a directory URL, the modules' URLs, and a cache key for them. */
function resolveModules(urls: (string | URL)[], opts: ModuleOptions) {
  if (!urls.length) throw new Error("name at least one module: its imports are the code");
  const root = new URL(opts.root ?? ROOT);
  if (!root.href.endsWith("/")) root.href += "/";
  const starts = urls.map((u) => new URL(u, root));
  const key = [root.href, ...starts.map((u) => u.href).sort()].join("\n");
  return { root, starts, key };
}

/** The path of `url` relative to `root`, or its absolute path when outside it. */
function relativePath(url: URL, root: URL): string {
  return url.href.startsWith(root.href) ? url.href.slice(root.href.length) : url.pathname;
}

/**
 * The files that the modules at `urls` (file: URLs, e.g. `import.meta.url`) reach through relative
 * imports, themselves included, transitively: sorted paths relative to the repository (or
 * `opts.root`). Type-only imports (`import type`, `export type … from`) are not followed: they
 * change no number; bare specifiers (npm packages) neither: the key records tfjs's version. Once
 * per process per set of modules.
 * A specifier naming no file (a false match, e.g. in a string) is skipped: what does not exist
 * cannot run.
 * @throws Error for a module of `urls` that cannot be read, or an import that exists but cannot.
 */
export function moduleClosure(urls: (string | URL)[], opts: ModuleOptions = {}): string[] {
  const { root, starts, key } = resolveModules(urls, opts);
  let closure = closures.get(key);
  if (closure) return [...closure];
  const seen = new Set<string>();
  const visit = (url: URL, from?: URL) => {
    if (seen.has(url.href)) return;
    if (url.protocol !== "file:") throw new Error(`moduleClosure: ${url} is not a file: URL`);
    let source: string;
    try {
      source = Deno.readTextFileSync(url);
    } catch (e) {
      if (from && e instanceof Deno.errors.NotFound) return;
      const by = from ? ` (imported by ${from.pathname})` : "";
      throw new Error(`moduleClosure: cannot read ${url.pathname}${by}: ${(e as Error).message}`);
    }
    seen.add(url.href);
    for (const pattern of IMPORTS) {
      for (const [, typeOnly, specifier] of source.matchAll(pattern)) {
        if (!typeOnly && /^\.\.?\//.test(specifier)) visit(new URL(specifier, url), url);
      }
    }
  };
  for (const start of starts) visit(start);
  closure = [...seen].map((href) => relativePath(new URL(href), root)).sort();
  closures.set(key, closure);
  return [...closure];
}

const moduleFingerprints = new Map<string, Promise<string>>();

/**
 * SHA-256 of the files of {@link moduleClosure} that can change a number (`computesResults`), by
 * path and content. Once per process per set of modules.
 */
export function moduleFingerprint(
  urls: (string | URL)[],
  opts: ModuleOptions = {},
): Promise<string> {
  const { root, key } = resolveModules(urls, opts);
  let hash = moduleFingerprints.get(key);
  if (!hash) {
    const closure = moduleClosure(urls, opts);
    hash = hashSources(closure, root);
    moduleFingerprints.set(key, hash);
  }
  return hash;
}

/** Which code a run's key holds. */
export interface RunCodeOptions {
  /**
   * The modules that compute the run (file: URLs, e.g. `new URL("./protocol.ts",
   * import.meta.url)`): the key holds their {@link moduleFingerprint}. Default: all of `lib/`
   * ({@link codeFingerprint}).
   */
  modules?: (string | URL)[];
}

/** The code fingerprint of a run, and its modules as stored (repository-relative paths). */
async function runCode(opts: RunCodeOptions): Promise<{ code: string; modules?: string[] }> {
  if (!opts.modules) return { code: await codeFingerprint() };
  return {
    code: await moduleFingerprint(opts.modules),
    modules: resolveModules(opts.modules, {}).starts.map((u) => relativePath(u, ROOT)).sort(),
  };
}

/**
 * The key of one run: {@link hashValue} of its inputs, the code (see {@link RunCodeOptions}), the
 * backend and the tfjs version.
 */
export async function runKey(inputs: unknown, opts: RunCodeOptions = {}): Promise<string> {
  const { code } = await runCode(opts);
  const environment = { code, backend: tf.getBackend(), tfjs: tf.version.tfjs };
  return (await hashValue({ ...environment, inputs })).slice(0, 32);
}

/** The checksum of an entry: {@link hashValue} of all its fields but `checksum`. */
function checksumOf(entry: Record<string, unknown>): Promise<string> {
  const { checksum: _, ...content } = entry;
  return hashValue(content);
}

/**
 * Verifies a parsed entry against its key and what the reader expects; returns what is wrong, or
 * null when it may be served.
 */
export async function runProblem(
  value: unknown,
  key: string,
  expect: RunExpectation = {},
): Promise<string | null> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "it is not a JSON object";
  }
  const entry = value as Record<string, unknown>;
  if (typeof entry.checksum !== "string") {
    return "it has no checksum (an entry of an older format)";
  }
  if (entry.checksum !== await checksumOf(entry)) {
    return "its checksum does not match its content (the file was edited or damaged)";
  }
  if (entry.key !== key) return `its key is ${JSON.stringify(entry.key)}, not ${key}`;
  const scores = entry.scores as Record<string, unknown> | undefined;
  if (typeof scores !== "object" || scores === null || !Object.keys(scores).length) {
    return "it holds no scores";
  }
  for (const [metric, score] of Object.entries(scores)) {
    const problem = scoreProblem(metric, score, `score "${metric}"`);
    if (problem) return problem;
  }
  const missing = (expect.metrics ?? []).filter((m) => !(m in scores));
  if (missing.length) return `it lacks the expected metric(s) ${missing.join(", ")}`;
  for (const field of ["computedBy", "createdAt", "code"]) {
    if (typeof entry[field] !== "string") return `${field} is not a string`;
  }
  const modules = entry.modules;
  if (modules !== undefined && !(Array.isArray(modules) && modules.every(isString))) {
    return "modules is not a list of paths";
  }
  const selected = entry.selected;
  if (
    selected !== undefined && (typeof selected !== "object" || !selected || Array.isArray(selected))
  ) {
    return "selected is not an object";
  }
  if (typeof entry.seconds !== "number" || !(entry.seconds >= 0)) {
    return "seconds is not a non-negative number";
  }
  return null;
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

/** Reads and verifies one entry: the run, or why it cannot be served (null: no such file). */
async function loadRun(
  path: string,
  key: string,
  expect: RunExpectation = {},
): Promise<{ run: CachedRun } | { problem: string } | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    return { problem: `it cannot be read (${(e as Error).message})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `it is not valid JSON (${(e as Error).message})` };
  }
  const problem = await runProblem(value, key, expect);
  return problem ? { problem } : { run: value as CachedRun };
}

/**
 * The stored run for `key` in `dir`, verified (see the module doc), or null: missing, or failing
 * verification — then it is reported on stderr with its path and removed, and the caller
 * recomputes (and stores) the run.
 */
export async function readRun(
  dir: string,
  key: string,
  expect: RunExpectation = {},
): Promise<CachedRun | null> {
  const path = `${dir}/${key}.json`;
  const found = await loadRun(path, key, expect);
  if (found === null) return null;
  if ("run" in found) return found.run;
  console.error(`run cache: discarded ${path}: ${found.problem}; the run is recomputed.`);
  await Deno.remove(path).catch(() => {});
  return null;
}

/**
 * Stores a run (through a temporary file and a rename: never a half-written entry), with the code
 * fingerprint of its key: pass the `opts` given to {@link runKey}.
 */
export async function writeRun(
  dir: string,
  run: Omit<CachedRun, "createdAt" | "code" | "modules" | "checksum">,
  opts: RunCodeOptions = {},
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const content = { ...run, createdAt: new Date().toISOString(), ...await runCode(opts) };
  const entry: CachedRun = { ...content, checksum: await checksumOf(content) };
  await writeAtomic(`${dir}/${run.key}.json`, JSON.stringify(entry, null, 2) + "\n");
}

/** The current fingerprint of the code of a stored run, or null when its modules are gone. */
async function currentCode(run: CachedRun): Promise<string | null> {
  try {
    return (await runCode({ modules: run.modules?.map((path) => new URL(path, ROOT)) })).code;
  } catch {
    return null; // a module was removed or renamed
  }
}

/**
 * Removes stored runs computed by other code than the current one (they can never be reused) and
 * entries that fail verification; returns how many were removed. The suite runner calls it after
 * running every notebook.
 */
export async function pruneRunCache(dir: string): Promise<number> {
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".json")) continue;
      const found = await loadRun(`${dir}/${entry.name}`, entry.name.slice(0, -".json".length));
      if (found === null) continue; // removed meanwhile
      if (!("run" in found) || found.run.code !== await currentCode(found.run)) {
        await Deno.remove(`${dir}/${entry.name}`);
        removed++;
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return removed;
}
