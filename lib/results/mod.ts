export * from "./schema.ts";
export * from "./save.ts";
