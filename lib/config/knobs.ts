/**
 * Every knob of the environment, validated at once — the config cell calls this (through
 * `applyOverrides`) before any data is read or any training starts, so a typo stops a run in its
 * first seconds, not minutes in when the value is first used. Each check throws an Error naming
 * the variable, the bad value, what is wrong and the fix:
 *
 * - `SUITE_WORKERS` (a whole number 0–64), `BACKEND` and `SUITE_THREADS` (`backendKnobs`),
 *   `SUITE_CACHE` (on/off);
 * - `RESULTS_DIR` (or the default `results/`): a directory that exists or can be created, and that
 *   this process can write to (checked by creating and removing a file in it).
 *
 * `SUITE_MODE` and `SUITE_OVERRIDES` are checked beside it, in `lib/config/mode.ts`.
 * @module
 */
import { backendKnobs } from "../backend/mod.ts";
import { runCacheDir } from "../protocol/run_cache.ts";
import { resultsDir } from "../results/save.ts";
import { env, suiteWorkers } from "./env.ts";

/** The validated knobs. */
export interface Knobs {
  workers: number;
  backend: string | undefined;
  threads: number | undefined;
  resultsDir: string;
  /** The run cache's directory, or null when `SUITE_CACHE=off`. */
  cacheDir: string | null;
}

function describe(dir: string): string {
  const value = env("RESULTS_DIR");
  return value ? `RESULTS_DIR=${value}` : `RESULTS_DIR (unset: the default ${dir})`;
}

/**
 * Checks that `dir` (default: {@link resultsDir}) is a directory this process can write results
 * to, creating it when it does not exist. Returns it.
 * @throws Error naming RESULTS_DIR, the path and the fix.
 */
export function checkResultsDir(dir: string = resultsDir()): string {
  const fix = "Fix: point RESULTS_DIR at a writable directory (it is created if missing), " +
    "or unset it to write into results/.";
  let stat: Deno.FileInfo | null = null;
  try {
    stat = Deno.statSync(dir);
  } catch { /* missing (or under a file): creating it says why not */ }
  if (stat && !stat.isDirectory) {
    throw new Error(`${describe(dir)} is a file, not a directory. ${fix}`);
  }
  if (!stat) {
    try {
      Deno.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new Error(
        `${describe(dir)} does not exist and cannot be created (${(e as Error).message}). ${fix}`,
      );
    }
  }
  try {
    Deno.removeSync(Deno.makeTempFileSync({ dir, prefix: ".write-check-" }));
  } catch (e) {
    throw new Error(`${describe(dir)} is not writable (${(e as Error).message}). ${fix}`);
  }
  return dir;
}

/**
 * Validates every knob of the environment (see the module doc) and returns the parsed values.
 * @throws Error naming the first bad variable, its value and the fix.
 */
export function validateKnobs(): Knobs {
  const workers = suiteWorkers();
  const { backend, threads } = backendKnobs();
  const cacheDir = runCacheDir();
  const dir = checkResultsDir();
  if (cacheDir) {
    try {
      if (!Deno.statSync(cacheDir).isDirectory) {
        throw new Error(
          `the run cache ${cacheDir} (in ${describe(dir)}) is a file, not a directory. ` +
            "Fix: remove or rename it, or set SUITE_CACHE=off.",
        );
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return { workers, backend, threads, resultsDir: dir, cacheDir };
}
