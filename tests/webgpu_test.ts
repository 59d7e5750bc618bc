/**
 * BACKEND=webgpu: the reference encoder's training step on Deno's WebGPU. On a machine without a
 * GPU, WebGPU runs on Mesa's software Vulkan driver (lavapipe, installed by bin/setup): slow, but
 * the same shaders, so this checks correctness here; speed needs a GPU. (The notebooks do not run
 * on webgpu yet: tfjs-webgpu's synchronous readback, `dataSync`, draws through a 2-D
 * OffscreenCanvas that Deno does not have, and lib/ still reads some tensors synchronously.)
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../lib/_assert.ts";
import { initBackend } from "../lib/backend/mod.ts";
import { buildClassifier, buildEncoder } from "../lib/models/mod.ts";
import { sparseCrossEntropy } from "../lib/train/fit.ts";

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
