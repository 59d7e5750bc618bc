import { assert, assertEquals } from "../_assert.ts";
import { codeLines, codeVersionStatus, computesResults } from "./code_version.ts";

const assertMatch = (text: string, pattern: RegExp) => assert(pattern.test(text), text);

function git(root: string, ...args: string[]): string {
  const r = new Deno.Command("git", { args, cwd: root, stdout: "piped", stderr: "piped" })
    .outputSync();
  if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
  return new TextDecoder().decode(r.stdout).trim();
}

/**
 * A throw-away repository: commit A (lib v1), B (docs only), C (lib v2), D (a test and a new
 * module), E (a line appended to lib/x.ts).
 */
function repo(): { root: string; a: string; b: string; c: string; d: string; e: string } {
  const root = Deno.makeTempDirSync({ prefix: "code-version-" });
  git(root, "init", "-q");
  git(root, "config", "user.email", "t@example.com");
  git(root, "config", "user.name", "t");
  Deno.mkdirSync(`${root}/lib`);
  const commit = (path: string, text: string): string => {
    Deno.writeTextFileSync(`${root}/${path}`, text);
    git(root, "add", path);
    git(root, "commit", "-q", "-m", path);
    return git(root, "rev-parse", "HEAD");
  };
  const a = commit("lib/x.ts", "v1");
  const b = commit("README.md", "docs");
  const c = commit("lib/x.ts", "v2\n");
  const d = commit("lib/x_test.ts", "test") && commit("lib/y.ts", "new module");
  const e = commit("lib/x.ts", "v2\nappended\n");
  Deno.mkdirSync(`${root}/lib/results`);
  commit("lib/results/suite_map.ts", "reporting only"); // after E: still current
  return { root, a, b, c, d, e };
}

Deno.test("codeVersionStatus() flags results whose lib/ differs from HEAD's", () => {
  const { root, a, b, c, d, e } = repo();
  const stale = codeVersionStatus(a, { root });
  assertEquals([stale.state, stale.libCommitsSince], ["stale", 5]);
  assertMatch(stale.note, /lines changed in lib\/x\.ts; re-run the notebook/);
  assertEquals(codeVersionStatus(b.slice(0, 7) + "-dirty", { root }).state, "stale");
  // after C: a test, a new module and an appended line — lib only grew
  const grown = codeVersionStatus(c, { root });
  assertEquals([grown.state, grown.libCommitsSince], ["grown", 4]);
  assertMatch(grown.note, /only gained lines .*2 file\(s\)/);
  assertEquals(codeVersionStatus(`${c}-dirty`, { root }).state, "stale"); // cannot vouch for it
  assertEquals(codeVersionStatus(d, { root }).state, "grown");
  assertEquals(codeVersionStatus(e, { root }).state, "current");
  assertEquals(codeVersionStatus(`${e}-dirty`, { root }).state, "dirty");
  Deno.removeSync(root, { recursive: true });
});

Deno.test("codeVersionStatus() says unknown for no SHA or a commit the repository lacks", () => {
  const { root } = repo();
  assertEquals(codeVersionStatus("unknown", { root }).state, "unknown");
  const missing = codeVersionStatus("0123456789abcdef0123456789abcdef01234567", { root });
  assertEquals(missing.state, "unknown");
  assertMatch(missing.note, /not in this repository/);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("computesResults(): tests, test helpers and reporting-only files compute nothing reported", () => {
  assertEquals(computesResults("lib/eval/protocol.ts"), true);
  assertEquals(computesResults("lib/eval/protocol_test.ts"), false);
  assertEquals(computesResults("lib/eval/_test_util.ts"), false);
  assertEquals(computesResults("lib/results/summary.ts"), false);
  assertEquals(computesResults("lib/README.md"), false);
  // A result stays current when only a test helper changed after it.
  const { root, e } = repo();
  Deno.writeTextFileSync(`${root}/lib/_test_util.ts`, "fixture");
  git(root, "add", "lib/_test_util.ts");
  git(root, "commit", "-q", "-m", "helper");
  assertEquals(codeVersionStatus(e, { root }).state, "current");
  Deno.removeSync(root, { recursive: true });
});

Deno.test("computesResults(): everything under lib/plot/ and lib/show/ is reporting-only", () => {
  for (const path of ["lib/plot/specs.ts", "lib/plot/sub/x.ts", "lib/show/show.ts"]) {
    assertEquals(computesResults(path), false, path);
  }
  assertEquals(computesResults("lib/plotting.ts"), true); // a prefix of a folder name is not it
  assertEquals(computesResults("lib/eval/show.ts"), true);
  // A result stays current when only charts and display changed after it.
  const { root, e } = repo();
  for (const dir of ["plot", "show"]) {
    Deno.mkdirSync(`${root}/lib/${dir}`);
    Deno.writeTextFileSync(`${root}/lib/${dir}/x.ts`, "a chart");
    git(root, "add", `lib/${dir}/x.ts`);
  }
  git(root, "commit", "-q", "-m", "charts");
  assertEquals(codeVersionStatus(e, { root }).state, "current");
  Deno.removeSync(root, { recursive: true });
});

Deno.test("codeVersionStatus({ modules }): only the files a result's code reaches count, and files gone since", () => {
  const { root, a, c } = repo();
  // lib/x.ts changed after A; a result reaching only lib/z.ts (untouched) stays current
  Deno.writeTextFileSync(`${root}/lib/z.ts`, "z");
  git(root, "add", "lib/z.ts");
  git(root, "commit", "-q", "-m", "z");
  const z = git(root, "rev-parse", "HEAD");
  assertEquals(codeVersionStatus(a, { root }).state, "stale");
  const scoped = codeVersionStatus(a, { root, modules: ["lib/y.ts"] });
  assertEquals(scoped.state, "grown"); // lib/y.ts was added after A: lines gained only
  assertMatch(scoped.note, /in the 1 files its code reaches/);
  assertEquals(codeVersionStatus(c, { root, modules: ["lib/z.ts"] }).state, "grown");
  assertEquals(codeVersionStatus(z, { root, modules: ["lib/z.ts"] }).state, "current");
  // a file removed since counts whatever the scope (the code it held may have moved)
  git(root, "rm", "-q", "lib/x.ts");
  git(root, "commit", "-q", "-m", "rm x");
  assertEquals(codeVersionStatus(z, { root, modules: ["lib/z.ts"] }).state, "stale");
  Deno.removeSync(root, { recursive: true });
});

Deno.test("codeLines(): comments and blank lines drop out, plain trailing comments too; code, and comments after code that could be in a string, stay", () => {
  const source = [
    "/**",
    " * A doc comment, * with stars",
    " */",
    "export const a = 1; // dropped: after plain code",
    'const s = "a"; // kept: a quote before it',
    "const r = x / 2; // kept: a slash before it",
    "const t = `${a}`; // kept: a backtick before it",
    "",
    "  // a line comment",
    "/* one line */ const b = a",
    "  * 2;",
    "/* opens",
    "   closes */ const c = 3;",
    'const url = "http://x";',
  ].join("\n");
  assertEquals(codeLines(source), [
    "export const a = 1;",
    'const s = "a"; // kept: a quote before it',
    "const r = x / 2; // kept: a slash before it",
    "const t = `${a}`; // kept: a backtick before it",
    "const b = a",
    "* 2;",
    "const c = 3;",
    'const url = "http://x";',
  ]);
});

Deno.test("codeVersionStatus(): a change to comments only leaves a result current; a rewritten comment beside added code, grown", () => {
  const root = Deno.makeTempDirSync({ prefix: "code-version-" });
  git(root, "init", "-q");
  git(root, "config", "user.email", "t@example.com");
  git(root, "config", "user.name", "t");
  Deno.mkdirSync(`${root}/lib`);
  const commit = (text: string): string => {
    Deno.writeTextFileSync(`${root}/lib/x.ts`, text);
    git(root, "add", "lib/x.ts");
    git(root, "commit", "-q", "-m", "x");
    return git(root, "rev-parse", "HEAD");
  };
  const first = commit("/** Results are identical. */\nexport const a = 1;\n");
  const reworded = commit(
    "/**\n * Results can differ in the last bits.\n */\n\nexport const a = 1;\n",
  );
  assertEquals(codeVersionStatus(first, { root }).state, "current");
  commit("/** Reworded again. */\nexport const a = 1;\nexport const b = 2;\n");
  assertEquals(codeVersionStatus(first, { root }).state, "grown");
  assertEquals(codeVersionStatus(reworded, { root }).state, "grown");
  commit("/** Reworded again. */\nexport const a = 2;\nexport const b = 2;\n");
  assertEquals(codeVersionStatus(first, { root }).state, "stale");
  Deno.removeSync(root, { recursive: true });
});
