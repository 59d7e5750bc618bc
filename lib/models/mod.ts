export * from "./encoder.ts";
export * from "./blocks.ts";
export * from "./tiles.ts";
