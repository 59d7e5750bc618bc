/**
 * The matched experiment: the protocol loop, its methods and feature sources, the shared
 * baselines, the run cache, train-and-score and the image protocol's settings.
 * @module
 */
export * from "./protocol.ts";
export * from "./train_and_score.ts";
export * from "./run_cache.ts";
export * from "./baselines.ts";
export * from "./block_probes.ts";
export * from "./image.ts";
export * from "./text_methods.ts";
export * from "./retrieval.ts";
export * from "./clips.ts";
