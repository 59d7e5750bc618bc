import { assertEquals, assertThrows } from "../_assert.ts";
import { env, suiteWorkers } from "./env.ts";

/** Runs `fn` with SUITE_WORKERS set to `value` (or unset), restoring it afterwards. */
function withWorkers(value: string | undefined, fn: () => void): void {
  const saved = Deno.env.get("SUITE_WORKERS");
  try {
    if (value === undefined) Deno.env.delete("SUITE_WORKERS");
    else Deno.env.set("SUITE_WORKERS", value);
    fn();
  } finally {
    if (saved === undefined) Deno.env.delete("SUITE_WORKERS");
    else Deno.env.set("SUITE_WORKERS", saved);
  }
}

Deno.test("env() reads a variable each time; unset and empty read as undefined", () => {
  withWorkers(undefined, () => assertEquals(env("SUITE_WORKERS"), undefined));
  withWorkers("", () => assertEquals(env("SUITE_WORKERS"), undefined));
  withWorkers("3", () => assertEquals(env("SUITE_WORKERS"), "3"));
});

Deno.test({
  name: "env() without env permission reads as unset",
  permissions: { env: false },
  fn: () => assertEquals(env("SUITE_MODE"), undefined),
});

Deno.test("lib/ reads the environment only through env()", () => {
  const lib = new URL("..", import.meta.url);
  const readers: string[] = [];
  const walk = (dir: URL, prefix: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory) walk(new URL(`${entry.name}/`, dir), `${path}/`);
      else if (path.endsWith(".ts") && !path.endsWith("_test.ts") && path !== "config/env.ts") {
        if (/Deno\.env\.get\(/.test(Deno.readTextFileSync(new URL(path, lib)))) {
          readers.push(`lib/${path}`);
        }
      }
    }
  };
  walk(lib, "");
  assertEquals(readers, []);
});

Deno.test("suiteWorkers() defaults to 2, accepts 0 to 64, names SUITE_WORKERS otherwise", () => {
  assertEquals(suiteWorkers(undefined), 2);
  assertEquals(suiteWorkers("0"), 0);
  assertEquals(suiteWorkers("64"), 64);
  for (const bad of ["two", "-1", "65", "1.5"]) {
    assertThrows(() => suiteWorkers(bad), new RegExp(`SUITE_WORKERS="${bad}" is not valid`));
  }
  withWorkers("4", () => assertEquals(suiteWorkers(), 4));
  withWorkers("", () => assertEquals(suiteWorkers(), 2));
});
