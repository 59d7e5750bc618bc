/**
 * The executor (tools/execute_notebook.py) keeps every line a cell prints. The Deno kernel may send
 * a cell's `console.log` output after it has reported the cell idle; plain nbclient drops such a
 * message while it waits on the next cell (on this machine about one cell in forty of the notebook
 * below lost its line), so a committed notebook could miss, say, its config printout.
 */
import { assert, assertEquals } from "../lib/_assert.ts";
import { executeNotebook } from "../tools/run_notebooks.ts";

const CELLS = 200;

Deno.test({
  name: "executeNotebook() keeps every cell's console output, the last cell's too",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "nb-late-" });
    const out = `${dir}/out`;
    await Deno.mkdir(out);
    const cell = (source: string) => ({
      cell_type: "code",
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    });
    const notebook = {
      cells: Array.from(
        { length: CELLS },
        (_, i) => cell(`console.log({ cell: ${i}, text: "x".repeat(50) });`),
      ),
      metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    await Deno.writeTextFile(`${dir}/many.ipynb`, JSON.stringify(notebook));
    const run = await executeNotebook(`${dir}/many.ipynb`, { mode: "smoke", outDir: out });
    assert(run.ok, run.stderr.slice(-2000));
    const cells = JSON.parse(await Deno.readTextFile(`${out}/many.ipynb`)).cells as {
      outputs: { output_type: string; text?: string | string[] }[];
    }[];
    const wrong = cells.flatMap((c, i) => {
      const text = c.outputs.map((o) => [o.text ?? ""].flat().join("")).join("")
        .replace(/\s+/g, " ");
      return c.outputs.length === 1 && text.includes(`cell: ${i},`) ? [] : [`${i}: ${text}`];
    });
    assertEquals(wrong, [], "cells without exactly their own line");
    await Deno.remove(dir, { recursive: true });
  },
});
