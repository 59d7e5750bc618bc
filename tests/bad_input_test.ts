/**
 * Bad input reaching a notebook: a clear error naming the cell, and no results file written or
 * damaged. (The loaders' own bad-input cases are unit-tested beside them in lib/.)
 */
import { assert, assertEquals, assertRejects } from "../lib/_assert.ts";
import { executeNotebook } from "../tools/run_notebooks.ts";

const NOTEBOOK = new URL("../notebooks/01_rotation.ipynb", import.meta.url).pathname;

Deno.test("executeNotebook() rejects an invalid SUITE_MODE before starting a kernel", async () => {
  await assertRejects(
    () => executeNotebook(NOTEBOOK, { mode: "quick" }),
    /SUITE_MODE="quick" is not a valid mode\. Valid values: smoke, standard, full/,
  );
});

Deno.test({
  name: "a failing config cell names the notebook, the cell and the error; results stay intact",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "nb-bad-" });
    const results = `${out}/results`;
    await Deno.mkdir(results);
    const previous = '{"notebook": "01_rotation", "previous": true}\n';
    await Deno.writeTextFile(`${results}/01_rotation.json`, previous);
    const run = await executeNotebook(NOTEBOOK, {
      mode: "smoke",
      outDir: out,
      env: { RESULTS_DIR: results, SUITE_OVERRIDES: '{"pretextEpoch": 2}' },
    });
    assert(!run.ok, "the run should fail");
    assert(
      /FAILED .*01_rotation\.ipynb, cell \d+: Error: SUITE_OVERRIDES names "pretextEpoch"/.test(
        run.stderr,
      ),
      run.stderr.slice(-1500),
    );
    assertEquals(await Deno.readTextFile(`${results}/01_rotation.json`), previous);
    assertEquals([...Deno.readDirSync(results)].length, 1, "no other file in results/");
    await Deno.remove(out, { recursive: true });
  },
});

Deno.test({
  name: "a RESULTS_DIR that is a file stops the run in the config cell, naming RESULTS_DIR",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "nb-bad-" });
    const results = `${out}/results`;
    await Deno.writeTextFile(results, "not a directory\n");
    const run = await executeNotebook(NOTEBOOK, {
      mode: "smoke",
      outDir: out,
      env: { RESULTS_DIR: results },
    });
    assert(!run.ok, "the run should fail");
    const config = /FAILED .*01_rotation\.ipynb, cell (\d+): Error: RESULTS_DIR=\S+ is a file/.exec(
      run.stderr,
    );
    assert(config, run.stderr.slice(-1500));
    const cells = JSON.parse(await Deno.readTextFile(`${out}/01_rotation.failed.ipynb`)).cells;
    assert(cells[Number(config[1]) - 1].source.join("").includes("applyOverrides("), "config cell");
    assertEquals(await Deno.readTextFile(results), "not a directory\n");
    await Deno.remove(out, { recursive: true });
  },
});
