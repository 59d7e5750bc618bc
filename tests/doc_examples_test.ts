/**
 * Every `@example` in lib/ and tools/ runs: `deno test --doc` on the modules that have one (their
 * examples only; the unit tests run in the main test run).
 */
import { assert } from "../lib/_assert.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function modulesWithExamples(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(`${ROOT}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...modulesWithExamples(path));
    else if (
      path.endsWith(".ts") && !path.endsWith("_test.ts") &&
      Deno.readTextFileSync(`${ROOT}${path}`).includes("@example")
    ) out.push(path);
  }
  return out;
}

Deno.test("every @example in lib/ and tools/ type-checks and runs (deno test --doc)", async () => {
  const modules = [...modulesWithExamples("lib"), ...modulesWithExamples("tools")].sort();
  assert(modules.length > 10, `found ${modules.length} modules with examples`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--doc", "--parallel=false", ...modules],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success, `deno test --doc failed:\n${text.slice(-4000)}`);
  assert(/ok \| \d+ passed \| 0 failed/.test(text), text.slice(-2000));
});
