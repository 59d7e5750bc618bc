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
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { computesResults } from "../results/code_version.ts";
import { writeAtomic } from "../_write.ts";
import { resultsDir } from "../results/save.ts";

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

/** The stored run for `key` in `dir`, or null (missing, or unreadable: then it is recomputed). */
export async function readRun(dir: string, key: string): Promise<CachedRun | null> {
  try {
    const entry = JSON.parse(await Deno.readTextFile(`${dir}/${key}.json`)) as CachedRun;
    const valid = entry.key === key && entry.scores && typeof entry.scores === "object" &&
      Object.values(entry.scores).every((v) => typeof v === "number" && Number.isFinite(v));
    return valid ? entry : null;
  } catch {
    return null;
  }
}

/** Stores a run (through a temporary file and a rename: never a half-written entry). */
export async function writeRun(
  dir: string,
  run: Omit<CachedRun, "createdAt" | "code">,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const entry: CachedRun = {
    ...run,
    createdAt: new Date().toISOString(),
    code: await codeFingerprint(),
  };
  await writeAtomic(`${dir}/${run.key}.json`, JSON.stringify(entry, null, 2) + "\n");
}

/**
 * Removes stored runs computed by other code than the current `lib/` (they can never be reused);
 * returns how many were removed. The suite runner calls it after running every notebook.
 */
export async function pruneRunCache(dir: string): Promise<number> {
  const code = await codeFingerprint();
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.name.endsWith(".json")) continue;
      const run = await readRun(dir, entry.name.slice(0, -".json".length));
      if (run?.code !== code) {
        await Deno.remove(`${dir}/${entry.name}`);
        removed++;
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return removed;
}
