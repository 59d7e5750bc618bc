import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { backendKnobs, BACKENDS, initBackend, threadsFromEnv } from "./backend.ts";
import { registerNativeBackend } from "./native/mod.ts";

/** Runs `fn` with env BACKEND set to `value` (or unset), restoring it afterwards. */
async function withBackendEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = Deno.env.get("BACKEND");
  if (value == null) Deno.env.delete("BACKEND");
  else Deno.env.set("BACKEND", value);
  try {
    return await fn();
  } finally {
    if (saved == null) Deno.env.delete("BACKEND");
    else Deno.env.set("BACKEND", saved);
  }
}

Deno.test("initBackend rejects an unknown name, naming BACKEND, the value and the valid ones", async () => {
  await assertRejects(() => initBackend("tpu"), /BACKEND.*"tpu".*native, wasm, cpu, webgpu/);
  await withBackendEnv("gpu", async () => {
    await assertRejects(() => initBackend(), /BACKEND.*"gpu".*native, wasm, cpu, webgpu/);
  });
  assertEquals([...BACKENDS], ["native", "wasm", "cpu", "webgpu"]);
});

Deno.test("initBackend: argument, else env BACKEND, else native (wasm without oneDNN); idempotent", async () => {
  const expected = await registerNativeBackend().then(() => "native", () => "wasm");
  await withBackendEnv(undefined, async () => {
    assertEquals(await initBackend(), expected);
    assertEquals(await initBackend(), expected);
  });
  await withBackendEnv("cpu", async () => {
    assertEquals(await initBackend(), "cpu");
    assertEquals(await initBackend("wasm"), "wasm"); // the argument wins
  });
  assertEquals(await initBackend("CPU"), "cpu");
  assertEquals(tf.getBackend(), "cpu");
  assertEquals(await initBackend("wasm"), "wasm");
});

Deno.test("initBackend('wasm') can train a conv net (Conv2DBackpropFilter is registered)", async () => {
  await initBackend("wasm");
  const g = tf.tidy(() => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const f = (w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 1, "same").sum();
    return tf.grad(f)(tf.ones([3, 3, 1, 2])).dataSync();
  });
  assertEquals(g.length, 18);
});

Deno.test("initBackend('webgpu') fails with a clear error where WebGPU is unusable", async () => {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu == null ? null : await gpu.requestAdapter().catch(() => null);
  if (adapter != null) return; // a real GPU: nothing to check here
  await assertRejects(() => initBackend("webgpu"), /webgpu|WebGPU/);
  assert(tf.getBackend() !== "webgpu");
});

Deno.test("backendKnobs and threadsFromEnv reject bad BACKEND / SUITE_THREADS values by name", async () => {
  await withBackendEnv("tpu", () => {
    assertThrows(() => backendKnobs(), /BACKEND.*"tpu".*native, wasm, cpu, webgpu/);
    return Promise.resolve();
  });
  for (const bad of ["0", "-1", "two", "1.5", "9999"]) {
    assertThrows(() => threadsFromEnv(bad), new RegExp(`SUITE_THREADS="${bad}" is not valid`));
  }
  assertEquals(threadsFromEnv("2"), 2);
  assertEquals(threadsFromEnv(undefined), undefined);
});
