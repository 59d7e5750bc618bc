import * as tf from "@tensorflow/tfjs";
import { assert, assertEquals } from "../_assert.ts";
import { buildClassifier, buildEncoder, cloneEncoder } from "./encoder.ts";

await tf.setBackend("cpu");

Deno.test("buildEncoder() maps [n,28,28,1] to [n,128] with the reference blocks", () => {
  const encoder = buildEncoder({ seed: 0 });
  const y = encoder.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
  assertEquals(y.shape, [2, 128]);
  const kinds = encoder.layers.map((l) => l.getClassName());
  assertEquals(kinds.filter((k) => k === "Conv2D").length, 3);
  assertEquals(kinds.filter((k) => k === "BatchNormalization").length, 3);
  assertEquals(kinds.filter((k) => k === "MaxPooling2D").length, 2);
  assert(kinds.includes("GlobalAveragePooling2D"));
  tf.dispose([y]);
  encoder.dispose();
});

Deno.test("buildEncoder() is deterministic for a seed and differs across seeds", () => {
  const w = (seed: number) => buildEncoder({ seed }).getWeights()[0].dataSync()[0];
  assertEquals(w(1), w(1));
  assert(w(1) !== w(2));
});

Deno.test("cloneEncoder() copies weights into an independent model", () => {
  const a = buildEncoder({ seed: 3 });
  const b = cloneEncoder(a);
  const x = tf.randomNormal([1, 28, 28, 1], 0, 1, "float32", 1);
  const ya = (a.predict(x) as tf.Tensor).dataSync();
  const yb = (b.predict(x) as tf.Tensor).dataSync();
  assertEquals(Array.from(ya), Array.from(yb));
  b.setWeights(b.getWeights().map((w) => tf.zerosLike(w)));
  assert(a.getWeights()[0].dataSync()[0] !== 0);
  assertEquals(b.getWeights()[0].dataSync()[0], 0);
});

Deno.test("buildClassifier() puts a head on the encoder", () => {
  const clf = buildClassifier(buildEncoder({ seed: 0 }), { seed: 0, numClasses: 4, hidden: 16 });
  assertEquals((clf.predict(tf.zeros([3, 28, 28, 1])) as tf.Tensor).shape, [3, 4]);
});
