import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import {
  buildArchitecture,
  buildDenseStack,
  denseArchitecture,
  stackLayerFeatures,
  stackLayers,
} from "./dense_stack.ts";

await tf.setBackend("cpu");

Deno.test("buildDenseStack() maps 28×28 images through sigmoid layers to the last layer's codes", () => {
  const stack = buildDenseStack({ units: [6, 4, 3], seed: 0 });
  assertEquals(stack.outputs[0].shape, [null, 3]);
  assertEquals(stackLayers(stack).map((l) => l.getConfig().units), [6, 4, 3]);
  const codes = tf.tidy(() => stack.predict(tf.ones([2, 28, 28, 1])) as tf.Tensor);
  const values = Array.from(codes.dataSync());
  codes.dispose();
  assert(values.every((v) => v > 0 && v < 1), `sigmoid codes in (0, 1): ${values}`);
});

Deno.test("buildDenseStack() computes sigmoid(x·W + b) layer by layer (hand-checked weights)", () => {
  const stack = buildDenseStack({ units: [2, 1], seed: 0, inputShape: [1, 2, 1] });
  // layer 1: W = [[1, 0], [0, 2]], b = [0, −1]; layer 2: W = [[1], [1]], b = [0]
  stack.setWeights([
    tf.tensor2d([[1, 0], [0, 2]]),
    tf.tensor1d([0, -1]),
    tf.tensor2d([[1], [1]]),
    tf.tensor1d([0]),
  ]);
  const s = (v: number) => 1 / (1 + Math.exp(-v));
  // x = [1, 1] → layer 1 = [s(1), s(1)] → layer 2 = s(2·s(1))
  const out = stack.predict(tf.tensor4d([1, 1], [1, 1, 2, 1])) as tf.Tensor;
  assertAlmostEquals(out.dataSync()[0], s(2 * s(1)), 1e-6);
  const first = stackLayerFeatures(stack, 1).predict(
    tf.tensor4d([1, 1], [1, 1, 2, 1]),
  ) as tf.Tensor;
  assertEquals(Array.from(first.dataSync()).map((v) => +v.toFixed(6)), [
    +s(1).toFixed(6),
    +s(1).toFixed(6),
  ]);
});

Deno.test("buildDenseStack() is deterministic given the seed", () => {
  const a = buildDenseStack({ units: [5, 3], seed: 7 }).getWeights()[0].dataSync();
  const b = buildDenseStack({ units: [5, 3], seed: 7 }).getWeights()[0].dataSync();
  const c = buildDenseStack({ units: [5, 3], seed: 8 }).getWeights()[0].dataSync();
  assertEquals(Array.from(a), Array.from(b));
  assert(Array.from(a).some((v, i) => v !== c[i]), "another seed, other weights");
});

Deno.test("buildDenseStack() and stackLayerFeatures() name the bad input", () => {
  assertThrows(() => buildDenseStack({ units: [], seed: 0 }), /units must be a non-empty list/);
  assertThrows(() => buildDenseStack({ units: [4, 0], seed: 0 }), /got \[4, 0\]/);
  assertThrows(
    () => buildDenseStack({ units: [4], seed: 0, activation: "tanh" as "relu" }),
    /activation must be "sigmoid" or "relu", got "tanh"/,
  );
  const stack = buildDenseStack({ units: [4, 2], seed: 0, name: "s" });
  assertThrows(() => stackLayerFeatures(stack, 3), /layer must be 1\.\.2 for s .* got 3/);
});

Deno.test("denseArchitecture() + buildArchitecture() rebuild the same stack (as a worker does)", () => {
  const stack = buildDenseStack({ units: [8, 4], seed: 3, activation: "relu" });
  const architecture = denseArchitecture(stack);
  assertEquals(architecture, { kind: "dense", units: [8, 4], activation: "relu" });
  const copy = buildArchitecture(architecture, 3);
  copy.setWeights(stack.getWeights());
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 1);
  assertEquals(
    Array.from((copy.predict(x) as tf.Tensor).dataSync()),
    Array.from((stack.predict(x) as tf.Tensor).dataSync()),
  );
  // the default is the reference encoder
  assertEquals(buildArchitecture(undefined, 0).outputs[0].shape, [null, 128]);
  assertThrows(() => buildArchitecture({ kind: "mlp" } as never, 0), /unknown kind "mlp"/);
});
