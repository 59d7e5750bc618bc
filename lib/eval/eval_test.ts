import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../_assert.ts";
import { createRng } from "../random.ts";
import type { Features } from "./features.ts";
import { featureStats, selectRows, standardize } from "./features.ts";
import { knnClassify, nearestRows, topK } from "./knn.ts";
import { accuracy, lbfgs, trainLinearProbe } from "./linear_probe.ts";
import { fitPca, jacobiEigen, pcaTransform } from "./pca.ts";

await tf.setBackend("cpu");

/** Gaussian blobs: class c centred at 3·e_c in `dim` dimensions. */
function blobs(nPerClass: number, classes: number, dim: number, seed: number) {
  const rng = createRng(seed);
  const n = nPerClass * classes;
  const data = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % classes;
    for (let j = 0; j < dim; j++) data[i * dim + j] = rng.normal() + (j === labels[i] ? 3 : 0);
  }
  return { features: { data, n, dim } as Features, labels };
}

Deno.test("lbfgs() finds the minimum of a convex quadratic", async () => {
  const target = [1, -2, 3];
  const { theta } = await lbfgs(
    (t) =>
      Promise.resolve({
        f: t.reduce((s, v, i) => s + (i + 1) * (v - target[i]) ** 2, 0),
        g: t.map((v, i) => 2 * (i + 1) * (v - target[i])),
      }),
    new Float64Array(3),
    { maxIterations: 100, tolerance: 1e-9 },
  );
  theta.forEach((v, i) => assertAlmostEquals(v, target[i], 1e-6));
});

Deno.test("trainLinearProbe() separates Gaussian blobs and is deterministic", async () => {
  const train = blobs(50, 4, 6, 1), test = blobs(50, 4, 6, 2);
  const probe = await trainLinearProbe(train.features, train.labels, { numClasses: 4 });
  const acc = accuracy(await probe.predict(test.features), test.labels);
  assert(acc > 0.9, `accuracy ${acc}`);
  const again = await trainLinearProbe(train.features, train.labels, { numClasses: 4 });
  assertEquals(
    Array.from(await again.predict(test.features)),
    Array.from(await probe.predict(test.features)),
  );
});

Deno.test("trainLinearProbe() reaches a near-zero gradient (well converged)", async () => {
  const train = blobs(30, 3, 5, 3);
  const probe = await trainLinearProbe(train.features, train.labels, { numClasses: 3, c: 0.1 });
  assert(probe.iterations < 300, `did not converge in ${probe.iterations} iterations`);
});

Deno.test("trainLinearProbe() rejects mismatched labels, NaN features and bad labels", async () => {
  const { features, labels } = blobs(2, 2, 3, 0);
  await assertRejects(
    () => trainLinearProbe(features, labels.slice(1)),
    /4 feature rows but 3 labels/,
  );
  const nan = { ...features, data: features.data.map((v, i) => (i === 4 ? NaN : v)) };
  await assertRejects(() => trainLinearProbe(nan, labels), /NaN at row 1 is not finite/);
  await assertRejects(() => trainLinearProbe(features, labels, { numClasses: 1 }), /outside 0..0/);
});

Deno.test("knnClassify() votes with exp(sim/T) weights among the k nearest", async () => {
  // Two training points per class on the unit circle; test points near each.
  const train = {
    features: { data: new Float32Array([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]), n: 4, dim: 2 },
    labels: [0, 0, 1, 1],
  };
  const test = { data: new Float32Array([1, 0.05, 0.05, 1, 0.7, 0.6]), n: 3, dim: 2 };
  assertEquals(Array.from(await knnClassify(train, test, { k: 2, numClasses: 2 })), [0, 1, 0]);
  // k larger than the training set is clamped.
  assertEquals(Array.from(await knnClassify(train, test, { k: 50, numClasses: 2 })), [0, 1, 0]);
});

Deno.test("knnClassify() is accurate on blobs", async () => {
  const train = blobs(40, 4, 6, 4), test = blobs(20, 4, 6, 5);
  const acc = accuracy(
    await knnClassify(train, test.features, { numClasses: 4, blockSize: 7 }),
    test.labels,
  );
  assert(acc > 0.85, `accuracy ${acc}`);
});

Deno.test("jacobiEigen() diagonalises a symmetric matrix", () => {
  const [values] = jacobiEigen(new Float64Array([2, 1, 1, 2]), 2);
  const sorted = Array.from(values).sort();
  assertAlmostEquals(sorted[0], 1, 1e-10);
  assertAlmostEquals(sorted[1], 3, 1e-10);
});

Deno.test("fitPca() recovers the leading axes and variances of an anisotropic Gaussian", async () => {
  const rng = createRng(9);
  const n = 4000, dim = 5, scales = [5, 3, 1, 0.5, 0.2];
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) data[i * dim + j] = rng.normal() * scales[j] + 10;
  }
  const pca = await fitPca({ data, n, dim }, { components: 2, seed: 1 });
  assertAlmostEquals(pca.variances[0], 25, 1.5);
  assertAlmostEquals(pca.variances[1], 9, 0.8);
  assertAlmostEquals(Math.abs(pca.components[0]), 1, 0.01); // first axis = e0
  assertAlmostEquals(Math.abs(pca.components[dim + 1]), 1, 0.01); // second axis = e1
  const projected = await pcaTransform(pca, { data: data.subarray(0, dim * 10), n: 10, dim });
  assertEquals([projected.n, projected.dim], [10, 2]);
  await assertRejects(
    () => fitPca({ data, n, dim }, { components: 9 }),
    /components must be an integer in 1..5/,
  );
});

Deno.test("standardize() uses training statistics; selectRows() picks rows", () => {
  const f: Features = { data: new Float32Array([1, 10, 3, 10]), n: 2, dim: 2 };
  const z = standardize(f, featureStats(f));
  assertEquals(Array.from(z.data), [-1, 0, 1, 0]);
  assertEquals(Array.from(selectRows(f, [1]).data), [3, 10]);
});

Deno.test("topK() returns the indices of the k largest values in descending order", () => {
  assertEquals(Array.from(topK([0.1, 0.9, 0.3, 0.9, -1, 0.5], 3)), [1, 3, 5]);
  assertEquals(Array.from(topK([2, 1], 5)), [0, 1]);
});

Deno.test("nearestRows() returns the cosine-nearest rows, nearest first, never the query", async () => {
  // rows: 0 = [1, 0], 1 = [10, 1] (cos ≈ 0.995 to row 0), 2 = [0, 1], 3 = [1, 1] (cos 0.707)
  const f = { data: new Float32Array([1, 0, 10, 1, 0, 1, 1, 1]), n: 4, dim: 2 };
  const before = tf.memory().numTensors;
  const [near0, near2] = await nearestRows(f, [0, 2], 2);
  assertEquals(Array.from(near0), [1, 3]);
  assertEquals(Array.from(near2), [3, 1]);
  assertEquals(tf.memory().numTensors, before);
  await assertRejects(() => nearestRows(f, [0], 4), /k must be an integer in 1\.\.3/);
});
