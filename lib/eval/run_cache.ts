/**
 * Reusing identical protocol runs. Every image notebook scores the same baselines (raw pixels,
 * PCA, a random encoder, the supervised network) on the same subsets with the same seeds: the
 * numbers are identical in every notebook, and computing them again is 40–50 % of a notebook's
 * time on two cores. {@link runProtocol} with `cache: true` keys each (method, budget, seed) run by
 * a SHA-256 of everything its result depends on — the method's own inputs (what determines the
 * features: a frozen model's architecture and weights and the images, or else the features'
 * values; or the network's architecture, schedule and starting weights), the subset, the labels and
 * images, the number of classes, the backend, the tfjs version and the source of `lib/` — and
 * stores its scores in `<results>/cache/<key>.json`. A run whose key is there is not run again.
 *
 * Any change to `lib/` (tests and reporting-only files aside), to the data or to a method's inputs
 * gives new keys, so a stored run is only ever reused for a computation that would give the same
 * numbers. `SUITE_CACHE=off` turns reuse off everywhere (everything is computed; nothing is read or
 * written), e.g. to check that claim.
 *
 * Stored runs are verified before they are served: each entry carries a SHA-256 `checksum` of its
 * content, and what it holds is checked (its key, non-empty scores, each score a finite number in
 * its metric's range — accuracies and F1 in [0, 1] — and every metric its method reports). An entry that fails (edited, damaged, or of the older format without a checksum) is
 * reported with its path, removed, and the run is recomputed: never served.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { computesResults } from "../results/code_version.ts";
import { writeAtomic } from "../_write.ts";
import { resultsDir } from "../results/save.ts";
import { scoreProblem } from "../results/schema.ts";

/** One stored run. */
export interface CachedRun {
  key: string;
  /** The run's scores by metric name. */
  scores: Record<string, number>;
  /** What computed it: "<protocol label> <method> · <budget>/class · seed <seed>". */
  computedBy: string;
  /** Seconds the original run took. */
  seconds: number;
  createdAt: string;
  /** {@link codeFingerprint} when it ran. */
  code: string;
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
  let value: string | undefined;
  try {
    value = Deno.env.get("SUITE_CACHE");
  } catch { /* no env permission */ }
  if (value === undefined || value === "" || value === "on") return `${resultsDir()}/cache`;
  if (value === "off") return null;
  throw new Error(
    `SUITE_CACHE="${value}" is not valid: leave it unset (or "on") to reuse identical protocol ` +
      `runs, or set "off" to compute every run.`,
  );
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

const byteHashes = new WeakMap<ArrayBufferView, Promise<string>>();

/** SHA-256 (hex) of the bytes of a typed array, memoised per array. */
export function hashBytes(view: ArrayBufferView): Promise<string> {
  let hash = byteHashes.get(view);
  if (!hash) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    // WebCrypto refuses shared memory (the images may live in a SharedArrayBuffer): copy those.
    const own = bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    hash = crypto.subtle.digest("SHA-256", own as Uint8Array<ArrayBuffer>).then(hex);
    byteHashes.set(view, hash);
  }
  return hash;
}

/**
 * SHA-256 (hex) of a JSON-like value: objects with sorted keys; typed arrays by the hash of their
 * bytes (and their type); functions by their source.
 */
export async function hashValue(value: unknown): Promise<string> {
  const canonical = async (v: unknown): Promise<unknown> => {
    if (ArrayBuffer.isView(v)) {
      return { [v.constructor.name]: await hashBytes(v), length: (v as Uint8Array).length };
    }
    if (typeof v === "function") return { function: String(v) };
    if (Array.isArray(v)) return Promise.all(v.map(canonical));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const item = (v as Record<string, unknown>)[k];
        if (item !== undefined) out[k] = await canonical(item);
      }
      return out;
    }
    return v ?? null;
  };
  const text = JSON.stringify(await canonical(value));
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

let fingerprint: Promise<string> | null = null;

/**
 * SHA-256 of the source of `lib/` that computes results (`computesResults`: every `.ts` file but
 * tests, test helpers and the reporting-only files), by path and content. Once per process.
 */
export function codeFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const lib = new URL("../", import.meta.url);
    const files: string[] = [];
    const walk = async (dir: URL, prefix: string) => {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isDirectory) {
          await walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
        } else if (computesResults(`${prefix}${entry.name}`)) {
          files.push(`${prefix}${entry.name}`);
        }
      }
    };
    await walk(lib, "lib/");
    const sources: Record<string, string> = {};
    for (const file of files.sort()) {
      sources[file] = await Deno.readTextFile(new URL(file.slice("lib/".length), lib));
    }
    return hashValue(sources);
  })();
  return fingerprint;
}

/** What every key of this process shares: the code, the backend and the tfjs version. */
async function environment(): Promise<Record<string, string>> {
  return { code: await codeFingerprint(), backend: tf.getBackend(), tfjs: tf.version.tfjs };
}

/** The key of one run: {@link hashValue} of its inputs plus the code and backend. */
export async function runKey(inputs: unknown): Promise<string> {
  return (await hashValue({ ...(await environment()), inputs })).slice(0, 32);
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
  if (typeof entry.seconds !== "number" || !(entry.seconds >= 0)) {
    return "seconds is not a non-negative number";
  }
  return null;
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

/** Stores a run (through a temporary file and a rename: never a half-written entry). */
export async function writeRun(
  dir: string,
  run: Omit<CachedRun, "createdAt" | "code" | "checksum">,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const content = {
    ...run,
    createdAt: new Date().toISOString(),
    code: await codeFingerprint(),
  };
  const entry: CachedRun = { ...content, checksum: await checksumOf(content) };
  await writeAtomic(`${dir}/${run.key}.json`, JSON.stringify(entry, null, 2) + "\n");
}

/**
 * Removes stored runs computed by other code than the current `lib/` (they can never be reused)
 * and entries that fail verification; returns how many were removed. The suite runner calls it
 * after running every notebook.
 */
export async function pruneRunCache(dir: string): Promise<number> {
  const code = await codeFingerprint();
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".json")) continue;
      const found = await loadRun(`${dir}/${entry.name}`, entry.name.slice(0, -".json".length));
      if (found === null) continue; // removed meanwhile
      if (!("run" in found) || found.run.code !== code) {
        await Deno.remove(`${dir}/${entry.name}`);
        removed++;
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return removed;
}
