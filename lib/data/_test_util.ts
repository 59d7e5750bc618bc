/**
 * Helpers for the data tests: write small synthetic IDX files, gzipped with `CompressionStream`,
 * and random garments for Moving Fashion clips.
 * @module
 */
import { FASHION_MNIST_FILES, type ImageSet } from "./fashion_mnist.ts";
import { createRng } from "../random.ts";

/** Gzips `bytes` with the web-standard `CompressionStream`. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Builds an uncompressed IDX file of unsigned bytes. */
export function idxBytes(dims: number[], data: ArrayLike<number>, magic?: number): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic ?? (0x800 | dims.length), false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

/** Raw (uncompressed) contents for the four files of a tiny synthetic dataset. */
export interface SyntheticFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/**
 * A valid synthetic dataset: `nTrain`/`nTest` images whose pixels are `(i + p) % 256` and whose
 * labels are `i % 10`.
 */
export function syntheticFiles(nTrain = 20, nTest = 10): SyntheticFiles {
  const images = (n: number): Uint8Array =>
    idxBytes(
      [n, 28, 28],
      Uint8Array.from({ length: n * 784 }, (_, k) => (k + (k / 784 | 0)) % 256),
    );
  const labels = (n: number): Uint8Array =>
    idxBytes([n], Uint8Array.from({ length: n }, (_, i) => i % 10));
  return {
    trainImages: images(nTrain),
    trainLabels: labels(nTrain),
    testImages: images(nTest),
    testLabels: labels(nTest),
  };
}

/**
 * Writes the four files into a fresh temp dir. `override` replaces a file's final (already
 * gzipped) bytes, to plant damaged files.
 */
export async function writeDataset(
  files: SyntheticFiles = syntheticFiles(),
  override: Partial<Record<keyof SyntheticFiles, Uint8Array>> = {},
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist_test_" });
  for (const key of Object.keys(FASHION_MNIST_FILES) as (keyof SyntheticFiles)[]) {
    const bytes = override[key] ?? await gzip(files[key]);
    await Deno.writeFile(`${dir}/${FASHION_MNIST_FILES[key]}`, bytes);
  }
  return dir;
}

/**
 * `n` 28×28 "garments" of seeded random pixels (labels `k % 10`), so every frame of a Moving
 * Fashion clip built from them is told apart.
 */
export function randomGarments(n: number, seed: number): ImageSet {
  const rng = createRng(seed);
  return {
    n,
    images: Uint8Array.from({ length: n * 784 }, () => rng.int(256)),
    labels: Uint8Array.from({ length: n }, (_, k) => k % 10),
    height: 28,
    width: 28,
  };
}
