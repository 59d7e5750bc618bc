/**
 * BACKEND=webgpu: the same training step and the same notebooks on Deno's WebGPU. On a machine
 * without a GPU, WebGPU runs on Mesa's software Vulkan driver (lavapipe, installed by bin/setup):
 * slow, but the same shaders, so these tests check correctness here; speed needs a GPU.
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../lib/_assert.ts";
import { initBackend } from "../lib/backend/mod.ts";
import { buildClassifier, buildEncoder } from "../lib/models/mod.ts";
import { loadResults } from "../lib/results/mod.ts";
import { sparseCrossEntropy } from "../lib/train/fit.ts";
import { executeNotebook } from "../tools/run_notebooks.ts";

const ROOT = new URL("..", import.meta.url).pathname;

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

Deno.test({
  name: "BACKEND=webgpu: 01_rotation runs in smoke mode through the Deno kernel",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await requireAdapter();
    const out = await Deno.makeTempDir({ prefix: "nb-webgpu-" });
    const run = await executeNotebook(`${ROOT}notebooks/01_rotation.ipynb`, {
      mode: "smoke",
      outDir: out,
      env: { RESULTS_DIR: `${out}/results`, BACKEND: "webgpu" },
      timeout: 600,
    });
    assert(run.ok, `execution failed:\n${run.stderr.slice(-2000)}`);
    const saved = await loadResults(`${out}/results/01_rotation.json`);
    assertEquals(saved.backend, "webgpu");
    assert(saved.rows.every((r) => Number.isFinite(r.mean) && r.mean > 0));
    await Deno.remove(out, { recursive: true });
  },
});
