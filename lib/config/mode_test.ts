import { assertEquals, assertThrows } from "../_assert.ts";
import { applyOverrides, byMode, suiteMode } from "./mode.ts";

Deno.test("suiteMode() defaults to standard and accepts each valid mode", () => {
  assertEquals(suiteMode(undefined), "standard");
  assertEquals(suiteMode(""), "standard");
  for (const m of ["smoke", "standard", "full"]) assertEquals(suiteMode(m), m);
});

Deno.test("suiteMode() rejects an invalid value, listing the valid ones", () => {
  assertThrows(() => suiteMode("fast"), /SUITE_MODE="fast".*smoke, standard, full/);
});

Deno.test("byMode() picks the entry of the mode", () => {
  assertEquals(byMode({ smoke: 1, standard: 2, full: 3 }, "full"), 3);
});

Deno.test("applyOverrides() replaces known keys and rejects unknown keys or wrong types", () => {
  const config = { epochs: 3, name: "x", seeds: [0, 1] };
  assertEquals(applyOverrides(config, '{"epochs": 5}'), { epochs: 5, name: "x", seeds: [0, 1] });
  assertEquals(applyOverrides(config, undefined), config);
  assertThrows(() => applyOverrides(config, '{"epoch": 5}'), /"epoch".*Valid keys: epochs/);
  assertThrows(() => applyOverrides(config, '{"epochs": "5"}'), /must be a number/);
  assertThrows(() => applyOverrides(config, "{epochs: 5}"), /not valid JSON/);
  assertThrows(() => applyOverrides(config, "[1]"), /must be a JSON object/);
});
