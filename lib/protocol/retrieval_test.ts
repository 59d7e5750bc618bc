import { assert, assertEquals } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { fewShotRetrieval } from "./retrieval.ts";
import { cachedFeatures } from "./sources.ts";
import type { ImageSet } from "../data/mod.ts";

await initBackend();

Deno.test("fewShotRetrieval: a space that separates the classes ranks them perfectly; one per class, seed, space", async () => {
  const n = 60, labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
  const pool = { n, labels, images: new Uint8Array(n * 784), height: 28, width: 28 } as ImageSet;
  // one-hot of the class (plus a little noise): a perfect space
  const oneHot = cachedFeatures({ train: pool, test: pool }, (set) => ({
    data: Float32Array.from(
      { length: set.n * 3 },
      (_, k) => (Math.floor(k / 3) % 3 === k % 3 ? 1 : 0) + 0.01 * ((k * 7919) % 13) / 13,
    ),
    n: set.n,
    dim: 3,
  }));
  const results = await fewShotRetrieval(pool, { oneHot }, {
    shots: 2,
    seeds: [0, 1],
    ks: [5],
    numClasses: 3,
  });
  assertEquals(results.length, 2 * 3);
  assert(results.every((r) => r.averagePrecision === 1 && r.precisionAt[5] === 1));
  assertEquals(results.every((r) => r.relevant === 20 - 2), true); // the examples left out
});
