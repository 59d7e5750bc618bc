/**
 * The environment variables of the suite, and the one place `lib/` reads them. A leaf module: it
 * imports nothing, so any module may use it without an import cycle.
 *
 * Each value is read when asked for (never cached: a test may set a variable between calls).
 * Unset, empty, and unreadable (no `--allow-env`) all read as `undefined`: the variable's default.
 * Each variable is validated where it is used (see {@link SUITE_ENV}); the config cell checks them
 * all at once (`applyOverrides` in `./mode.ts`, `validateKnobs` in `./knobs.ts`).
 *
 * @example
 * ```ts
 * import { env } from "./env.ts";
 * const mode = env("SUITE_MODE") ?? "standard";
 * ```
 * @module
 */

/** Every variable the suite reads, with what it sets and where it is validated. */
export const SUITE_ENV = {
  SUITE_MODE: "smoke | standard | full: the notebooks' sizes (lib/config/mode.ts)",
  SUITE_OVERRIDES: "a JSON object overriding config keys (lib/config/mode.ts)",
  SUITE_WORKERS: "training workers of the protocol, 0 (inline) to 64; default 2 (suiteWorkers)",
  BACKEND: "native | wasm | cpu | webgpu; default native (lib/backend/backend.ts)",
  SUITE_THREADS: "threads per native kernel call, 1 to 256 (lib/backend/backend.ts)",
  SUITE_CACHE: "on | off: reuse identical protocol runs (lib/eval/run_cache.ts)",
  RESULTS_DIR: "where results are written; default results/ (lib/results/save.ts)",
  FASHION_MNIST_DIR: "a directory holding Fashion-MNIST (lib/data/fashion_mnist.ts)",
  DNNL_LIBRARY: "the oneDNN shared library to load (lib/backend/native/dnnl.ts)",
  SUITE_PROGRESS_TO_STDERR: "1: mirror progress lines to stderr (lib/show/show.ts)",
  SUITE_CHECKPOINTS: "the zoo's directory of stored checkpoints; default checkpoints/ (lib/zoo/)",
  SLURM_ARRAY_TASK_ID: "set by Slurm in an array job: the zoo job to run (tools/pretrain.ts)",
  JOB_COMPLETION_INDEX: "set by a Kubernetes Indexed Job: the zoo job to run (tools/pretrain.ts)",
} as const;

/** The name of one of the suite's variables ({@link SUITE_ENV}). */
export type SuiteEnvName = keyof typeof SUITE_ENV;

/** The value of `name`, or undefined when it is unset, empty, or env access is not granted. */
export function env(name: SuiteEnvName): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}

/**
 * `SUITE_WORKERS`: the protocol's training workers, else 2 (the machines' two cores); 0 means
 * inline. Throws an Error naming the variable and the valid range for anything but 0 to 64.
 */
export function suiteWorkers(value: string | undefined = env("SUITE_WORKERS")): number {
  if (value === undefined) return 2;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new Error(
      `SUITE_WORKERS="${value}" is not valid: give a whole number of workers, 0 (inline) to 64.`,
    );
  }
  return n;
}
