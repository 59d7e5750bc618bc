/**
 * Every notebook, executed in smoke mode through the real Deno Jupyter kernel — on a copy, with
 * results going to a temporary directory, so the committed notebooks and results/ never change —
 * plus structure checks on the committed notebooks.
 */
import { assert, assertEquals } from "../lib/_assert.ts";
import { loadResults } from "../lib/results/mod.ts";
import { OVERVIEW_NOTEBOOKS, SUITE_NOTEBOOKS } from "../lib/results/suite_map.ts";
import { loadResultsDir, suiteStatus } from "../lib/results/summary.ts";
import { executeNotebook } from "../tools/run_notebooks.ts";
import { outputsText } from "./_outputs.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const notebooks = [...Deno.readDirSync(`${ROOT}notebooks`)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ipynb") && !n.endsWith(".failed.ipynb"))
  .sort();

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: {
    output_type: string;
    data?: Record<string, unknown>;
    ename?: string;
    evalue?: string;
  }[];
  execution_count?: number | null;
}
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const read = (path: string): Cell[] => JSON.parse(Deno.readTextFileSync(path)).cells;

Deno.test("notebooks/ holds at least the reference notebook", () => {
  assert(notebooks.includes("01_rotation.ipynb"), `found ${notebooks}`);
});

Deno.test("every notebook is in the suite map (lib/results/suite_map.ts) or an overview", () => {
  const known = [...SUITE_NOTEBOOKS.map((n) => n.stem), ...OVERVIEW_NOTEBOOKS];
  const unknown = notebooks.map((n) => n.replace(/\.ipynb$/, "")).filter((s) => !known.includes(s));
  assertEquals(unknown, [], "register new notebooks in SUITE_NOTEBOOKS");
});

// The overviews render the other notebooks' committed results at the time they ran; one run before
// a notebook's re-run keeps showing that notebook's old finding.
for (const stem of OVERVIEW_NOTEBOOKS) {
  Deno.test(`${stem}: shows every notebook's finding as results/ holds it now (re-run it if not)`, async () => {
    const { results } = await loadResultsDir(`${ROOT}results`);
    const outputs = outputsText(
      read(`${ROOT}notebooks/${stem}.ipynb`).flatMap((c) => c.outputs ?? []),
    );
    const stale = suiteStatus(results).filter((s) => s.finding && !outputs.includes(s.finding))
      .map((s) => s.notebook);
    assertEquals(
      stale,
      [],
      `${stem} shows older findings of these: deno task run notebooks/${stem}.ipynb`,
    );
  });
}

for (const name of notebooks) {
  Deno.test(`${name}: structure — title, config cell, conclusion; committed outputs clean`, () => {
    const cells = read(`${ROOT}notebooks/${name}`);
    assert(
      cells[0].cell_type === "markdown" && /^# \S/.test(text(cells[0])),
      "first cell: # title",
    );
    assert(
      cells.some((c) => c.cell_type === "code" && text(c).includes("suiteMode()")),
      "a config cell reading SUITE_MODE through suiteMode()",
    );
    assert(
      cells.some((c) => c.cell_type === "markdown" && /^## Conclusion/m.test(text(c))),
      "a ## Conclusion section",
    );
    const code = cells.filter((c) => c.cell_type === "code" && text(c).trim());
    assert(code.every((c) => c.execution_count != null), "every code cell executed");
    const errors = code.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error");
    assertEquals(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
  });

  Deno.test({
    name: `${name}: runs in smoke mode through the Deno kernel`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const out = await Deno.makeTempDir({ prefix: "nb-smoke-" });
      const results = `${out}/results`;
      const stem = name.replace(/\.ipynb$/, "");
      // The overview notebooks read the others' results: give them copies of the committed ones.
      const overview = OVERVIEW_NOTEBOOKS.includes(stem);
      if (overview) {
        await Deno.mkdir(results);
        for (const e of Deno.readDirSync(`${ROOT}results`)) {
          if (e.name.endsWith(".json")) {
            await Deno.copyFile(`${ROOT}results/${e.name}`, `${results}/${e.name}`);
          }
        }
      }
      const before = Deno.readTextFileSync(`${ROOT}notebooks/${name}`);
      const run = await executeNotebook(`${ROOT}notebooks/${name}`, {
        mode: "smoke",
        outDir: out,
        env: { RESULTS_DIR: results },
        timeout: 600,
      });
      assert(run.ok, `execution failed:\n${run.stderr.slice(-2000)}`);
      assertEquals(
        Deno.readTextFileSync(`${ROOT}notebooks/${name}`),
        before,
        "committed notebook changed",
      );
      const cells = read(`${out}/${name}`);
      const outputs = cells.flatMap((c) => c.outputs ?? []);
      assertEquals(outputs.filter((o) => o.output_type === "error").length, 0, "error outputs");
      // Work a cell starts without awaiting it (the baselines) shows its progress under that cell,
      // not under whichever cell is running when its first update arrives.
      const started = cells.find((c) =>
        c.cell_type === "code" && /const baselines = runProtocol\(/.test(text(c))
      );
      if (started) {
        const plain = (started.outputs ?? []).map((o) =>
          [o.data?.["text/plain"] ?? ""].flat().join("")
        );
        assert(
          plain.some((t) => /^baselines /.test(t)),
          `the baselines' progress under their cell: ${plain}`,
        );
      }
      const pngs = outputs.filter((o) => typeof o.data?.["image/png"] === "string");
      assert(pngs.length >= 1, "at least one PNG chart");
      assert(
        outputs.some((o) => o.data?.["application/vnd.vegalite.v5+json"]),
        "at least one Vega-Lite chart",
      );
      if (overview) {
        // Not comparisons (see OVERVIEW_NOTEBOOKS): they write no results file of their own.
        assert(!(await Deno.stat(`${results}/${stem}.json`).catch(() => null)), "no own results");
        await Deno.remove(out, { recursive: true });
        return;
      }
      const saved = await loadResults(`${results}/${stem}.json`); // validates the schema
      assertEquals(saved.notebook, stem);
      assertEquals(saved.mode, "smoke");
      assert(saved.rows.length > 0);
      await Deno.remove(out, { recursive: true });
    },
  });
}
