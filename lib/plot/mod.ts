/**
 * Charts for the notebooks: Vega-Lite v5 spec builders ({@linkcode accuracyVsLabels},
 * {@linkcode trainingCurves}, {@linkcode embeddingScatter}, {@linkcode imageGrid}) and headless
 * rendering to SVG/PNG ({@linkcode renderSvg}, {@linkcode renderPng}). Displaying in Jupyter is
 * `lib/show`'s job.
 *
 * @example
 * ```ts ignore
 * import { renderPng, trainingCurves } from "./mod.ts";
 * const spec = trainingCurves([{ epoch: 1, loss: 0.9 }, { epoch: 2, loss: 0.5 }]);
 * await Deno.writeFile("curves.png", await renderPng(spec));
 * ```
 * @module
 */
export * from "./specs.ts";
export * from "./render.ts";
export * from "./bars.ts";
export * from "./overview_specs.ts";
export * from "./leaderboard.ts";
export * from "./epochs.ts";
export * from "./retrieval.ts";
