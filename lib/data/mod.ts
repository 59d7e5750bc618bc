/**
 * Data loading for the suite: Fashion-MNIST (validated, cached, kept as `uint8`), the IDX/gzip
 * readers underneath it, and seeded, nested index subsets for label budgets and held-out pools.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, stratifiedSubset, toFloatBatch } from "./mod.ts";
 * const { train } = await loadFashionMnist();
 * const labelled = stratifiedSubset(train.labels, 100, { seed: 0 }); // 1000 indices
 * const x = toFloatBatch(train, labelled.subarray(0, 32)); // [32, 28, 28, 1]
 * ```
 * @module
 */
export * from "./idx.ts";
export * from "./fashion_mnist.ts";
export * from "./splits.ts";
