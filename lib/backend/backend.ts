/**
 * Chooses the TensorFlow.js backend for the suite: an explicit name, else the `BACKEND`
 * environment variable, else `wasm` (single-threaded XNNPACK, with the training kernels of
 * `./kernels.ts` registered first).
 *
 * @example
 * ```ts
 * import { initBackend } from "./backend.ts";
 * const name = await initBackend(); // "wasm" unless BACKEND says otherwise
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels } from "./kernels.ts";

/** The backends `initBackend` accepts. */
export const BACKENDS = ["cpu", "wasm", "webgpu"] as const;
/** One of {@link BACKENDS}. */
export type BackendName = typeof BACKENDS[number];
/** The backend used when neither an argument nor `BACKEND` names one. */
export const DEFAULT_BACKEND: BackendName = "wasm";

/** `BACKEND` from the environment, or undefined when unset or when env access is not granted. */
function backendFromEnv(): string | undefined {
  try {
    const value = Deno.env.get("BACKEND");
    return value === "" ? undefined : value;
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
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
  const requested = (name ?? backendFromEnv() ?? DEFAULT_BACKEND).trim().toLowerCase();
  if (!isBackendName(requested)) {
    throw new Error(
      `BACKEND: unknown backend "${name ?? backendFromEnv()}"; valid values: ${
        BACKENDS.join(", ")
      }`,
    );
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
