import { assert, assertEquals, assertThrows } from "../_assert.ts";
import {
  bootstrapMeanInterval,
  describeComparison,
  formatComparison,
  pairedComparison,
  pairedDifferences,
  referencesOf,
  verdict,
  withVersus,
} from "./paired.ts";
import { type ResultRow, validateRow } from "./schema.ts";

const row = (
  method: string,
  family: ResultRow["family"],
  scores: number[],
  opts: Partial<ResultRow> = {},
): ResultRow => ({
  method,
  family,
  labelsPerClass: 10,
  metric: "accuracy",
  mean: scores.reduce((s, v) => s + v, 0) / scores.length,
  std: 0.01,
  n: scores.length,
  seeds: scores.map((_, i) => i),
  scores,
  ...opts,
});

Deno.test("bootstrapMeanInterval(): a clear win excludes 0, a noisy gap includes it", () => {
  const clear = bootstrapMeanInterval([0.05, 0.06, 0.04, 0.055, 0.05])!;
  assert(clear[0] > 0 && clear[1] < 0.07, `clear win: ${clear}`);
  const noisy = bootstrapMeanInterval([0.05, -0.04, 0.03, -0.02, 0.01])!;
  assert(noisy[0] < 0 && noisy[1] > 0, `noisy gap: ${noisy}`);
  assertEquals(bootstrapMeanInterval([0.05]), null);
  assertEquals(bootstrapMeanInterval([]), null);
});

Deno.test("bootstrapMeanInterval() is reproducible: same seed, same interval", () => {
  const diffs = [0.01, -0.02, 0.03, 0.015];
  assertEquals(bootstrapMeanInterval(diffs), bootstrapMeanInterval(diffs));
  assertEquals(
    bootstrapMeanInterval(diffs, { seed: 7 }),
    bootstrapMeanInterval(diffs, { seed: 7 }),
  );
});

Deno.test("pairedDifferences() pairs by seed, not by position, and skips unpaired seeds", () => {
  const a = row("a", "self-supervised", [0.7, 0.8, 0.9], { seeds: [2, 0, 1] });
  const b = row("b", "control", [0.5, 0.6], { seeds: [0, 1] });
  // seed 0: 0.8 − 0.5, seed 1: 0.9 − 0.6; seed 2 has no partner
  const d = pairedDifferences(a, b).map((x) => Math.round(x * 1000) / 1000);
  assertEquals(d, [0.3, 0.3]);
  const old: ResultRow = { ...b, seeds: undefined, scores: undefined };
  assertEquals(pairedDifferences(a, old), []);
});

Deno.test("pairedComparison(): delta is the difference of means; no interval below 2 pairs", () => {
  const a = row("a", "self-supervised", [0.7]);
  const b = row("b", "supervised", [0.6, 0.62, 0.64]);
  const c = pairedComparison(a, b);
  assert(Math.abs(c.delta - (0.7 - 0.62)) < 1e-12);
  assertEquals(c.ci95, null);
  assertEquals(verdict(c), "ties");
  assertEquals(
    describeComparison(c, "supervised"),
    "ties supervised (+8.0 points; no interval: fewer than 2 seeds)",
  );
});

Deno.test("verdict(): beats / loses to only when the interval excludes zero", () => {
  assertEquals(verdict({ delta: 0.01, ci95: [0.002, 0.02] }), "beats");
  assertEquals(verdict({ delta: -0.01, ci95: [-0.02, -0.002] }), "loses to");
  assertEquals(verdict({ delta: 0.004, ci95: [-0.012, 0.02] }), "ties");
  assertEquals(verdict({ delta: 0.004, ci95: [0, 0.02] }), "ties");
  // lower is better for a loss: an interval above zero is a loss
  assertEquals(verdict({ delta: 0.1, ci95: [0.05, 0.2] }, "loss"), "loses to");
  assertEquals(
    formatComparison({ delta: 0.004, ci95: [-0.012, 0.02] }),
    "+0.4 points, 95 % CI −1.2 … +2.0",
  );
  assertEquals(
    formatComparison({ delta: -0.25, ci95: [-0.3, -0.2] }, "rmse"),
    "−0.250, 95 % CI −0.300 … −0.200",
  );
});

Deno.test("referencesOf(): the untrained encoder read out the same way, else its probe", () => {
  const rows = [
    row("random encoder + linear probe", "control", [0.6, 0.6]),
    row("random encoder + kNN", "control", [0.5, 0.5]),
    row("random encoder, all blocks 2×2 + linear probe", "control", [0.65, 0.65]),
    row("supervised (from scratch)", "supervised", [0.62, 0.63]),
    row("GAN + kNN", "self-supervised", [0.55, 0.56]),
    row("GAN + fine-tune", "self-supervised", [0.7, 0.7]),
    row("GAN, all blocks 2×2 + linear probe", "self-supervised", [0.7, 0.7]),
    row("GAN + kNN", "self-supervised", [0.55, 0.56], { labelsPerClass: 100 }),
  ];
  const ref = (i: number) => {
    const { random, supervised } = referencesOf(rows[i], rows);
    return [random?.method, supervised?.method];
  };
  assertEquals(ref(4), ["random encoder + kNN", "supervised (from scratch)"]);
  assertEquals(ref(5), ["random encoder + linear probe", "supervised (from scratch)"]);
  assertEquals(ref(6), [
    "random encoder, all blocks 2×2 + linear probe",
    "supervised (from scratch)",
  ]);
  assertEquals(ref(0), [undefined, "supervised (from scratch)"]); // no untrained reference
  assertEquals(ref(3), ["random encoder + linear probe", undefined]); // not its own reference
  assertEquals(ref(7), [undefined, undefined]); // other budget: nothing to compare with
});

Deno.test("referencesOf(): text rows use their own supervised row, within their task", () => {
  const rows = [
    row("embedding bag (from scratch)", "supervised", [0.8, 0.82]),
    row("party: embedding bag (from scratch)", "supervised", [0.6, 0.62]),
    row("CBOW + fine-tune", "self-supervised", [0.85, 0.86]),
    row("party: CBOW + fine-tune", "self-supervised", [0.65, 0.66]),
  ];
  assertEquals(referencesOf(rows[2], rows).supervised?.method, "embedding bag (from scratch)");
  assertEquals(
    referencesOf(rows[3], rows).supervised?.method,
    "party: embedding bag (from scratch)",
  );
  assertEquals(referencesOf(rows[3], rows).random, undefined);
});

Deno.test("withVersus() adds valid paired comparisons to every row that has references", () => {
  const rows = withVersus([
    row("random encoder + linear probe", "control", [0.6, 0.61, 0.59]),
    row("supervised (from scratch)", "supervised", [0.62, 0.75, 0.6]),
    row("RotNet + linear probe", "self-supervised", [0.7, 0.72, 0.69]),
  ]);
  const rot = rows[2].versus!;
  assert(Math.abs(rot.random!.delta - 0.1033333) < 1e-6);
  assert(rot.random!.ci95![0] > 0, "a clear win over the untrained encoder");
  assert(rot.supervised!.ci95![0] < 0 && rot.supervised!.ci95![1] > 0, "a tie with supervised");
  assertEquals(verdict(rot.random!), "beats");
  assertEquals(verdict(rot.supervised!), "ties");
  assertEquals(Object.keys(rows[0].versus!), ["supervised"]);
  for (const r of rows) validateRow(JSON.parse(JSON.stringify(r)));
});

Deno.test("validateRow() checks scores, seeds and versus; older rows without them pass", () => {
  const ok = row("a", "control", [0.6, 0.7]);
  validateRow(ok);
  const { seeds: _s, scores: _c, ...old } = ok;
  validateRow(old);
  assertThrows(() => validateRow({ ...ok, scores: [0.6] }), /scores is \[0.6\]; it must be n = 2/);
  assertThrows(() => validateRow({ ...ok, scores: [0.6, 70] }), /scores\[1\] is 70/);
  assertThrows(() => validateRow({ ...ok, seeds: [0, 1.5] }), /seeds is/);
  assertThrows(
    () => validateRow({ ...ok, versus: { random: { delta: 0.1, ci95: [0.2, 0.1] } } }),
    /versus.random/,
  );
  assertThrows(
    () => validateRow({ ...ok, versus: { pixels: { delta: 0, ci95: null } } }),
    /versus/,
  );
  validateRow({ ...ok, versus: { supervised: { delta: 0.1, ci95: null } } });
});

Deno.test("referencesOf: a frame-level row is paired with the untrained frame-level row, a clip row with the untrained clip encoder", () => {
  const row = (method: string, mean: number) => ({
    method,
    family: "self-supervised" as const,
    labelsPerClass: 10,
    metric: "accuracy",
    mean,
    std: 0,
    n: 1,
  });
  const rows = [
    row("garment: random encoder + linear probe", 0.36),
    row("garment: untrained image encoder, frame average + linear probe", 0.64),
    row("garment: stored SimCLR (10 epochs), frame average + linear probe", 0.72),
    row("garment: frame order + linear probe", 0.27),
  ];
  assertEquals(
    referencesOf(rows[2], rows).random?.method,
    "garment: untrained image encoder, frame average + linear probe",
  );
  assertEquals(
    referencesOf(rows[3], rows).random?.method,
    "garment: random encoder + linear probe",
  );
  assertEquals(referencesOf(rows[1], rows).random, undefined);
});
