/**
 * BACKEND=webgpu: the reference encoder's training step, and one notebook end to end, on Deno's
 * WebGPU. On a machine without a GPU, WebGPU runs on Mesa's software Vulkan driver (lavapipe,
 * installed by bin/setup): slow, but the same shaders, so this checks correctness here; speed
 * needs a GPU. A notebook runs on webgpu because lib/ reads tensors only with `await data()`
 * (tfjs-webgpu's synchronous `dataSync` draws through a 2-D OffscreenCanvas that Deno does not
 * have; lib/_read_test.ts keeps lib/ free of it).
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../lib/_assert.ts";
import { initBackend } from "../lib/backend/mod.ts";
import { buildClassifier, buildEncoder } from "../lib/models/mod.ts";
import { sparseCrossEntropy } from "../lib/train/fit.ts";
import type { ProtocolRun } from "../lib/protocol/protocol.ts";
import { executeNotebook } from "../tools/run_notebooks.ts";

/** What the webgpu notebook check reads of a results file. */
interface NotebookResults {
  backend: string;
  config: Record<string, unknown>;
  pretext: { runs: ProtocolRun[]; history: { loss: number }[] };
}

async function requireAdapter(): Promise<void> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu == null ? null : await gpu.requestAdapter().catch(() => null);
  assert(
    adapter != null,
    "no WebGPU adapter on this machine: run bash bin/setup (it installs Mesa's software driver, " +
      "Debian package mesa-vulkan-drivers) or install your GPU's Vulkan driver",
  );
}

/** Loss and gradients of one step of the reference classifier on a fixed batch. */
async function step(backend: string): Promise<{ loss: number; grads: Float32Array[] }> {
  await initBackend(backend);
  const model = buildClassifier(buildEncoder({ seed: 3 }), { seed: 3, numClasses: 10 });
  const x = tf.tensor4d(Float32Array.from({ length: 8 * 784 }, (_, i) => ((i * 37) % 101) / 100), [
    8,
    28,
    28,
    1,
  ]);
  const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32");
  const { value, grads } = tf.variableGrads(() =>
    sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y)
  );
  const names = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val.name);
  const out = {
    loss: (await value.data())[0],
    grads: await Promise.all(names.map(async (n) => (await grads[n].data()) as Float32Array)),
  };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

Deno.test({
  name: "BACKEND=webgpu: a training step's loss and gradients match the cpu backend (≤ 1e-4)",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireAdapter();
    const cpu = await step("cpu");
    const gpu = await step("webgpu");
    assertEquals(tf.getBackend(), "webgpu");
    let worst = Math.abs(cpu.loss - gpu.loss);
    cpu.grads.forEach((g, i) => {
      assertEquals(gpu.grads[i].length, g.length);
      for (let j = 0; j < g.length; j++) worst = Math.max(worst, Math.abs(g[j] - gpu.grads[i][j]));
    });
    assert(worst <= 1e-4, `max abs difference ${worst}`);
    await initBackend("wasm");
  },
});

/** One notebook's smoke run on `backend`, results in a fresh directory. */
async function smokeRun(name: string, backend: string): Promise<NotebookResults> {
  const out = await Deno.makeTempDir({ prefix: `nb-${backend}-` });
  const run = await executeNotebook(
    new URL(`../notebooks/${name}.ipynb`, import.meta.url).pathname,
    {
      mode: "smoke",
      outDir: out,
      env: {
        BACKEND: backend,
        SUITE_CACHE: "off",
        RESULTS_DIR: `${out}/results`,
        // One budget: on Mesa's software driver every op costs milliseconds, and the read-outs'
        // cross-validation fits many small probes; one budget checks the same code paths.
        SUITE_OVERRIDES: JSON.stringify({ budgets: [10] }),
      },
      timeout: 1800,
    },
  );
  assert(run.ok, `${name} on ${backend} failed:\n${run.stderr.slice(-2000)}`);
  const results = JSON.parse(await Deno.readTextFile(`${out}/results/${name}.json`));
  assertEquals(results.backend, backend);
  await Deno.remove(out, { recursive: true });
  return results;
}

Deno.test({
  name: "BACKEND=webgpu runs 01_rotation end to end (smoke size) with the wasm backend's numbers",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireAdapter();
    const gpu = await smokeRun("01_rotation", "webgpu");
    const cpu = await smokeRun("01_rotation", "wasm");
    const key = (r: ProtocolRun) => `${r.method} · ${r.labelsPerClass}/class · seed ${r.seed}`;
    const onGpu = new Map(gpu.pretext.runs.map((r) => [key(r), r.accuracy]));
    assertEquals([...onGpu.keys()].sort(), cpu.pretext.runs.map(key).sort());
    const testImages = cpu.config.testImages as number;
    for (const r of cpu.pretext.runs) {
      const diff = Math.abs(onGpu.get(key(r))! - r.accuracy);
      // Frozen features of an untrained network or of the pixels: the same predictions up to
      // float rounding (a test image or two). Rows behind training: a few points at this size.
      const bound = r.family === "control" || r.family === "unsupervised" ? 2 / testImages : 0.05;
      assert(diff <= bound, `${key(r)}: webgpu ${onGpu.get(key(r))}, wasm ${r.accuracy}`);
    }
    const loss = (x: NotebookResults) => x.pretext.history[0].loss;
    assert(
      Math.abs(loss(gpu) - loss(cpu)) <= 0.01 * loss(cpu),
      `pretext loss: webgpu ${loss(gpu)}, wasm ${loss(cpu)}`,
    );
  },
});
