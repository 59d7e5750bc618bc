/** The runner's command line: unknown flags and flags without values are errors with the usage. */
import { assertEquals, assertThrows } from "../lib/_assert.ts";
import { parseArgs, USAGE } from "../tools/run_notebooks.ts";

Deno.test("parseArgs() reads --mode, --out, --all and notebooks in any order", () => {
  assertEquals(parseArgs(["--mode", "smoke", "a.ipynb", "--out", "/tmp/x", "b.ipynb"]), {
    mode: "smoke",
    outDir: "/tmp/x",
    all: false,
    paths: ["a.ipynb", "b.ipynb"],
  });
  assertEquals(parseArgs(["--all"]), { all: true, paths: [] });
});

Deno.test("parseArgs() rejects a flag without its value, an unknown flag and no notebook", () => {
  const usage = new RegExp(USAGE.replace(/[|[\]().*+?]/g, "\\$&"));
  for (
    const [args, message] of [
      [["a.ipynb", "--out"], /--out needs a value/],
      [["a.ipynb", "--mode"], /--mode needs a value/],
      [["--mode", "--out", "/tmp/x", "a.ipynb"], /--mode needs a value/],
      [["--out", "", "a.ipynb"], /--out needs a value/],
      [["--outdir", "/tmp/x", "a.ipynb"], /unknown flag --outdir/],
      [["-o", "a.ipynb"], /unknown flag -o/],
      [[], /no notebook given/],
    ] as const
  ) {
    assertThrows(() => parseArgs([...args]), message);
    assertThrows(() => parseArgs([...args]), usage);
  }
});

Deno.test("the runner exits 2 with the usage on a trailing --out, before running anything", async () => {
  const runner = new URL("../tools/run_notebooks.ts", import.meta.url).pathname;
  const notebook = new URL("../notebooks/01_rotation.ipynb", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", runner, notebook, "--out"],
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  assertEquals(code, 2, text);
  assertEquals(text.includes("--out needs a value") && text.includes(USAGE), true, text);
});
