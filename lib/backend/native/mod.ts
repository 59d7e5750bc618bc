/**
 * The `native` backend: tfjs's wasm backend, with the kernels that dominate training (the
 * convolutions and their gradients, pooling, batch norm, broadcast arithmetic, reductions, matrix
 * products) run by oneDNN through Deno FFI on both cores. Same instance, same heap, same tensors
 * as `wasm`: only the kernels differ, so the two can be compared in one process.
 *
 * @example
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs";
 * import { registerNativeBackend } from "./mod.ts";
 * await registerNativeBackend(); // throws NativeUnavailable when oneDNN is missing
 * await tf.setBackend("native");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels } from "../kernels.ts";
import { type Dnnl, loadDnnl, NativeUnavailable, openMp } from "./dnnl.ts";
import { nativeKernels } from "./kernels.ts";

export { NativeUnavailable };

/** The backend's name in tfjs. */
export const NATIVE = "native";

let registered: Dnnl | null = null;

/**
 * Loads oneDNN and registers the `native` backend (idempotent). Initialises the wasm backend (its
 * instance is shared) without making it the active one.
 * @throws NativeUnavailable naming the missing library, symbol or version and the fix.
 */
export async function registerNativeBackend(): Promise<Dnnl> {
  if (registered) return registered;
  const dnnl = loadDnnl();
  registerWasmTrainingKernels();
  const active = tf.getBackend();
  if (tf.findBackend("wasm") == null) {
    if (!(await tf.setBackend("wasm"))) {
      throw new Error("BACKEND=native: the wasm backend it extends failed to initialise");
    }
  }
  const wasm = tf.findBackend("wasm")!;
  if (active && active !== "wasm") await tf.setBackend(active);
  const fallbacks = new Map<string, tf.KernelFunc>();
  for (const config of tf.getKernelsForBackend("wasm")) {
    fallbacks.set(config.kernelName, config.kernelFunc);
    tf.registerKernel({ ...config, backendName: NATIVE });
  }
  const fallback = (name: string) => {
    const f = fallbacks.get(name);
    if (f == null) throw new Error(`native backend: no wasm kernel '${name}' to fall back to`);
    return f;
  };
  for (const [kernelName, kernelFunc] of nativeKernels(dnnl, fallback)) {
    const original = tf.getKernel(kernelName, NATIVE);
    if (original != null) tf.unregisterKernel(kernelName, NATIVE);
    tf.registerKernel({
      kernelName,
      backendName: NATIVE,
      kernelFunc,
      setupFunc: original?.setupFunc,
    });
  }
  tf.registerBackend(NATIVE, () => wasm, 1);
  registered = dnnl;
  return dnnl;
}

/**
 * Sets the threads each native kernel call of this thread (main thread or Worker) may use:
 * OpenMP's count for oneDNN. Returns the count in effect, or null when the OpenMP runtime is not
 * reachable (the library then uses its own default).
 */
export function setNativeThreads(threads: number): number | null {
  const runtime = openMp();
  if (runtime == null) return null;
  runtime.set(threads);
  return runtime.max();
}
