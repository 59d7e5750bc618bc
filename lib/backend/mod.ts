/**
 * Backend choice (`initBackend`) and the training kernels tfjs-backend-wasm lacks
 * (`registerWasmTrainingKernels`).
 * @module
 */
export { type BackendName, BACKENDS, DEFAULT_BACKEND, initBackend } from "./backend.ts";
export { registerWasmTrainingKernels } from "./kernels.ts";
