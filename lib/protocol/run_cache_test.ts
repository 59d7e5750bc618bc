import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { bandedImages } from "../eval/_test_util.ts";
import {
  cachedFeatures,
  modelSource,
  probeMethod,
  runProtocol,
  trainedMethod,
} from "./protocol.ts";
import { buildEncoder } from "../models/encoder.ts";
import { computesResults } from "../results/code_version.ts";
import {
  codeFingerprint,
  hashValue,
  moduleClosure,
  moduleFingerprint,
  pruneRunCache,
  runCacheDir,
  runKey,
  runProblem,
  writeRun,
} from "./run_cache.ts";

await initBackend("wasm");

const data = { train: bandedImages(60, 1), test: bandedImages(15, 2) };

/** A probe on features `scale` · one-hot(label mod 4), counting its evaluations. */
function counted(name: string, scale: number, opts: { c?: number } = {}) {
  const features = cachedFeatures(data, (set) => {
    const values = new Float32Array(set.n * 4);
    for (let i = 0; i < set.n; i++) values[i * 4 + (set.labels[i] % 4)] = scale;
    return { data: values, n: set.n, dim: 4 };
  });
  const method = probeMethod(name, "control", features, opts);
  let evaluations = 0;
  const evaluate = method.evaluate.bind(method);
  method.evaluate = (cell) => (evaluations++, evaluate(cell));
  return { method, evaluations: () => evaluations };
}

/** Runs `fn` with RESULTS_DIR in a fresh temporary directory (and SUITE_CACHE as given). */
async function inTempResults(fn: (dir: string) => Promise<void>, suiteCache?: string) {
  const dir = await Deno.makeTempDir();
  const saved = { results: Deno.env.get("RESULTS_DIR"), cache: Deno.env.get("SUITE_CACHE") };
  Deno.env.set("RESULTS_DIR", dir);
  if (suiteCache === undefined) Deno.env.delete("SUITE_CACHE");
  else Deno.env.set("SUITE_CACHE", suiteCache);
  try {
    await fn(dir);
  } finally {
    if (saved.results === undefined) Deno.env.delete("RESULTS_DIR");
    else Deno.env.set("RESULTS_DIR", saved.results);
    if (saved.cache === undefined) Deno.env.delete("SUITE_CACHE");
    else Deno.env.set("SUITE_CACHE", saved.cache);
    await Deno.remove(dir, { recursive: true });
  }
}

const files = async (dir: string) => {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch {
    return [];
  }
};

const protocol = { budgets: [2, "all" as const], seeds: [0, 1], numClasses: 3, progress: false };

/** An entry re-signed after an edit: a valid checksum over what it now holds. */
async function signed(e: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { checksum: _, ...content } = e;
  return { ...content, checksum: await hashValue(content) };
}

/** Writes `files` (paths relative to it) under a fresh temporary directory; returns its URL. */
function moduleTree(files: Record<string, string>): URL {
  const root = Deno.makeTempDirSync({ prefix: "modules-" });
  for (const [path, text] of Object.entries(files)) {
    Deno.mkdirSync(`${root}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
    Deno.writeTextFileSync(`${root}/${path}`, text);
  }
  return new URL(`file://${root}/`);
}

/**
 * a.ts imports b.ts (which imports a.ts back: a cycle, and a chart), a type from t.ts, and names
 * c.ts only in a doc comment's example; c.ts is imported by nothing.
 */
const TREE: Record<string, string> = {
  "lib/a.ts": [
    'import { b } from "./b.ts";',
    'import type { T } from "./t.ts";',
    'export type { T } from "./t.ts";',
    "/**",
    " * ```ts",
    ' * import { c } from "./c.ts";',
    " * ```",
    " */",
    "export const a: T = b + 1;",
  ].join("\n"),
  "lib/b.ts": [
    'import { a } from "./a.ts";',
    'import { chart } from "./plot/chart.ts";',
    "export const b = 1;",
    "export const both = () => [a, chart];",
  ].join("\n"),
  "lib/c.ts": "export const c = 3;\n",
  "lib/t.ts": "export type T = number;\n",
  "lib/plot/chart.ts": 'export const chart = "bars";\n',
};

Deno.test("hashValue() ignores key order and sees every byte of a typed array", async () => {
  assertEquals(await hashValue({ a: 1, b: [2, 3] }), await hashValue({ b: [2, 3], a: 1 }));
  const x = new Float32Array([1, 2, 3]);
  assertEquals(await hashValue({ x }), await hashValue({ x: new Float32Array([1, 2, 3]) }));
  assert(await hashValue({ x }) !== await hashValue({ x: new Float32Array([1, 2, 3.5]) }));
  assert(await hashValue({ x }) !== await hashValue({ x: new Float64Array([1, 2, 3]) }));
  assertEquals((await codeFingerprint()).length, 64);
});

Deno.test("runProtocol(cache) reuses a run with identical inputs and recomputes a changed one", async () => {
  await inTempResults(async (dir) => {
    const first = counted("p", 1);
    const fresh = await runProtocol(data, [first.method], { ...protocol, cache: true });
    assertEquals(first.evaluations(), 3); // 2 seeds at 2/class, "all" once
    assert(fresh.runs.every((r) => !r.reused));
    assertEquals((await files(`${dir}/cache`)).length, 3);

    // The same feature values from another source, under another name: reused, not evaluated.
    const same = counted("q", 1);
    const again = await runProtocol(data, [same.method], { ...protocol, cache: true });
    assertEquals(same.evaluations(), 0);
    assert(again.runs.every((r) => r.reused?.computedBy.startsWith("p ·")));
    assertEquals(again.rows.map((r) => r.mean), fresh.rows.map((r) => r.mean));
    assertEquals(again.rows.map((r) => r.method), ["q", "q"]);

    // Other feature values, or another probe option: new keys, evaluated.
    const scaled = counted("p", 2), option = counted("p", 1, { c: 0.5 });
    await runProtocol(data, [scaled.method], { ...protocol, cache: true });
    await runProtocol(data, [option.method], { ...protocol, cache: true });
    assertEquals([scaled.evaluations(), option.evaluations()], [3, 3]);
    assertEquals((await files(`${dir}/cache`)).length, 9);

    // A damaged entry is recomputed and rewritten, never trusted.
    for (const name of await files(`${dir}/cache`)) {
      await Deno.writeTextFile(`${dir}/cache/${name}`, "{ half");
    }
    const repeat = counted("p", 1);
    await runProtocol(data, [repeat.method], { ...protocol, cache: true });
    assertEquals(repeat.evaluations(), 3);
    const rewritten = await Promise.all(
      (await files(`${dir}/cache`)).map((n) => Deno.readTextFile(`${dir}/cache/${n}`)),
    );
    assertEquals(rewritten.filter((t) => t.startsWith("{\n")).length, 3);
  });
});

Deno.test({
  name: "runProtocol(cache) reuses a trained run, keyed by its schedule",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await inTempResults(async (dir) => {
      const schedule = {
        batchSize: 8,
        maxEpochs: 1,
        patience: 1,
        maxImages: null,
        learningRates: [1e-2],
        augment: false,
      };
      const opts = { budgets: [4], seeds: [0], numClasses: 3, progress: false, cache: true };
      const method = (s: typeof schedule) => trainedMethod("sup", "supervised", { schedule: s });
      const trained = await runProtocol(data, [method(schedule)], { ...opts, workers: 2 });
      const reused = await runProtocol(data, [method({ ...schedule })], { ...opts, workers: 2 });
      assertEquals(reused.runs[0].reused?.seconds, trained.runs[0].seconds);
      assertEquals(reused.runs[0].accuracy, trained.runs[0].accuracy);
      const longer = await runProtocol(data, [method({ ...schedule, maxEpochs: 2 })], opts);
      assertEquals(longer.runs[0].reused, undefined);
      assertEquals((await files(`${dir}/cache`)).length, 2);
    });
  },
});

Deno.test({
  name: "runProtocol(cache) finds a frozen model's stored runs without running the model",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await inTempResults(async () => {
      /** modelSource of a fresh encoder (seed, name), counting feature computations. */
      const source = (seed: number, name: string) => {
        const inner = modelSource(data, buildEncoder({ seed, channels: [4, 4, 8], name }));
        const counts = { train: 0 };
        const features = { ...inner, train: () => (counts.train++, inner.train()) };
        return { method: probeMethod("random", "control", features), counts };
      };
      const first = source(0, "first");
      const computed = await runProtocol(data, [first.method], { ...protocol, cache: true });
      assertEquals(first.counts.train > 0, true);
      // A copy under another name, with the same weights: reused, the model never runs.
      const copy = source(0, "second");
      const reused = await runProtocol(data, [copy.method], { ...protocol, cache: true });
      assertEquals(copy.counts.train, 0);
      assertEquals(reused.rows, computed.rows);
      assert(reused.runs.every((r) => r.reused));
      // Other weights: computed.
      const other = source(1, "third");
      await runProtocol(data, [other.method], { ...protocol, cache: true });
      assert(other.counts.train > 0);
    });
  },
});

Deno.test("SUITE_CACHE=off computes every run and stores nothing; a bad value is named", async () => {
  await inTempResults(async (dir) => {
    const f = counted("p", 1);
    await runProtocol(data, [f.method], { ...protocol, cache: true });
    await runProtocol(data, [f.method], { ...protocol, cache: true });
    assertEquals(f.evaluations(), 6);
    assertEquals(await files(`${dir}/cache`), []);
  }, "off");
  await inTempResults(async () => {
    await assertRejects(
      () => runProtocol(data, [counted("p", 1).method], { ...protocol, cache: true }),
      /SUITE_CACHE="maybe" is not valid/,
    );
  }, "maybe");
});

Deno.test("pruneRunCache() removes runs of other code and keeps the current ones", async () => {
  await inTempResults(async () => {
    const dir = runCacheDir()!;
    await runProtocol(data, [counted("p", 1).method], { ...protocol, cache: true });
    const [name] = await files(dir);
    const entry = JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
    await Deno.writeTextFile(
      `${dir}/old.json`,
      JSON.stringify({ ...entry, key: "old", code: "x" }),
    );
    assertEquals(await pruneRunCache(dir), 1);
    assertEquals((await files(dir)).length, 3);
    assertEquals(await pruneRunCache(`${dir}/missing`), 0);
  });
});

Deno.test({
  name: "a stored run that fails verification is reported with its path, discarded and recomputed",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await inTempResults(async () => {
      const dir = runCacheDir()!;
      const first = counted("p", 1);
      const fresh = await runProtocol(data, [first.method], { ...protocol, cache: true });
      const names = await files(dir);
      assertEquals(names.length, 3);
      const path = `${dir}/${names[0]}`;
      const good = JSON.parse(await Deno.readTextFile(path));
      assertEquals(await runProblem(good, good.key, { metrics: ["accuracy"] }), null);
      const cases: [string, (e: Record<string, unknown>) => Record<string, unknown>, RegExp][] = [
        ["an edited score", (e) => ({ ...e, scores: { accuracy: 5 } }), /checksum does not match/],
        ["no checksum", ({ checksum: _, ...e }) => e, /no checksum/],
      ];
      // Re-signed entries (a valid checksum) are still checked for what they hold.
      const resigned: [string, Record<string, unknown>, RegExp][] = [
        [
          "out of range",
          await signed({ ...good, scores: { accuracy: 5 } }),
          /score "accuracy" is 5; accuracy must be in \[0, 1\]/,
        ],
        ["empty scores", await signed({ ...good, scores: {} }), /holds no scores/],
        [
          "other metric",
          await signed({ ...good, scores: { loss: 0.5 } }),
          /lacks the expected metric\(s\) accuracy/,
        ],
        ["other key", await signed({ ...good, key: "x" }), /its key is "x"/],
      ];
      for (const [what, edit, expected] of cases) {
        assert(expected.test((await runProblem(edit(good), good.key))!), what);
      }
      for (const [what, entry, expected] of resigned) {
        const problem = await runProblem(entry, good.key, { metrics: ["accuracy"] });
        assert(expected.test(problem ?? "null"), `${what}: ${problem}`);
      }
      // Through the protocol: the edited entry is never served, and is replaced by a fresh run.
      await Deno.writeTextFile(path, JSON.stringify({ ...good, scores: { accuracy: 5 } }));
      const reported: string[] = [];
      const error = console.error;
      console.error = (...args: unknown[]) => void reported.push(args.join(" "));
      const again = counted("p", 1);
      let rerun;
      try {
        rerun = await runProtocol(data, [again.method], { ...protocol, cache: true });
      } finally {
        console.error = error;
      }
      assertEquals(again.evaluations(), 1, "the discarded run, recomputed; the others reused");
      assertEquals(rerun.rows.map((r) => r.mean), fresh.rows.map((r) => r.mean));
      assert(
        reported.some((line) =>
          line.includes(`run cache: discarded ${path}: its checksum does not match`)
        ),
        reported.join("\n"),
      );
      const rewritten = JSON.parse(await Deno.readTextFile(path));
      assertEquals(rewritten.scores, good.scores);
      assertEquals(await runProblem(rewritten, good.key), null);
    });
  },
});

Deno.test("moduleClosure() follows value imports, through a cycle, not type-only ones", () => {
  const root = moduleTree(TREE);
  const closure = (path: string) => moduleClosure([new URL(path, root)], { root });
  assertEquals(closure("lib/a.ts"), ["lib/a.ts", "lib/b.ts", "lib/plot/chart.ts"]);
  assertEquals(closure("lib/b.ts"), closure("lib/a.ts"));
  assertEquals(closure("lib/c.ts"), ["lib/c.ts"]);
  assertEquals(moduleClosure(["lib/c.ts", "lib/a.ts"], { root }).length, 4);
  assertThrows(() => moduleClosure([], { root }), /name at least one module/);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("moduleClosure() reads every form of import; a missing file is skipped or named", () => {
  const root = moduleTree({
    "lib/m.ts": [
      'import * as tf from "@tensorflow/tfjs";',
      'import { x } from "npm:left-pad";',
      "import {",
      "  one,",
      "  two, // both",
      '} from "./multi.ts";',
      'import "./side.ts";',
      'export * from "./star.ts";',
      'export { three as four } from "../named.ts";',
      'export type { Five } from "./types.ts";',
      'import { type Six, seven } from "./inline_type.ts";',
      'const lazy = () => import("./lazy.ts");',
      'const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });',
      'const data = new URL("../data/images.bin", import.meta.url);',
    ].join("\n"),
    ...Object.fromEntries(
      ["multi", "side", "star", "inline_type", "lazy", "worker"].map((m) => [`lib/${m}.ts`, ""]),
    ),
    "named.ts": "",
    "lib/gone.ts": 'import { nothing } from "./nothing.ts";\n',
  });
  assertEquals(moduleClosure([new URL("lib/m.ts", root)], { root }), [
    "lib/inline_type.ts",
    "lib/lazy.ts",
    "lib/m.ts",
    "lib/multi.ts",
    "lib/side.ts",
    "lib/star.ts",
    "lib/worker.ts",
    "named.ts",
  ]);
  assertEquals(moduleClosure([new URL("lib/gone.ts", root)], { root }), ["lib/gone.ts"]);
  assertThrows(() => moduleClosure([new URL("lib/absent.ts", root)], { root }), /lib\/absent\.ts/);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("moduleFingerprint() changes with the files a module reaches, only those", async () => {
  const fingerprint = async (files: Record<string, string>) => {
    const root = moduleTree(files);
    const hash = await moduleFingerprint([new URL("lib/a.ts", root)], { root });
    Deno.removeSync(root, { recursive: true });
    return hash;
  };
  const base = await fingerprint(TREE);
  assertEquals(base.length, 64);
  // An unreached file, a type-only import and a chart (reporting-only) edited: the same code.
  const unrelated = await fingerprint({
    ...TREE,
    "lib/c.ts": "export const c = 4;\n",
    "lib/t.ts": "export type T = string;\n",
    "lib/plot/chart.ts": 'export const chart = "lines";\n',
  });
  assertEquals(unrelated, base);
  // A module it imports edited: other code.
  const edited = await fingerprint({ ...TREE, "lib/b.ts": TREE["lib/b.ts"] + "\n// edited" });
  assert(edited !== base);
});

/**
 * The linear probe reaches no chart and no pretext task. It does reach one display file,
 * lib/show/paths.ts (for naming paths in messages), through features.ts → data/mod.ts →
 * fashion_mnist.ts → run_cache.ts → results/save.ts: like every file under lib/show/ it is
 * reporting-only, so it counts for nothing in the fingerprint.
 */
Deno.test("the linear probe's fingerprint covers no chart, display or pretext file", () => {
  const probe = new URL("../eval/linear_probe.ts", import.meta.url);
  const closure = moduleClosure([probe]);
  assert(closure.includes("lib/eval/linear_probe.ts"), closure.join(", "));
  assertEquals(closure.filter((path) => /^lib\/(plot|pretext)\//.test(path)), []);
  const display = closure.filter((path) => path.startsWith("lib/show/"));
  assertEquals(display.filter(computesResults), []);
  const withProtocol = moduleClosure([probe, new URL("./protocol.ts", import.meta.url)]);
  assertEquals(withProtocol.filter((path) => path.startsWith("lib/pretext/")), []);
});

Deno.test("runKey(modules) keys by the modules' code; pruneRunCache() keeps current", async () => {
  await inTempResults(async (results) => {
    const dir = `${results}/cache`;
    const modules = [new URL("../eval/linear_probe.ts", import.meta.url)];
    const key = await runKey({ x: 1 }, { modules });
    assertEquals(key, await runKey({ x: 1 }, { modules: [modules[0].href] }));
    assert(key !== await runKey({ x: 1 }));
    const run = { key, scores: { accuracy: 0.5 }, computedBy: "p", seconds: 1 };
    await writeRun(dir, run, { modules });
    const entry = JSON.parse(await Deno.readTextFile(`${dir}/${key}.json`));
    assertEquals(entry.modules, ["lib/eval/linear_probe.ts"]);
    assertEquals(entry.code, await moduleFingerprint(modules));
    assertEquals(await runProblem(entry, key), null);
    const stale = [
      await signed({ ...entry, key: "other-code", code: "x" }),
      await signed({ ...entry, key: "gone", modules: ["lib/eval/gone.ts"] }),
    ];
    for (const e of stale) await Deno.writeTextFile(`${dir}/${e.key}.json`, JSON.stringify(e));
    assertEquals(await pruneRunCache(dir), 2);
    assertEquals(await files(dir), [`${key}.json`]);
  });
});
