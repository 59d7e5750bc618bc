import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "./_assert.ts";
import { readAndDispose, weightsOf } from "./_read.ts";

Deno.test("readAndDispose() returns the values and disposes the tensor", async () => {
  const before = tf.memory().numTensors;
  const t = tf.tensor2d([[1, 2], [3, 4]]);
  assertEquals(Array.from(await readAndDispose(t)), [1, 2, 3, 4]);
  assert(t.isDisposed);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("weightsOf() copies every weight's shape and values", async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: "ones" })],
  });
  const weights = await weightsOf(model);
  assertEquals(weights.map((w) => w.shape), [[3, 2], [2]]);
  assertEquals(Array.from(weights[0].data), [1, 1, 1, 1, 1, 1]);
  model.dispose();
});

/**
 * On `webgpu` a synchronous read (`dataSync`, `arraySync`, `bufferSync`) needs a 2-D
 * OffscreenCanvas, which Deno lacks: the notebooks run on webgpu only if lib/ never reads so.
 */
Deno.test("lib/ reads tensors only asynchronously (so the notebooks run on webgpu)", async () => {
  const offenders: string[] = [];
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.name.endsWith(".ts") && !/_test(_util)?\.ts$/.test(entry.name)) {
        (await Deno.readTextFile(url)).split("\n").forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, "");
          if (/^\s*\*/.test(line)) return; // doc comments show examples
          if (/\.(dataSync|arraySync|bufferSync)\(/.test(code)) {
            offenders.push(`${url.pathname.replace(/.*\/lib\//, "lib/")}:${i + 1}`);
          }
        });
      }
    }
  };
  await walk(new URL(".", import.meta.url));
  assertEquals(
    offenders,
    [],
    `synchronous reads; use await tensor.data(): ${offenders.join(", ")}`,
  );
});
