/**
 * Backend choice (`initBackend`) and the training kernels tfjs-backend-wasm lacks
 * (`registerWasmTrainingKernels`).
 * @module
 */
export {
  backendKnobs,
  type BackendName,
  BACKENDS,
  DEFAULT_BACKEND,
  initBackend,
  threadsFromEnv,
} from "./backend.ts";
export { registerWasmTrainingKernels } from "./kernels.ts";
