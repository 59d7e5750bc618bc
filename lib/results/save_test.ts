import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { stagedOutputs, stageOutput } from "../_write.ts";
import { loadResults, type RunResults, saveResults } from "./save.ts";

const sample = (): RunResults => ({
  notebook: "00_test",
  mode: "smoke",
  seeds: [0],
  backend: "cpu",
  wallSeconds: 1.5,
  config: { epochs: 1 },
  pretext: { accuracy: 0.9 },
  rows: [{
    method: "pixels + linear probe",
    family: "control",
    labelsPerClass: 10,
    metric: "accuracy",
    mean: 0.7,
    std: 0.01,
    n: 3,
  }],
});

Deno.test("saveResults() writes a valid file with versions and git SHA", async () => {
  const dir = await Deno.makeTempDir();
  const path = await saveResults(sample(), { dir });
  const loaded = await loadResults(path);
  assertEquals(loaded.rows.length, 1);
  assert(loaded.versions.tfjs.length > 0 && loaded.gitSha.length > 0);
  assertEquals([...Deno.readDirSync(dir)].length, 1); // no temp file left behind
});

Deno.test("saveResults() keeps per-seed scores, adds versus and testImages; old rows still load", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = (
      method: string,
      family: "control" | "supervised" | "self-supervised",
      scores: number[],
    ) => ({
      method,
      family,
      labelsPerClass: 10,
      metric: "accuracy",
      mean: scores.reduce((s, v) => s + v, 0) / 3,
      std: 0.01,
      n: 3,
      seeds: [0, 1, 2],
      scores,
      testImages: 300,
    });
    const results: RunResults = {
      ...sample(),
      seeds: [0, 1, 2],
      rows: [
        r("random encoder + linear probe", "control", [0.6, 0.61, 0.59]),
        r("supervised (from scratch)", "supervised", [0.62, 0.75, 0.6]),
        r("RotNet + linear probe", "self-supervised", [0.7, 0.72, 0.69]),
      ],
    };
    const loaded = await loadResults(await saveResults(results, { dir }));
    assertEquals(loaded.testImages, 300);
    assertEquals(loaded.rows[2].scores, [0.7, 0.72, 0.69]);
    assertEquals(loaded.rows[2].seeds, [0, 1, 2]);
    assert(loaded.rows[2].versus!.random!.ci95![0] > 0);
    assertEquals(loaded.rows[0].versus!.random, undefined);
    // an older row (no scores, seeds, testImages): valid, versus without an interval
    const old = await loadResults(await saveResults(sample(), { dir }));
    assertEquals(old.testImages, undefined);
    assertEquals(old.rows[0].versus, undefined);
    assertEquals(old.rows[0].scores, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveResults() rejects a bad row and leaves the existing file untouched", async () => {
  const dir = await Deno.makeTempDir();
  const path = await saveResults(sample(), { dir });
  const before = await Deno.readTextFile(path);
  const bad = sample();
  bad.rows[0].mean = NaN;
  await assertRejects(() => saveResults(bad, { dir }), /rows\[0\]: mean is NaN/);
  const badFamily = sample();
  (badFamily.rows[0] as { family: string }).family = "semi";
  await assertRejects(() => saveResults(badFamily, { dir }), /family is "semi"/);
  assertEquals(await Deno.readTextFile(path), before);
  assertEquals([...Deno.readDirSync(dir)].length, 1);
});

Deno.test("loadResults() names the file when it is not valid JSON", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/x.json`, "{");
  await assertRejects(() => loadResults(`${dir}/x.json`), /x\.json is not valid JSON/);
});

Deno.test("saveResults() publishes the staged charts with the JSON; a rejected run publishes none", async () => {
  const dir = await Deno.makeTempDir();
  try {
    stageOutput(`${dir}/figs/chart.png`, new Uint8Array([1, 2, 3]));
    const bad = sample();
    bad.rows[0].mean = 5; // an accuracy of 500 %
    await assertRejects(() => saveResults(bad, { dir }), /mean is 5; accuracy must be in \[0, 1\]/);
    assertEquals([...Deno.readDirSync(dir)], [], "nothing written by a rejected run");
    assertEquals(stagedOutputs(), [`${dir}/figs/chart.png`], "still staged");
    await saveResults(sample(), { dir });
    assertEquals([...await Deno.readFile(`${dir}/figs/chart.png`)], [1, 2, 3]);
    assertEquals(stagedOutputs(), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
