import { assertAlmostEquals, assertEquals } from "../_assert.ts";
import { featureSpread } from "./spread.ts";

Deno.test("featureSpread() measures norm, per-dimension spread and dead dimensions", () => {
  // rows [0, 1, 5], [2, 1, 5]: norms √26 and √30; stds 1, 0, 0 → mean 1/3; 2 dead dims
  const s = featureSpread({ data: new Float32Array([0, 1, 5, 2, 1, 5]), n: 2, dim: 3 });
  assertAlmostEquals(s.meanNorm, (Math.sqrt(26) + Math.sqrt(30)) / 2, 1e-6);
  assertAlmostEquals(s.meanStd, 1 / 3, 1e-6);
  assertEquals(s.deadDims, 2);
});

Deno.test("featureSpread() of collapsed (all-zero) features is zero everywhere", () => {
  assertEquals(featureSpread({ data: new Float32Array(12), n: 4, dim: 3 }), {
    meanNorm: 0,
    meanStd: 0,
    deadDims: 3,
  });
});
