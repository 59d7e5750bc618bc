import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import type { ImageSet } from "../data/mod.ts";
import { buildEncoder } from "../models/encoder.ts";
import { fit } from "../train/fit.ts";
import {
  buildTwinModel,
  knnMonitor,
  ntXentLoss,
  pretrainTwins,
  twinProjections,
  twoViewSource,
  vicregLoss,
  vicregTerms,
} from "./twin_views.ts";
import { createRng } from "../random.ts";

await tf.setBackend("cpu");

const n = 6;
const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 37 + (i >> 5)) % 256);
const set: ImageSet = {
  images,
  labels: Uint8Array.from({ length: n }, (_, i) => i % 2),
  n,
  height: 28,
  width: 28,
};
const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

Deno.test("ntXentLoss() matches hand-computed values for a batch of two", () => {
  // views of image 1 = e1, of image 2 = e2. Row e1 sees e2 (cos 0), its partner e1 (cos 1), e2 (0):
  // τ = 1: log(e⁰ + e¹ + e⁰) − 1 = log(e + 2) − 1; τ = 0.5: log(1 + e² + 1) − 2.
  const z = tf.tensor3d([[[1, 0], [2, 0]], [[0, 3], [0, 1]]]); // norms do not matter
  assertAlmostEquals(
    value(ntXentLoss({ temperature: 1 })(z, tf.zeros([2]))),
    Math.log(Math.E + 2) - 1,
    1e-5,
  );
  assertAlmostEquals(
    value(ntXentLoss({ temperature: 0.5 })(z, tf.zeros([2]))),
    Math.log(Math.exp(2) + 2) - 2,
    1e-5,
  );
  // the partner at 90°, the negative identical to the anchor: log(e⁰ + e¹ + e⁰)… row-wise by hand:
  // rows a1=e1, a2=e1, b1=e2, b2=e2 (image 1: views e1/e2, image 2: views e1/e2), τ = 1.
  // row a1: others a2 (1), b1 (0, partner), b2 (0) → log(e + 2) − 0; all four rows alike.
  const hard = tf.tensor3d([[[1, 0], [0, 1]], [[1, 0], [0, 1]]]);
  assertAlmostEquals(
    value(ntXentLoss({ temperature: 1 })(hard, tf.zeros([2]))),
    Math.log(Math.E + 2),
    1e-5,
  );
  assertThrows(() => ntXentLoss({ temperature: 0 }), /temperature must be > 0/);
  assertThrows(
    () => ntXentLoss({ temperature: 1 })(tf.zeros([2, 3, 2]), tf.zeros([2])),
    /\[batch, 2, dim\]/,
  );
  z.dispose();
  hard.dispose();
});

Deno.test("vicregTerms() match hand-computed values", () => {
  // batch 2, dim 2. view a: [1, 0], [3, 0]; view b: [1, 0], [3, 2].
  // invariance: mean of squared differences over 4 numbers = (0 + 0 + 0 + 4) / 4 = 1.
  // view a: dim 0 values 1, 3 → unbiased var 2, std √2.0001 > 1 → 0; dim 1 all 0 → std 0.01 → 0.99.
  //   hinge mean 0.495; cov off-diagonal 0 (dim 1 constant).
  // view b: dim 0 var 2, dim 1 values 0, 2 → var 2; hinges 0; cov(0,1) = (−1·−1 + 1·1)/1 = 2
  //   → off-diagonal squares 2·4 = 8, / dim 2 = 4.
  // variance = (0.495 + 0) / 2 = 0.2475; covariance = 0 + 4 = 4.
  const z = tf.tensor3d([[[1, 0], [1, 0]], [[3, 0], [3, 2]]]);
  const t = vicregTerms(z);
  assertAlmostEquals(value(t.invariance), 1, 1e-6);
  assertAlmostEquals(value(t.variance), (1 - Math.sqrt(1e-4)) / 4, 1e-5);
  assertAlmostEquals(value(t.covariance), 4, 1e-5);
  const loss = value(vicregLoss({ invariance: 25, variance: 25, covariance: 1 })(z, tf.zeros([2])));
  assertAlmostEquals(loss, 25 * 1 + 25 * 0.2475 + 4, 1e-4);
  assertThrows(
    () => vicregLoss({ invariance: 1, variance: -1, covariance: 1 }),
    /weight variance must be ≥ 0/,
  );
  z.dispose();
});

Deno.test("twoViewSource(): two different views per image, reproducible with a seed, no leak", () => {
  const before = tf.memory().numTensors;
  const source = twoViewSource(set, [0, 2, 4], { seed: 1 });
  assertEquals(source.size, 3);
  const { x, y } = source.batch(Int32Array.from([0, 2]), createRng(0));
  assertEquals(x.shape, [2, 2, 28, 28, 1]);
  assertEquals(y.shape, [2]);
  const v = x.dataSync();
  const again = source.batch(Int32Array.from([0, 2]), createRng(77)); // seeded: rng ignored
  assertEquals(Array.from(again.x.dataSync()), Array.from(v));
  const first = v.subarray(0, 784), second = v.subarray(784, 1568);
  assert(first.some((p, i) => p !== second[i]), "the two views differ");
  assert(v.every((p) => p >= 0 && p <= 1));
  tf.dispose([x, y, again.x, again.y]);
  assertEquals(tf.memory().numTensors, before);
  assertThrows(() => twoViewSource(set, [1]), /needs at least 2 images/);
});

Deno.test("a twin model trains with fit(), shares the encoder's weights, and the monitor runs", async () => {
  const encoder = buildEncoder({ seed: 0, channels: [4, 4, 8], name: "twin_test_enc" });
  const model = buildTwinModel(encoder, { hidden: [16], units: 8, seed: 0 });
  assertEquals(model.outputs[0].shape, [null, 2, 8]);
  const weightBefore = encoder.getWeights()[0].dataSync().slice();
  const history = await fit(model, twoViewSource(set, [0, 1, 2, 3, 4, 5]), {
    epochs: 2,
    batchSize: 3,
    seed: 0,
    loss: ntXentLoss({ temperature: 0.5 }),
    progress: false,
    learningRate: 1e-2,
  });
  assertEquals(history.length, 2);
  assert(history.every((h) => Number.isFinite(h.loss)));
  const weightAfter = encoder.getWeights()[0].dataSync();
  assert(
    weightAfter.some((w, i) => w !== weightBefore[i]),
    "training the twin model trains the encoder",
  );
  const p = await twinProjections(model, set, [0, 1, 2]);
  assertEquals([p.n, p.dim, p.data.length], [3, 8, 24]);
  const before = tf.memory().numTensors;
  const m = await knnMonitor(encoder, set, set, { k: 1 });
  assertEquals(m.accuracy, 1); // each query finds itself in the bank
  assertEquals(m.bankFeatures.dim, 8);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("pretrainTwins(): monitors kNN and collapse before training and after every epoch", async () => {
  const run = await pretrainTwins({
    set,
    indices: [0, 1, 2, 3, 4, 5],
    loss: vicregLoss({ invariance: 25, variance: 25, covariance: 1 }),
    encoderSeed: 0,
    channels: [4, 4, 8],
    head: { hidden: [8], units: 8 },
    epochs: 2,
    batchSize: 3,
    learningRate: 1e-3,
    seed: 0,
    label: "twin test",
    monitor: { bank: set, queries: set, knn: { k: 1 } },
  });
  assertEquals(run.monitor.map((p) => p.step), [0, 2, 4]);
  assertEquals(run.history.length, 2);
  for (const p of run.monitor) {
    assert(p.knnAccuracy >= 0 && p.knnAccuracy <= 1);
    assert(p.representation.effectiveRank >= 1 && p.representation.effectiveRank <= 8);
    assertEquals(p.projection.dim, 8);
    assert(p.projectionSpread.meanStd > 0 && p.projectionSpread.meanNorm > 0);
  }
});
