import { assertEquals } from "../_assert.ts";
import { describeAgainstOther, findResults } from "./compare.ts";
import { saveResults } from "./save.ts";
import type { ResultRow, Results } from "./schema.ts";

const row = (method: string, labelsPerClass: number | "all", mean: number): ResultRow => ({
  method,
  family: "self-supervised",
  labelsPerClass,
  metric: "accuracy",
  mean,
  std: 0,
  n: 1,
});

Deno.test("describeAgainstOther() compares matching budgets and skips the others", () => {
  const other = { rows: [row("RotNet + linear probe", 10, 0.671)] } as Results;
  const lines = describeAgainstOther(
    [row("Jigsaw + linear probe", 10, 0.7), row("Jigsaw + linear probe", 100, 0.8)],
    other,
    [{ method: "Jigsaw + linear probe", otherMethod: "RotNet + linear probe" }],
  );
  assertEquals(lines, [
    "- at 10 labels/class: **Jigsaw + linear probe** 70.0 % ties RotNet + linear probe 67.1 % " +
    "(+2.9 points; no interval: fewer than 2 seeds)",
  ]);
  const seeded = (method: string, scores: number[]): ResultRow => ({
    ...row(method, 10, scores.reduce((s, v) => s + v, 0) / scores.length),
    n: scores.length,
    seeds: [0, 1, 2],
    scores,
  });
  const pairs = [{ method: "Jigsaw + linear probe", otherMethod: "RotNet + linear probe" }];
  const rot = { rows: [seeded("RotNet + linear probe", [0.66, 0.67, 0.68])] } as Results;
  const [win] = describeAgainstOther(
    [seeded("Jigsaw + linear probe", [0.7, 0.7, 0.71])],
    rot,
    pairs,
  );
  assertEquals(
    win.includes("70.3 ± 0.0 % beats RotNet + linear probe 67.0 ± 0.0 % (+3.3 points, 95 % CI"),
    true,
  );
  const [tie] = describeAgainstOther(
    [seeded("Jigsaw + linear probe", [0.7, 0.64, 0.7])],
    rot,
    pairs,
  );
  assertEquals(tie.includes("ties RotNet"), true);
});

Deno.test("findResults() finds a saved notebook in the given directories, or returns null", async () => {
  const empty = await Deno.makeTempDir();
  const full = await Deno.makeTempDir();
  await saveResults({
    notebook: "01_x",
    mode: "smoke",
    seeds: [0],
    backend: "cpu",
    wallSeconds: 1,
    config: {},
    pretext: {},
    rows: [row("a", 10, 0.5)],
  }, { dir: full });
  assertEquals(await findResults("01_x", { dirs: [empty] }), null);
  const found = await findResults("01_x", { dirs: [empty, full] });
  assertEquals(found?.path, `${full}/01_x.json`);
  assertEquals(found?.results.rows[0].method, "a");
  await Deno.remove(empty, { recursive: true });
  await Deno.remove(full, { recursive: true });
});
