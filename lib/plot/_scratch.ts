console.log(import.meta.resolve("@resvg/resvg-wasm"));
try { console.log(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm")); } catch (e) { console.log("ERR", String(e)); }
console.log(new URL("./index_bg.wasm", import.meta.resolve("@resvg/resvg-wasm")).href);
console.log(import.meta.resolve("vega"), import.meta.resolve("vega-lite"));
