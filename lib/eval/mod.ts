export * from "./features.ts";
export * from "./linear_probe.ts";
export * from "./knn.ts";
export * from "./pca.ts";
export * from "./selection.ts";
export * from "./embedding.ts";
export * from "./evaluate.ts";
export * from "./spread.ts";
