export * from "./fit.ts";
export * from "./sources.ts";
