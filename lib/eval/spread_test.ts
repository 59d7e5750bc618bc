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

import { collapseDiagnostics } from "./spread.ts";

Deno.test("collapseDiagnostics(): orthogonal, equally used directions have full effective rank", () => {
  // rows e1, e2, −e1, −e2: singular values √2, √2 → effective rank 2; normalised stds √(1/2) each
  const d = collapseDiagnostics({
    data: new Float32Array([1, 0, 0, 1, -1, 0, 0, -1]),
    n: 4,
    dim: 2,
  });
  assertAlmostEquals(d.effectiveRank, 2, 1e-5);
  assertAlmostEquals(d.normalizedStd, Math.sqrt(0.5), 1e-6);
  assertAlmostEquals(d.isotropicStd, 1 / Math.sqrt(2), 1e-12);
});

Deno.test("collapseDiagnostics(): a collapse to one direction has rank 1 and zero normalised std", () => {
  // every row a multiple of [3, 4]: one non-zero singular value; after normalising, identical rows
  const d = collapseDiagnostics({ data: new Float32Array([3, 4, 6, 8, 0.3, 0.4]), n: 3, dim: 2 });
  assertAlmostEquals(d.effectiveRank, 1, 1e-5);
  assertAlmostEquals(d.normalizedStd, 0, 1e-6);
});

Deno.test("collapseDiagnostics(): unequal singular values give the entropy's exponent", () => {
  // rows [2, 0], [0, 1]: singular values 2, 1 → p = 2/3, 1/3 → exp(H) = exp(−(⅔ln⅔ + ⅓ln⅓))
  const d = collapseDiagnostics({ data: new Float32Array([2, 0, 0, 1]), n: 2, dim: 2 });
  const h = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
  assertAlmostEquals(d.effectiveRank, Math.exp(h), 1e-5);
});

Deno.test("collapseDiagnostics() names the bad input", () => {
  let message = "";
  try {
    collapseDiagnostics({ data: new Float32Array(3), n: 1, dim: 3 });
  } catch (e) {
    message = (e as Error).message;
  }
  assertEquals(message.startsWith("collapseDiagnostics(): needs at least 2 vectors"), true);
});
