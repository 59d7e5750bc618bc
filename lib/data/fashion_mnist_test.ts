import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../_assert.ts";
import {
  CLASS_NAMES,
  defaultSearchPath,
  FASHION_MNIST_FILES,
  findFashionMnist,
  loadFashionMnist,
  SYSTEM_DIR,
  toFloatBatch,
} from "./fashion_mnist.ts";
import { gzip, idxBytes, syntheticFiles, writeDataset } from "./_test_util.ts";
import { datasetsUsed } from "./provenance.ts";

const repoDataDir = new URL("../../data/fashion-mnist", import.meta.url).pathname;

Deno.test("loadFashionMnist() loads a valid synthetic dataset", async () => {
  const dir = await writeDataset(syntheticFiles(20, 10));
  const ds = await loadFashionMnist({ dir });
  assertEquals(ds.dir, await Deno.realPath(dir));
  assertEquals([ds.train.n, ds.test.n], [20, 10]);
  assertEquals([ds.train.height, ds.train.width], [28, 28]);
  assertEquals(ds.train.images.length, 20 * 784);
  assert(ds.train.images instanceof Uint8Array);
  assertEquals([...ds.test.labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertEquals(ds.train.images[784 + 5], (784 + 5 + 1) % 256);
  assertEquals(ds.classNames, [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() caches per directory and applies limits as views", async () => {
  const dir = await writeDataset(syntheticFiles(30, 12));
  const a = await loadFashionMnist({ dir });
  // The files are gone, yet a second call still works: it never re-reads them.
  await Deno.remove(dir, { recursive: true });
  await Deno.mkdir(dir);
  for (const f of Object.values(FASHION_MNIST_FILES)) {
    await Deno.writeFile(`${dir}/${f}`, new Uint8Array(0));
  }
  const b = await loadFashionMnist({ dir, limitTrain: 7, limitTest: 100 });
  assertEquals([b.train.n, b.test.n], [7, 12]);
  assertEquals(b.train.images.length, 7 * 784);
  assertEquals(b.train.labels.length, 7);
  assertEquals(b.train.images.buffer, a.train.images.buffer);
  assertEquals(b.train.images, a.train.images.subarray(0, 7 * 784));
  const zero = await loadFashionMnist({ dir, limitTrain: 0 });
  assertEquals(zero.train.n, 0);
  // Mutating the returned class names does not leak into later calls.
  zero.classNames[0] = "x";
  assertEquals((await loadFashionMnist({ dir })).classNames[0], "T-shirt/top");
  await assertRejects(
    () => loadFashionMnist({ dir, limitTrain: -1 }),
    /limitTrain must be a non-negative integer/,
  );
  await assertRejects(
    () => loadFashionMnist({ dir, limitTest: 2.5 }),
    /limitTest must be a non-negative integer/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() shares one read between concurrent calls", async () => {
  const dir = await writeDataset(syntheticFiles(5, 5));
  const [a, b] = await Promise.all([loadFashionMnist({ dir }), loadFashionMnist({ dir })]);
  assertEquals(a.train.images.buffer, b.train.images.buffer);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() missing dataset: lists every place looked and the fix", async () => {
  const empty = await Deno.makeTempDir({ prefix: "fmnist_empty_" });
  const partial = await Deno.makeTempDir({ prefix: "fmnist_partial_" });
  await Deno.writeFile(
    `${partial}/${FASHION_MNIST_FILES.testLabels}`,
    await gzip(idxBytes([1], [0])),
  );
  const nowhere = `${empty}/does-not-exist`;
  const err = await assertRejectsWith(() =>
    loadFashionMnist({ searchPath: [empty, nowhere, partial] })
  );
  const msg = err.message;
  assert(msg.startsWith("Fashion-MNIST not found"), msg);
  for (const p of [empty, nowhere, partial]) assert(msg.includes(p), `missing ${p} in: ${msg}`);
  assert(msg.indexOf(empty) < msg.indexOf(nowhere) && msg.indexOf(nowhere) < msg.indexOf(partial));
  assert(
    msg.includes(
      "missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz",
    ),
    msg,
  );
  assert(msg.includes("bash bin/setup"), msg);
  assert(msg.includes("apt-get install dataset-fashion-mnist"), msg);
  assertThrows(() => findFashionMnist([]), /Fashion-MNIST not found/);
  await Deno.remove(empty, { recursive: true });
  await Deno.remove(partial, { recursive: true });
});

Deno.test("defaultSearchPath() order: dir, $FASHION_MNIST_DIR, repo data/, system dir", () => {
  const saved = Deno.env.get("FASHION_MNIST_DIR");
  try {
    Deno.env.set("FASHION_MNIST_DIR", "/env/dir");
    assertEquals(defaultSearchPath({ dir: "/opt/dir" }), [
      "/opt/dir",
      "/env/dir",
      repoDataDir,
      SYSTEM_DIR,
    ]);
    Deno.env.delete("FASHION_MNIST_DIR");
    assertEquals(defaultSearchPath(), [repoDataDir, SYSTEM_DIR]);
    assert(repoDataDir.endsWith("/data/fashion-mnist") && !repoDataDir.includes("/lib/"));
  } finally {
    if (saved === undefined) Deno.env.delete("FASHION_MNIST_DIR");
    else Deno.env.set("FASHION_MNIST_DIR", saved);
  }
});

async function withEnvDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = Deno.env.get("FASHION_MNIST_DIR");
  Deno.env.set("FASHION_MNIST_DIR", dir);
  try {
    return await fn();
  } finally {
    if (saved === undefined) Deno.env.delete("FASHION_MNIST_DIR");
    else Deno.env.set("FASHION_MNIST_DIR", saved);
  }
}

Deno.test("an incomplete $FASHION_MNIST_DIR is an error naming the missing file, no fall-back", async () => {
  const dir = await writeDataset(syntheticFiles(20, 10));
  try {
    const missing = `${dir}/${FASHION_MNIST_FILES.trainLabels}`;
    await Deno.remove(missing);
    await assertRejects(
      () => withEnvDir(dir, () => loadFashionMnist()),
      new RegExp(`FASHION_MNIST_DIR=${dir} lacks ${missing}\\. It must hold the four files`),
    );
    await Deno.mkdir(missing); // a folder in the file's place
    await assertRejects(
      () => withEnvDir(dir, () => loadFashionMnist()),
      /lacks .*train-labels-idx1-ubyte\.gz \(a directory, not a file\)/,
    );
    await assertRejects(
      () => withEnvDir(`${dir}/absent`, () => loadFashionMnist()),
      /FASHION_MNIST_DIR=.*\/absent does not exist or is not a directory.*unset FASHION_MNIST_DIR/s,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadFashionMnist() records the directory and the SHA-256 of the four files", async () => {
  const dir = await writeDataset(syntheticFiles(20, 10));
  try {
    const ds = await withEnvDir(dir, () => loadFashionMnist());
    assertEquals(ds.dir, await Deno.realPath(dir));
    assertEquals(ds.provenance.dir, ds.dir);
    assertEquals(Object.keys(ds.provenance.sha256), Object.values(FASHION_MNIST_FILES));
    const bytes = await Deno.readFile(`${dir}/${FASHION_MNIST_FILES.testLabels}`);
    const expected = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    assertEquals(ds.provenance.sha256[FASHION_MNIST_FILES.testLabels], expected);
    assertEquals(datasetsUsed()["fashion-mnist"], ds.provenance);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadFashionMnist() names the file of a truncated .gz", async () => {
  const files = syntheticFiles();
  const gz = await gzip(files.trainImages);
  const dir = await writeDataset(files, { trainImages: gz.subarray(0, gz.length - 10) });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /train-images-idx3-ubyte\.gz: corrupt or truncated gzip file.*bash bin\/setup/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() names the file of a corrupt .gz", async () => {
  const files = syntheticFiles();
  const gz = await gzip(files.testLabels);
  const bad = gz.slice();
  for (let i = 10; i < bad.length; i++) bad[i] = 0xff - bad[i];
  const dir = await writeDataset(files, { testLabels: bad });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /t10k-labels-idx1-ubyte\.gz: corrupt or truncated gzip/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() failures are not cached: a fixed file loads", async () => {
  const files = syntheticFiles();
  const dir = await writeDataset(files, { testLabels: new Uint8Array(0) });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /t10k-labels-idx1-ubyte\.gz: the file is empty/,
  );
  await Deno.writeFile(`${dir}/${FASHION_MNIST_FILES.testLabels}`, await gzip(files.testLabels));
  assertEquals((await loadFashionMnist({ dir })).test.n, 10);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() rejects a wrong magic number (images and labels swapped)", async () => {
  const files = syntheticFiles();
  const dir = await writeDataset({ ...files, trainImages: files.trainLabels });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /train-images-idx3-ubyte\.gz: bad IDX magic number 0x00000801, expected 0x00000803/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() rejects a truncated idx payload inside a valid .gz", async () => {
  const files = syntheticFiles(20, 10);
  const dir = await writeDataset({
    ...files,
    testImages: files.testImages.subarray(0, 16 + 9 * 784 + 100),
  });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /t10k-images-idx3-ubyte\.gz: IDX file truncated: dims \[10, 28, 28\] need 7856 bytes .*has 7172\. Delete it and re-run `bash bin\/setup`/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() rejects an image/label count mismatch, naming both files", async () => {
  const files = syntheticFiles(20, 10);
  const dir = await writeDataset({ ...files, trainLabels: syntheticFiles(19, 1).trainLabels });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /train-images-idx3-ubyte\.gz has 20 images but .*train-labels-idx1-ubyte\.gz has 19 labels/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() rejects images that are not 28×28", async () => {
  const files = syntheticFiles(2, 2);
  const dir = await writeDataset({
    ...files,
    testImages: idxBytes([2, 32, 32], new Uint8Array(2 * 1024)),
  });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /t10k-images-idx3-ubyte\.gz: images are 32×32, expected 28×28/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadFashionMnist() rejects labels out of range", async () => {
  const files = syntheticFiles(20, 10);
  const labels = files.trainLabels.slice();
  labels[8 + 13] = 10;
  const dir = await writeDataset({ ...files, trainLabels: labels });
  await assertRejects(
    () => loadFashionMnist({ dir }),
    /train-labels-idx1-ubyte\.gz: label 10 at index 13 is out of range 0\.\.9/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("toFloatBatch() gives [n, 28, 28, 1] floats in 0..1 in index order", () => {
  const images = Uint8Array.from({ length: 3 * 784 }, (_, k) => (k * 3) % 256);
  const set = { images, labels: new Uint8Array(3), n: 3, height: 28 as const, width: 28 as const };
  const x = toFloatBatch(set, [2, 0]);
  assertEquals(x.length, 2 * 784);
  assertAlmostEquals(x[0], images[2 * 784] / 255, 1e-7);
  assertAlmostEquals(x[784 + 100], images[100] / 255, 1e-7);
  assertEquals(
    toFloatBatch({ ...set, images: new Uint8Array(3 * 784).fill(255) }, Int32Array.from([1]))[783],
    1,
  );
  assertEquals(toFloatBatch(set, []).length, 0);
  assertThrows(() => toFloatBatch(set, [3]), /index 3 at position 0 is not an integer in 0\.\.2/);
  assertThrows(() => toFloatBatch(set, [0, -1]), /index -1 at position 1/);
});

let installed = true;
try {
  findFashionMnist(defaultSearchPath());
} catch {
  installed = false;
}

Deno.test({
  name: "loadFashionMnist() loads the real dataset: 60000/10000, balanced classes",
  ignore: !installed,
  async fn(): Promise<void> {
    const t0 = performance.now();
    const ds = await loadFashionMnist();
    const ms = performance.now() - t0;
    assertEquals([ds.train.n, ds.test.n], [60000, 10000]);
    assertEquals(ds.train.images.length, 60000 * 784);
    assertEquals(ds.test.images.length, 10000 * 784);
    const count = (labels: Uint8Array): number[] => {
      const c = new Array(10).fill(0);
      for (const l of labels) c[l]++;
      return c;
    };
    assertEquals(count(ds.train.labels), new Array(10).fill(6000));
    assertEquals(count(ds.test.labels), new Array(10).fill(1000));
    assertEquals(ds.classNames, [...CLASS_NAMES]);
    // Pixel statistics of the official release: mean ≈ 0.286 on the training set.
    const x = toFloatBatch(ds.train, Int32Array.from({ length: 1000 }, (_, i) => i));
    let s = 0;
    for (const v of x) s += v;
    assertAlmostEquals(s / x.length, 0.286, 0.02);
    console.log(`full Fashion-MNIST load from ${ds.dir}: ${ms.toFixed(0)} ms`);
    const t1 = performance.now();
    await loadFashionMnist({ limitTrain: 100 });
    console.log(`cached reload: ${(performance.now() - t1).toFixed(1)} ms`);
  },
});

/** Awaits `fn`, which must reject, and returns the Error. */
async function assertRejectsWith(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    assert(e instanceof Error);
    return e;
  }
  throw new Error("expected a rejection");
}
