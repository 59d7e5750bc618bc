import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import {
  bestSilhouetteK,
  clusterMeans,
  elbowK,
  kmeans,
  kmeansSweep,
  silhouetteScore,
} from "./kmeans.ts";

/** `k` well-separated 2-D blobs of `per` points each, centres on a grid 10 apart. */
function blobs(k: number, per: number, seed: number) {
  const rng = createRng(seed);
  const data = new Float64Array(k * per * 2);
  const truth = new Int32Array(k * per);
  for (let i = 0; i < k * per; i++) {
    truth[i] = i % k;
    data[2 * i] = 10 * (truth[i] % 2) + rng.normal() * 0.5;
    data[2 * i + 1] = 10 * Math.floor(truth[i] / 2) + rng.normal() * 0.5;
  }
  return { points: { data, n: k * per, dim: 2 }, truth };
}

Deno.test("kmeans() recovers well-separated blobs exactly", () => {
  const { points, truth } = blobs(3, 40, 1);
  const { assignments, sizes, centroids } = kmeans(points, 3, { seed: 0 });
  for (let i = 0; i < points.n; i++) {
    for (let j = 0; j < points.n; j++) {
      assertEquals(assignments[i] === assignments[j], truth[i] === truth[j]);
    }
  }
  assertEquals([...sizes].sort(), [40, 40, 40]);
  assertEquals(centroids.length, 6);
});

Deno.test("kmeans() is reproducible for a seed and its inertia matches the assignments", () => {
  const { points } = blobs(4, 25, 2);
  const a = kmeans(points, 4, { seed: 7 }), b = kmeans(points, 4, { seed: 7 });
  assertEquals(a.assignments, b.assignments);
  let inertia = 0;
  for (let i = 0; i < points.n; i++) {
    const c = a.assignments[i];
    for (let d = 0; d < 2; d++) inertia += (points.data[2 * i + d] - a.centroids[2 * c + d]) ** 2;
  }
  assertAlmostEquals(a.inertia, inertia, 1e-6);
});

Deno.test("kmeans() handles duplicate points and k = n; rejects bad k and NaN", () => {
  const same = { data: new Float64Array(8).fill(1), n: 4, dim: 2 };
  assertEquals(kmeans(same, 2, { seed: 0 }).inertia, 0);
  const line = { data: Float64Array.of(0, 1, 2), n: 3, dim: 1 };
  assertEquals(kmeans(line, 3, { seed: 0 }).inertia, 0);
  assertThrows(() => kmeans(line, 4, { seed: 0 }), /k must be an integer in 1\.\.3/);
  assertThrows(
    () => kmeans({ data: Float64Array.of(0, NaN), n: 2, dim: 1 }, 1, { seed: 0 }),
    /NaN/,
  );
});

Deno.test("silhouetteScore() matches a hand computation", () => {
  // Points 0, 1 | 4: a(0)=1, b(0)=4 → 0.75; a(1)=1, b(1)=3 → 2/3; singleton → 0.
  const points = { data: Float64Array.of(0, 1, 4), n: 3, dim: 1 };
  assertAlmostEquals(silhouetteScore(points, [0, 0, 1]), (0.75 + 2 / 3) / 3, 1e-12);
  assertThrows(() => silhouetteScore(points, [0, 0, 0]), /non-empty clusters/);
});

Deno.test("kmeansSweep(): silhouette and elbow both pick the true k of clean blobs", () => {
  const { points } = blobs(4, 30, 3);
  const sweep = kmeansSweep(points, [1, 2, 3, 4, 5, 6, 7], { seed: 0 });
  assert(Number.isNaN(sweep[0].silhouette));
  assert(sweep.every((r, i) => i === 0 || r.inertia <= sweep[i - 1].inertia + 1e-9));
  assertEquals(bestSilhouetteK(sweep), 4);
  assertEquals(elbowK(sweep), 4);
});

Deno.test("clusterMeans() averages each column per cluster", () => {
  const points = { data: Float64Array.of(0, 10, 2, 20, 5, 50), n: 3, dim: 2 };
  assertEquals([...clusterMeans(points, [0, 0, 1], 2)], [1, 15, 5, 50]);
  assert(Number.isNaN(clusterMeans(points, [0, 0, 0], 2)[2]));
  assertThrows(() => clusterMeans(points, [0, 0, 2], 2), /not in 0\.\.1/);
});
