/**
 * Notebook code held to lib's standards: every notebook's code cells pass `deno fmt` (100
 * columns) and `deno lint`, and no code line but a string or comment is over 100 columns
 * (tools/notebook_code.ts extracts the cells; `--write` fixes the formatting).
 */
import { assertEquals } from "../lib/_assert.ts";
import {
  checkNotebookCode,
  extractCode,
  liftLongComments,
  splitCode,
} from "../tools/notebook_code.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("extractCode() and splitCode() round-trip the code cells by index", () => {
  const notebook = {
    cells: [
      { cell_type: "markdown", source: ["# Title\n"] },
      { cell_type: "code", source: ["const a = 1;\n", "console.log(a);"] },
      { cell_type: "code", source: "const b = 2;\n\n" },
    ],
  };
  const cells = splitCode(extractCode(notebook));
  assertEquals([...cells.entries()], [[1, "const a = 1;\nconsole.log(a);"], [2, "const b = 2;"]]);
});

Deno.test("liftLongComments() moves a long trailing comment above its line, not one in a string", () => {
  const long = `const x = f(1); // ${"word ".repeat(20).trim()}`;
  const lifted = liftLongComments(`  ${long}`).split("\n");
  assertEquals(lifted.at(-1), "  const x = f(1);");
  assertEquals(lifted.slice(0, -1).every((l) => l.startsWith("  // ") && l.length <= 100), true);
  const inString = `const url = "see https://example.org // ${"x".repeat(90)}";`;
  assertEquals(liftLongComments(inString), inString);
});

Deno.test({
  name: "every notebook's code cells are formatted and lint-clean, lines ≤ 100 columns",
  sanitizeResources: false,
  fn: async () => {
    const notebooks = [...Deno.readDirSync(`${ROOT}notebooks`)]
      .map((e) => `${ROOT}notebooks/${e.name}`)
      .filter((p) => p.endsWith(".ipynb") && !p.endsWith(".failed.ipynb"))
      .sort();
    assertEquals(await checkNotebookCode(notebooks), []);
  },
});

Deno.test({
  name: "every notebook's code type-checks against lib/ (deno check on the extracted cells)",
  sanitizeResources: false,
  fn: async () => {
    // beside notebooks/, so that the cells' `../lib/mod.ts` imports and the import map resolve
    const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".notebook-check-" });
    try {
      const files: string[] = [];
      for (
        const entry of [...Deno.readDirSync(`${ROOT}notebooks`)].sort((a, b) =>
          a.name < b.name ? -1 : 1
        )
      ) {
        if (!entry.name.endsWith(".ipynb") || entry.name.endsWith(".failed.ipynb")) continue;
        const notebook = JSON.parse(await Deno.readTextFile(`${ROOT}notebooks/${entry.name}`));
        const file = `${dir}/${entry.name.replace(/\.ipynb$/, ".ts")}`;
        await Deno.writeTextFile(file, extractCode(notebook));
        files.push(file);
      }
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["check", "--quiet", ...files],
        cwd: ROOT,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const report = new TextDecoder().decode(out.stderr)
        .replaceAll(`file://${dir}/`, "notebooks/").replaceAll(`${dir}/`, "notebooks/");
      // each error points at `notebooks/<name>.ts:<line>`: the line of the extracted module
      // (`deno run -A tools/notebook_code.ts` has the extraction; `// %% cell <i>` marks cell i)
      assertEquals(out.success ? "" : report, "");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
