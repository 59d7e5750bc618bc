/**
 * Notebook display helpers: charts (Vega-Lite + PNG), tables, Markdown and live progress, in
 * the Deno Jupyter kernel; harmless fallbacks elsewhere; {@linkcode displayPath} for printing
 * paths. `show.ts` is the only module in the suite that touches `Deno.jupyter`.
 *
 * @example
 * ```ts ignore
 * import { showMarkdown, showTable } from "./mod.ts";
 * await showMarkdown("## Results");
 * await showTable([{ method: "RotNet", acc: 0.91 }], { title: "linear probe" });
 * ```
 * @module
 */
export * from "./show.ts";
export * from "./format_table.ts";
export * from "./paths.ts";
