/**
 * The checkpoint zoo: long pretraining runs of the image pretext methods, stored and verified.
 * @module
 */
export * from "./checkpoint.ts";
export * from "./recipes.ts";
export * from "./pretrain.ts";
export * from "./stored.ts";
export * from "./curves.ts";
