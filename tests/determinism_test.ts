/**
 * Determinism at notebook level: one small notebook run twice in smoke mode, each from scratch
 * (its own results directory, the run cache off), gives identical result rows.
 */
import { assert, assertEquals } from "../lib/_assert.ts";
import { loadResults } from "../lib/results/mod.ts";
import { executeNotebook } from "../tools/run_notebooks.ts";

const NOTEBOOK = "10_word_context";

Deno.test({
  name: `${NOTEBOOK} twice in smoke mode (run cache off): identical result rows`,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "nb-determinism-" });
    try {
      const rows = [];
      for (const run of ["first", "second"]) {
        const dir = `${out}/${run}`;
        const result = await executeNotebook(
          new URL(`../notebooks/${NOTEBOOK}.ipynb`, import.meta.url).pathname,
          {
            mode: "smoke",
            outDir: dir,
            env: { RESULTS_DIR: `${dir}/results`, SUITE_CACHE: "off" },
            timeout: 600,
          },
        );
        assert(result.ok, `${run} run failed:\n${result.stderr.slice(-2000)}`);
        const saved = await loadResults(`${dir}/results/${NOTEBOOK}.json`);
        assert(saved.rows.length > 0);
        rows.push(saved.rows);
      }
      assertEquals(rows[1], rows[0]);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
