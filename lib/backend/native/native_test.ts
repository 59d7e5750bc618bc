/**
 * Selection and fallback of the native backend, in child processes (a process loads oneDNN once):
 * the default falls back to wasm with one line naming the library and its package; an explicit
 * BACKEND=native fails with that message; a library that loads but is not oneDNN 2.x is named.
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../../_assert.ts";
import { buildClassifier, buildEncoder } from "../../models/mod.ts";
import { sparseCrossEntropy } from "../../train/fit.ts";
import { initBackend } from "../backend.ts";
import { registerNativeBackend } from "./mod.ts";

const SCRIPT = `
import { initBackend } from "${new URL("../backend.ts", import.meta.url).href}";
try {
  console.log("BACKEND_IS=" + await initBackend());
} catch (e) {
  console.log("ERROR=" + e.name + ": " + e.message);
}`;

/** Runs initBackend() in a child with `env`; returns its stdout and stderr. */
async function child(env: Record<string, string>): Promise<{ out: string; err: string }> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, SCRIPT);
  try {
    const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `--config=${new URL("../../../deno.json", import.meta.url).pathname}`,
        file,
      ],
      env: { NO_COLOR: "1", ...env },
    }).output();
    return { out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("default backend without oneDNN: one line naming the library and package, then wasm", async () => {
  const { out, err } = await child({ DNNL_LIBRARY: "/nonexistent/libdnnl.so.2" });
  assert(out.includes("BACKEND_IS=wasm"), out + err);
  const lines = err.split("\n").filter((l) => l.includes("native unavailable"));
  assertEquals(lines.length, 1);
  assert(/\/nonexistent\/libdnnl\.so\.2/.test(lines[0]) && /libdnnl2/.test(lines[0]), lines[0]);
});

Deno.test("BACKEND=native without oneDNN is an error naming the library and the fix", async () => {
  const { out } = await child({ BACKEND: "native", DNNL_LIBRARY: "/nonexistent/libdnnl.so.2" });
  assert(
    /ERROR=NativeUnavailable: .*\/nonexistent\/libdnnl\.so\.2.*apt-get install libdnnl2/.test(out),
    out,
  );
});

Deno.test("a shared library that loads but is not oneDNN 2.x is named, not a crash", async () => {
  const { out } = await child({ BACKEND: "native", DNNL_LIBRARY: "libgomp.so.1" });
  assert(
    /ERROR=NativeUnavailable: libgomp\.so\.1 loads but lacks a oneDNN 2\.x symbol/.test(out),
    out,
  );
});

/** The reference encoder's loss and gradients after one training-mode pass on `backend`. */
async function stepGradients(backend: string, batch: number) {
  await initBackend(backend);
  const model = buildClassifier(buildEncoder({ seed: 4 }), { seed: 4, numClasses: 10 });
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, "float32", 7);
  const y = tf.randomUniform([batch], 0, 10, "int32", 8);
  const { value, grads } = tf.variableGrads(() =>
    sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y)
  );
  const out = {
    loss: (await value.data())[0],
    grads: await Promise.all(Object.values(grads).map((g) => g.data() as Promise<Float32Array>)),
  };
  tf.dispose([value, x, y, ...Object.values(grads)]);
  model.dispose();
  await initBackend("wasm");
  return out;
}

const nativeLoads = await registerNativeBackend().then(() => true, () => false);

Deno.test({
  name: "native: a training step's loss and gradients equal wasm's (≤ 1e-4), and repeat bitwise",
  ignore: !nativeLoads,
  async fn() {
    const wasm = await stepGradients("wasm", 64);
    const native = await stepGradients("native", 64);
    assert(Math.abs(native.loss - wasm.loss) <= 1e-4, `loss ${native.loss} vs ${wasm.loss}`);
    wasm.grads.forEach((w, i) => {
      let err = 0;
      for (let j = 0; j < w.length; j++) err = Math.max(err, Math.abs(native.grads[i][j] - w[j]));
      assert(err <= 1e-4, `gradient ${i}: max |native − wasm| = ${err}`);
    });
    // Same thread count, same inputs: the same bits (oneDNN's reductions keep their order).
    const again = await stepGradients("native", 64);
    assertEquals(again.loss, native.loss);
    again.grads.forEach((g, i) => assertEquals(Array.from(g), Array.from(native.grads[i])));
  },
});
