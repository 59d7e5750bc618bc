import { assertEquals, assertThrows } from "../_assert.ts";
import { notebookModules } from "./notebook_modules.ts";

/** A throw-away repository: a barrel, three modules behind it, and a notebook using two names. */
function repo(cells: string[]): string {
  const root = Deno.makeTempDirSync({ prefix: "notebook-modules-" });
  Deno.mkdirSync(`${root}/lib/sub`, { recursive: true });
  Deno.mkdirSync(`${root}/notebooks`);
  const files: Record<string, string> = {
    "lib/mod.ts": 'export * from "./a.ts";\nexport * from "./sub/mod.ts";\n',
    "lib/a.ts": "export function fa() {}\nexport interface Shape { n: number }\n",
    "lib/sub/mod.ts": 'export * from "./b.ts";\nexport { fd as renamed } from "./d.ts";\n',
    "lib/sub/b.ts": 'import { helper } from "./c.ts";\nexport const fb = helper;\n',
    "lib/sub/c.ts": "export const helper = 1;\n",
    "lib/sub/d.ts": "export const fd = 2;\n",
    "lib/unused.ts": "export const nobody = 3;\n",
  };
  for (const [path, text] of Object.entries(files)) Deno.writeTextFileSync(`${root}/${path}`, text);
  const notebook = { cells: cells.map((source) => ({ cell_type: "code", source: [source] })) };
  Deno.writeTextFileSync(`${root}/notebooks/n.ipynb`, JSON.stringify(notebook));
  return root;
}

Deno.test("notebookModules(): names imported through barrels resolve to the modules defining them", () => {
  const root = repo([
    'import { fb, type Shape } from "../lib/mod.ts";',
    "// markdown-like comment\nconst x = fb;",
  ]);
  assertEquals(notebookModules("notebooks/n.ipynb", { root: `file://${root}/` }), [
    "lib/sub/b.ts",
    "lib/sub/c.ts",
  ]);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("notebookModules(): a re-export by name, a namespace import and an unknown name count whole modules", () => {
  const root = repo([
    'import { renamed } from "../lib/mod.ts";\nimport * as A from "../lib/a.ts";',
    'import { doesNotExist } from "../lib/sub/d.ts";',
  ]);
  assertEquals(notebookModules("notebooks/n.ipynb", { root: `file://${root}/` }), [
    "lib/a.ts",
    "lib/sub/b.ts", // a name re-exported by name counts its barrel, and all the barrel reaches
    "lib/sub/c.ts",
    "lib/sub/d.ts",
    "lib/sub/mod.ts",
  ]);
  assertThrows(
    () => notebookModules("notebooks/missing.ipynb", { root: `file://${root}/` }),
    /cannot read notebooks\/missing\.ipynb as a notebook/,
  );
  Deno.removeSync(root, { recursive: true });
});
