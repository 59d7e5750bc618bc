import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { bandedImages } from "../eval/_test_util.ts";
import {
  combineProtocols,
  type Method,
  modelSources,
  pixelSource,
  probeMethod,
  runProtocol,
  trainedMethod,
} from "./protocol.ts";
import * as tf from "@tensorflow/tfjs";
import { modelFeatures, modelIdentity } from "../eval/features.ts";
import { hashValue } from "./run_cache.ts";
import { buildEncoder } from "../models/encoder.ts";
import { blockFeatures } from "../models/blocks.ts";
import { pooledBlockFeatures } from "../models/pooled_blocks.ts";
import { buildDenseStack, denseArchitecture } from "../models/dense_stack.ts";

await initBackend("wasm");

const data = { train: bandedImages(60, 1), test: bandedImages(15, 2) };

/** A method that records the subsets it was given. */
function spy(name: string, seen: Map<string, number[]>, deterministic = false): Method {
  return {
    name,
    family: "control",
    deterministic,
    evaluate(cell) {
      seen.set(`${name}|${cell.labelsPerClass}|${cell.seed}`, Array.from(cell.subset));
      return Promise.resolve(cell.seed / 10);
    },
  };
}

Deno.test("runProtocol() gives every method the same subset per budget and seed", async () => {
  const seen = new Map<string, number[]>();
  const { rows, runs } = await runProtocol(data, [spy("a", seen), spy("b", seen)], {
    budgets: [2, 5],
    seeds: [0, 1],
    numClasses: 3,
    progress: false,
    workers: 0,
  });
  for (const key of ["2|0", "2|1", "5|0", "5|1"]) {
    assertEquals(seen.get(`a|${key}`), seen.get(`b|${key}`));
  }
  assert(seen.get("a|2|0")!.join() !== seen.get("a|2|1")!.join(), "seeds draw different subsets");
  assertEquals(runs.length, 8);
  assertEquals(rows.map((r) => [r.method, r.labelsPerClass, r.n]), [
    ["a", 2, 2],
    ["b", 2, 2],
    ["a", 5, 2],
    ["b", 5, 2],
  ]);
  assertEquals(rows[0].mean, 0.05);
  assertEquals(Math.round(rows[0].std * 1e6) / 1e6, 0.070711); // sample std of 0, 0.1
  assertEquals([rows[0].seeds, rows[0].scores], [[0, 1], [0, 0.1]]); // kept per seed, aligned
  assertEquals(rows[0].testImages, data.test.labels.length);
});

Deno.test("runProtocol() evaluates a deterministic method once with all labels", async () => {
  const seen = new Map<string, number[]>();
  const { rows } = await runProtocol(data, [spy("det", seen, true), spy("sto", seen)], {
    budgets: ["all"],
    seeds: [0, 1, 2],
    numClasses: 3,
    progress: false,
    workers: 0,
  });
  assertEquals(rows.map((r) => [r.method, r.n]), [["det", 1], ["sto", 3]]);
  assertEquals(rows.map((r) => r.seeds), [[0], [0, 1, 2]]); // the one run's seed is recorded
  assertEquals(seen.get("det|all|0")!.length, 60);
});

Deno.test("runProtocol() rejects duplicate method names and empty seeds", async () => {
  const m = probeMethod("p", "control", pixelSource(data));
  await assertRejects(
    () => runProtocol(data, [m, m], { budgets: [2], seeds: [0], progress: false }),
    /two methods are named "p"/,
  );
  await assertRejects(
    () => runProtocol(data, [m], { budgets: [2], seeds: [], progress: false }),
    /seeds is empty/,
  );
});

Deno.test({
  name: "trainedMethod() gives the same accuracy on a worker as inline",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const method = trainedMethod("sup", "supervised", {
      numClasses: 3,
      schedule: {
        batchSize: 8,
        maxEpochs: 1,
        patience: 1,
        maxImages: null,
        learningRates: [1e-2],
        augment: false,
      },
    });
    const opts = { budgets: [4], seeds: [0, 1], numClasses: 3, progress: false };
    const inline = await runProtocol(data, [method], { ...opts, workers: 0 });
    const pooled = await runProtocol(data, [method], { ...opts, workers: 2 });
    assertEquals(pooled.runs.map((r) => r.accuracy), inline.runs.map((r) => r.accuracy));
  },
});

Deno.test("combineProtocols() orders rows by budget, then by call, and rejects duplicates", async () => {
  const seen = new Map<string, number[]>();
  const opts = { budgets: [2, 5], seeds: [0], numClasses: 3, progress: false, workers: 0 };
  const a = await runProtocol(data, [spy("a", seen)], opts);
  const b = await runProtocol(data, [spy("b", seen)], opts);
  const both = combineProtocols(a, b);
  assertEquals(both.rows.map((r) => `${r.method}${r.labelsPerClass}`), ["a2", "b2", "a5", "b5"]);
  assertEquals(both.runs.length, 4);
  assertThrows(() => combineProtocols(a, a), /method "a" appears twice/);
});

Deno.test("runProtocol() runs on any labeled set and makes one row per reported metric", async () => {
  const labeled = {
    train: { labels: Uint8Array.of(0, 1, 0, 1), n: 4 },
    test: { labels: Uint8Array.of(0, 1), n: 2 },
  };
  const twoMetrics: Method<{ labels: Uint8Array; n: number }> = {
    name: "m",
    family: "supervised",
    deterministic: false,
    inline: true,
    metrics: ["accuracy", "F1 (x)"],
    evaluate: (cell) => Promise.resolve({ accuracy: cell.seed, "F1 (x)": cell.numClasses }),
  };
  const { rows, runs } = await runProtocol(labeled, [twoMetrics], {
    budgets: [1],
    seeds: [0, 1],
    numClasses: 2,
    progress: false,
  });
  assertEquals(rows.map((r) => [r.metric, r.mean, r.n]), [["accuracy", 0.5, 2], ["F1 (x)", 2, 2]]);
  assertEquals(runs.map((r) => r.accuracy), [0, 1]);
  await assertRejects(
    () =>
      runProtocol(labeled, [{ ...twoMetrics, evaluate: () => Promise.resolve({ accuracy: 1 }) }], {
        budgets: [1],
        seeds: [0],
        numClasses: 2,
        progress: false,
      }),
    /must give a finite number for each of its metrics \(accuracy, F1 \(x\)\)/,
  );
});

Deno.test({
  name: "trainedMethod() trains a dense stack (architecture) the same on a worker as inline",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const stack = buildDenseStack({ units: [16, 8], seed: 5 });
    const architecture = denseArchitecture(stack);
    const schedule = {
      batchSize: 8,
      maxEpochs: 1,
      patience: 1,
      maxImages: null,
      learningRates: [1e-2],
      augment: false,
    };
    const opts = { budgets: [4], seeds: [0, 1], numClasses: 3, progress: false };
    const methods = [
      trainedMethod("mlp", "supervised", { architecture, numClasses: 3, schedule }),
      trainedMethod("mlp fine-tuned", "self-supervised", {
        encoder: stack,
        architecture,
        numClasses: 3,
        schedule,
      }),
    ];
    const inline = await runProtocol(data, methods, { ...opts, workers: 0 });
    const pooled = await runProtocol(data, methods, { ...opts, workers: 2 });
    assertEquals(pooled.runs.map((r) => r.accuracy), inline.runs.map((r) => r.accuracy));
    assert(inline.runs.every((r) => r.accuracy >= 0 && r.accuracy <= 1));
    // a stack's weights do not fit the reference encoder: the architecture is what makes it work
    await assertRejects(() =>
      runProtocol(data, [trainedMethod("wrong", "supervised", { encoder: stack, schedule })], {
        ...opts,
        workers: 0,
      })
    );
  },
});

Deno.test("modelSources() reads several read-outs of one encoder in one pass, as modelFeatures() does", async () => {
  const encoder = buildEncoder({ seed: 3, channels: [4, 4, 8] });
  const models = [encoder, blockFeatures(encoder, 1), pooledBlockFeatures(encoder, { grid: 2 })];
  const sources = modelSources(data, models);
  for (const [k, model] of models.entries()) {
    for (const set of ["train", "test"] as const) {
      const alone = await modelFeatures(model, data[set]);
      const shared = await sources[k][set]();
      assertEquals([shared.n, shared.dim], [alone.n, alone.dim]);
      const worst = shared.data.reduce((m, v, i) => Math.max(m, Math.abs(v - alone.data[i])), 0);
      assert(worst <= 1e-6, `${model.name} ${set}: max difference ${worst}`);
    }
  }
  // Identities: names do not count; weights and read-outs do.
  const id = async (m: tf.LayersModel) => await hashValue(await modelIdentity(m));
  const twin = buildEncoder({ seed: 3, channels: [4, 4, 8], name: "other_name" });
  assertEquals(await id(twin), await id(encoder));
  assert(await id(buildEncoder({ seed: 4, channels: [4, 4, 8] })) !== await id(encoder));
  assert(await id(models[1]) !== await id(encoder));
  assert(await id(pooledBlockFeatures(twin, { grid: 2 })) === await id(models[2]));
});
