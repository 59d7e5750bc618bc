export * from "./encoder.ts";
