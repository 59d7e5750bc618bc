import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { loadResults, type RunResults, saveResults, writeTextAtomic } from "./save.ts";

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

Deno.test("writeTextAtomic() replaces a file whole and leaves no temporary file behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTextAtomic(`${dir}/a.json`, "old");
    await writeTextAtomic(`${dir}/a.json`, "new");
    assertEquals(await Deno.readTextFile(`${dir}/a.json`), "new");
    await assertRejects(() => writeTextAtomic(`${dir}/missing/b.json`, "x"));
    assertEquals((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["a.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
