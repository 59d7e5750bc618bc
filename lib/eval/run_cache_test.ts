import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { bandedImages } from "./_test_util.ts";
import {
  cachedFeatures,
  modelSource,
  probeMethod,
  runProtocol,
  trainedMethod,
} from "./protocol.ts";
import { buildEncoder } from "../models/encoder.ts";
import { codeFingerprint, hashValue, pruneRunCache, runCacheDir, runProblem } from "./run_cache.ts";

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
      const schedule = { batchSize: 8, epochs: 1, maxSteps: 3, learningRate: 1e-2 };
      const opts = { budgets: [4], seeds: [0], numClasses: 3, progress: false, cache: true };
      const method = (s: typeof schedule) => trainedMethod("sup", "supervised", { schedule: s });
      const trained = await runProtocol(data, [method(schedule)], { ...opts, workers: 2 });
      const reused = await runProtocol(data, [method({ ...schedule })], { ...opts, workers: 2 });
      assertEquals(reused.runs[0].reused?.seconds, trained.runs[0].seconds);
      assertEquals(reused.runs[0].accuracy, trained.runs[0].accuracy);
      const longer = await runProtocol(data, [method({ ...schedule, maxSteps: 4 })], opts);
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
      const signed = async (e: Record<string, unknown>) => {
        const { checksum: _, ...content } = e;
        return { ...content, checksum: await hashValue(content) };
      };
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
