export * from "./schema.ts";
export * from "./save.ts";
export * from "./compare.ts";
