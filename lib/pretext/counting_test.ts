import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import type { ImageSet } from "../data/mod.ts";
import { downsample2x } from "../augment/downsample.ts";
import { buildEncoder } from "../models/encoder.ts";
import { fit } from "../train/fit.ts";
import {
  buildCountingModel,
  countingLoss,
  countingMetrics,
  countingSource,
  countingTerms,
  countsOf,
} from "./counting.ts";

await tf.setBackend("cpu");

const n = 5;
const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31 + (i >> 7)) % 256);
const set: ImageSet = { images, labels: new Uint8Array(n), n, height: 28, width: 28 };

Deno.test("countingLoss() matches a hand-computed value for a batch of two", () => {
  // dim 2. Example 1: tiles sum to [2, 1]; D(x) = [3, 1] → counting 1; D(y) = [2, 2] → contrast 1,
  // hinge max(0, 4 − 1) = 3. Example 2: tiles sum to [0, 0]; D(x) = [0, 2] → 4; D(y) = [3, 0] → 9,
  // hinge 0. Loss = mean(1 + 3, 4 + 0) = 4; without the contrastive term mean(1, 4) = 2.5.
  const phi = tf.tensor3d([
    [[1, 0], [1, 0], [0, 1], [0, 0], [3, 1], [2, 2]],
    [[0, 0], [0, 0], [0, 0], [0, 0], [0, 2], [3, 0]],
  ]);
  const target = tf.zeros([2]);
  assertAlmostEquals(countingLoss({ margin: 4 })(phi, target).dataSync()[0], 4, 1e-6);
  assertAlmostEquals(
    countingLoss({ margin: 4, contrastiveWeight: 0 })(phi, target).dataSync()[0],
    2.5,
    1e-6,
  );
  const terms = countingTerms(phi);
  assertEquals(Array.from(terms.counting.dataSync()), [1, 4]);
  assertEquals(Array.from(terms.contrast.dataSync()), [1, 9]);
});

Deno.test("countingLoss(): the contrastive term is zero when the other image is far apart", () => {
  const phi = tf.tensor3d([[[1, 1], [1, 1], [1, 1], [1, 1], [4, 4], [0, 0]]]); // ‖[4,4]‖² = 32
  assertAlmostEquals(countingLoss({ margin: 10 })(phi, tf.zeros([1])).dataSync()[0], 0, 1e-6);
  // …and the all-zero features cost exactly the margin: collapse is penalised.
  const zero = tf.zeros([3, 6, 4]);
  assertAlmostEquals(countingLoss({ margin: 10 })(zero, tf.zeros([3])).dataSync()[0], 10, 1e-6);
});

Deno.test("countingLoss() rejects a negative margin", () => {
  assertThrows(() => countingLoss({ margin: -1 }), /margin \(-1\)/);
});

Deno.test("countingSource() yields the 4 tiles, D(x) and D(y) of another image", () => {
  const source = countingSource(set, [0, 1, 2, 3, 4]);
  const { x, y } = source.batch(Int32Array.from([2, 4]), createRng(0));
  assertEquals(x.shape, [2, 6, 14, 14, 1]);
  assertEquals(Array.from(y.dataSync()), [0, 0]);
  const parts = (x.arraySync() as number[][][][][]).map((ex) =>
    ex.map((p) => p.flat(2).map((v) => Math.round(v * 255)))
  );
  const img = (k: number) => images.subarray(k * 784, (k + 1) * 784);
  const topLeft = Array.from({ length: 196 }, (_, i) => img(2)[Math.floor(i / 14) * 28 + (i % 14)]);
  assertEquals(parts[0][0], topLeft);
  const boxOrNearest = (k: number) =>
    [downsample2x(img(k), 28, "box"), downsample2x(img(k), 28, "nearest")].map((a) => a.join());
  assert(boxOrNearest(2).includes(parts[0][4].join()), "part 5 is D(x)");
  const others = [0, 1, 3, 4].flatMap(boxOrNearest);
  assert(others.includes(parts[0][5].join()), "part 6 is D(y) of another image");
  tf.dispose([x, y]);
});

Deno.test("countingSource() needs two images", () => {
  assertThrows(() => countingSource(set, [0]), /at least 2 images/);
});

Deno.test("buildCountingModel() trains through fit() with countingLoss", async () => {
  const encoder = buildEncoder({ seed: 0, inputShape: [14, 14, 1], channels: [4, 4, 8] });
  const model = buildCountingModel(encoder);
  assertEquals(model.outputs[0].shape, [null, 6, 8]);
  const source = countingSource(set, [0, 1, 2, 3, 4]);
  const history = await fit(model, source, {
    epochs: 2,
    batchSize: 5,
    seed: 0,
    progress: false,
    loss: countingLoss({ margin: 10 }),
  });
  assert(history.every((h) => Number.isFinite(h.loss) && h.accuracy === undefined));
  const metrics = await countingMetrics(model, countingSource(set, [0, 1, 2, 3, 4], { seed: 1 }), {
    margin: 10,
  });
  assert(metrics.countingError >= 0 && metrics.contrastDistance >= 0);
  assert(metrics.hinge >= 0 && metrics.hinge <= 10);
});

Deno.test("countsOf() returns φ of the parts and the sum over tiles", async () => {
  const encoder = buildEncoder({ seed: 1, inputShape: [14, 14, 1], channels: [2, 2, 3] });
  const model = buildCountingModel(encoder);
  const source = countingSource(set, [0, 1, 2], { seed: 2 });
  const [counts] = await countsOf(model, source, [1]);
  assertEquals(counts.tiles.length, 4);
  assertEquals(counts.whole.length, 3);
  counts.tileSum.forEach((v, j) =>
    assertAlmostEquals(v, counts.tiles.reduce((s, t) => s + t[j], 0), 1e-5)
  );
  const { x } = source.batch(Int32Array.from([1]), createRng(0));
  const direct = (model.predict(x) as tf.Tensor).arraySync() as number[][][];
  assertEquals(counts.other, direct[0][5]);
});

Deno.test("buildCountingModel() with a counting head gives non-negative counts per part", () => {
  const encoder = buildEncoder({ seed: 1, inputShape: [14, 14, 1], channels: [2, 2, 3] });
  const model = buildCountingModel(encoder, { counts: 5, seed: 0 });
  assertEquals(model.outputs[0].shape, [null, 6, 5]);
  const { x } = countingSource(set, [0, 1, 2]).batch(Int32Array.from([0, 1]), createRng(0));
  const out = model.predict(x) as tf.Tensor;
  assertEquals(out.shape, [2, 6, 5]);
  assert(out.dataSync().every((v) => v >= 0));
  // the head is shared: the same features give the same counts in any part
  const twice = tf.concat([x.slice([0, 0], [1, 1]), x.slice([0, 0], [1, 1])], 1);
  const padded = tf.concat([twice, x.slice([0, 2], [1, 4])], 1);
  const counts = (model.predict(padded) as tf.Tensor).arraySync() as number[][][];
  counts[0][0].forEach((v, j) => assertAlmostEquals(counts[0][1][j], v, 1e-6));
});
