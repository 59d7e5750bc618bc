/**
 * Chooses the TensorFlow.js backend for the suite: an explicit name, else the `BACKEND`
 * environment variable, else `native` — the wasm backend with oneDNN kernels through FFI
 * (`./native/`), on every core — where oneDNN loads, and `wasm` (single-threaded XNNPACK, with the
 * training kernels of `./kernels.ts`) with a one-line notice where it does not.
 *
 * @example
 * ```ts
 * import { initBackend } from "./backend.ts";
 * const name = await initBackend(); // "native" (or "wasm" without oneDNN) unless BACKEND says
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { env } from "../config/env.ts";
import { registerWasmTrainingKernels } from "./kernels.ts";
import { NativeUnavailable, registerNativeBackend, setNativeThreads } from "./native/mod.ts";

/** The backends `initBackend` accepts. */
export const BACKENDS = ["native", "wasm", "cpu", "webgpu"] as const;
/** One of {@link BACKENDS}. */
export type BackendName = typeof BACKENDS[number];
/** The backend used when neither an argument nor `BACKEND` names one. */
export const DEFAULT_BACKEND: BackendName = "native";

/** `BACKEND` from the environment, or undefined when unset or when env access is not granted. */
function backendFromEnv(): string | undefined {
  return env("BACKEND");
}

/**
 * `SUITE_THREADS`: the threads one native kernel call may use (oneDNN's OpenMP team), or
 * undefined when unset (the backend's default). Throws a clear error for anything but a whole
 * number from 1 to 256.
 */
export function threadsFromEnv(
  value: string | undefined = env("SUITE_THREADS"),
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(
      `SUITE_THREADS="${value}" is not valid: give a whole number of threads per kernel, 1 to 256 ` +
        `(e.g. SUITE_THREADS=2), or leave it unset for the default.`,
    );
  }
  return n;
}

/**
 * Checks the backend knobs (`BACKEND`, `SUITE_THREADS`) without loading anything, so a config cell
 * can reject a typo before any work starts. Returns the parsed values.
 * @throws Error naming the variable, the bad value and the valid ones.
 */
export function backendKnobs(): { backend: BackendName | undefined; threads: number | undefined } {
  const raw = backendFromEnv();
  const backend = raw?.trim().toLowerCase();
  if (backend !== undefined && !isBackendName(backend)) {
    throw new Error(`BACKEND: unknown backend "${raw}"; valid values: ${BACKENDS.join(", ")}`);
  }
  return { backend, threads: threadsFromEnv() };
}

function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

/** The bit of the WebGPU API checked before loading the backend. */
interface Gpu {
  requestAdapter(): Promise<unknown>;
}

/**
 * Loads the WebGPU backend on demand. It needs `navigator.gpu` (older Deno: `--unstable-webgpu`)
 * and a GPU adapter; without either, a clear error rather than tfjs's warning and a `false`.
 */
async function loadWebGpu(): Promise<void> {
  const gpu = (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;
  if (gpu == null) {
    throw new Error(
      "BACKEND=webgpu needs navigator.gpu, which this Deno does not expose: " +
        "run deno with --unstable-webgpu",
    );
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (adapter == null) {
    throw new Error(
      "BACKEND=webgpu: navigator.gpu found no GPU adapter (no GPU or driver here); " +
        "use BACKEND=wasm",
    );
  }
  await import("@tensorflow/tfjs-backend-webgpu");
}

/**
 * Activates a tfjs backend and returns the name of the active one. Idempotent: calling it again
 * with the active backend is a no-op.
 *
 * @param name "cpu" | "wasm" | "webgpu"; defaults to env `BACKEND`, then "wasm".
 * @throws Error naming BACKEND, the bad value and the valid ones, for an unknown name; or when the
 *   backend fails to initialise (e.g. WebGPU without `--unstable-webgpu`).
 */
export async function initBackend(name?: string): Promise<string> {
  const explicit = name ?? backendFromEnv();
  let requested = (explicit ?? DEFAULT_BACKEND).trim().toLowerCase();
  if (!isBackendName(requested)) {
    throw new Error(
      `BACKEND: unknown backend "${explicit}"; valid values: ${BACKENDS.join(", ")}`,
    );
  }
  if (requested === "native" && tf.findBackend("native") == null) {
    try {
      await registerNativeBackend();
    } catch (e) {
      if (!(e instanceof NativeUnavailable) || explicit !== undefined) throw e;
      // The default, not a request: say once why, and run on wasm as before.
      if (!warnedFallback) console.warn(`BACKEND: native unavailable, using wasm. ${e.message}`);
      warnedFallback = true;
      requested = "wasm";
    }
  }
  if (requested === "native") {
    const threads = threadsFromEnv() ?? defaultThreads();
    setNativeThreads(threads);
  }
  if (requested === "wasm") registerWasmTrainingKernels();
  if (requested === "webgpu" && tf.findBackend("webgpu") == null) await loadWebGpu();
  if (tf.getBackend() !== requested) {
    const ok = await tf.setBackend(requested);
    if (!ok) throw new Error(`BACKEND: the "${requested}" backend failed to initialise`);
  }
  await tf.ready();
  return tf.getBackend();
}

let warnedFallback = false;

/**
 * Threads per native kernel call when `SUITE_THREADS` is unset: every core on the main thread
 * (one training run at a time uses the whole machine), one in a Worker (the protocol's pool runs
 * one worker per core, each training its own run).
 */
export function defaultThreads(): number {
  const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !==
    "undefined";
  return inWorker ? 1 : Math.max(1, navigator.hardwareConcurrency ?? 1);
}
