/**
 * Loads Fashion-MNIST (60,000 training and 10,000 test images, 28×28 greyscale, 10 classes) from
 * the four official `.gz` IDX files, validates it, and keeps it as `uint8` in memory. Convert to
 * floats one batch at a time with {@linkcode toFloatBatch}.
 *
 * Parsed data are cached per process, keyed by directory, so repeated calls are free.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, toFloatBatch } from "./fashion_mnist.ts";
 * const { train, classNames } = await loadFashionMnist({ limitTrain: 1000 });
 * const x = toFloatBatch(train, [0, 1, 2]); // [3, 28, 28, 1] in 0..1
 * console.log(classNames[train.labels[0]]);
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";
import { env } from "../config/env.ts";
import { hashBytes } from "../_hash.ts";
import type { DatasetProvenance } from "../results/schema.ts";
import { gunzip, parseIdx } from "./idx.ts";
import { recordDataset } from "./provenance.ts";

/** Image height in pixels. */
export const HEIGHT = 28;
/** Image width in pixels. */
export const WIDTH = 28;
/** Pixels per image. */
export const PIXELS: number = HEIGHT * WIDTH;

/** The ten class names, indexed by label. */
export const CLASS_NAMES: readonly string[] = Object.freeze([
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

/** The four files every dataset directory must hold. */
export const FASHION_MNIST_FILES = Object.freeze({
  trainImages: "train-images-idx3-ubyte.gz",
  trainLabels: "train-labels-idx1-ubyte.gz",
  testImages: "t10k-images-idx3-ubyte.gz",
  testLabels: "t10k-labels-idx1-ubyte.gz",
});

/** System-wide install location (Debian package `dataset-fashion-mnist`). */
export const SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";

/** One split: `n` images of 28×28 `uint8` pixels and their labels. */
export interface ImageSet {
  /** `n * 784` pixels, image-major then row-major, 0 (background) .. 255. Shared: do not mutate. */
  images: Uint8Array;
  /** `n` labels in 0..9. Shared: do not mutate. */
  labels: Uint8Array;
  /** Number of images. */
  n: number;
  /** Always 28. */
  height: 28;
  /** Always 28. */
  width: 28;
}

/** The loaded dataset. */
export interface FashionMnist {
  /** The training split (60,000 images unless limited). */
  train: ImageSet;
  /** The test split (10,000 images unless limited). */
  test: ImageSet;
  /** Class names indexed by label. */
  classNames: string[];
  /** The directory the files were read from. */
  dir: string;
  /** That directory and the SHA-256 of each of the four files (also recorded for the results). */
  provenance: DatasetProvenance;
}

/** Options for {@linkcode loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /** Directory to look in first (before `$FASHION_MNIST_DIR` and the default places). */
  dir?: string;
  /** Keep only the first `limitTrain` training images (smoke runs). Larger values keep all. */
  limitTrain?: number;
  /** Keep only the first `limitTest` test images (smoke runs). Larger values keep all. */
  limitTest?: number;
  /**
   * Replace the whole list of places to look (default: {@linkcode defaultSearchPath}). For tests;
   * `dir` is ignored when this is given.
   */
  searchPath?: string[];
}

/**
 * The places {@linkcode loadFashionMnist} looks, in order: `dir`, `$FASHION_MNIST_DIR`,
 * `<repo>/data/fashion-mnist` (found from this module's location, not the working directory), and
 * `/usr/share/datasets/fashion-mnist`.
 *
 * @param opts `dir`: an extra directory to put first.
 * @returns Directory paths, duplicates removed.
 *
 * @example
 * ```ts
 * import { defaultSearchPath } from "./fashion_mnist.ts";
 * console.log(defaultSearchPath({ dir: "/tmp/fmnist" })[0]); // "/tmp/fmnist"
 * ```
 */
export function defaultSearchPath(opts: { dir?: string } = {}): string[] {
  const places: string[] = [];
  if (opts.dir) places.push(opts.dir);
  const dir = env("FASHION_MNIST_DIR");
  if (dir) places.push(dir);
  places.push(fileURLToPath(new URL("../../data/fashion-mnist", import.meta.url)));
  places.push(SYSTEM_DIR);
  return [...new Set(places)];
}

/** Why a directory did not qualify; `null` when it holds all four files. */
function missingFiles(dir: string): string[] | null {
  const missing: string[] = [];
  for (const file of Object.values(FASHION_MNIST_FILES)) {
    try {
      if (!Deno.statSync(`${dir}/${file}`).isFile) {
        missing.push(`${file} (a directory, not a file)`);
      }
    } catch {
      missing.push(file);
    }
  }
  return missing.length === 0 ? null : missing;
}

function isDirectory(dir: string): boolean {
  try {
    return Deno.statSync(dir).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Finds the first directory in `places` holding all four Fashion-MNIST files.
 *
 * @param places Directories to try, in order.
 * @param opts `explicit`: a directory the user named (`$FASHION_MNIST_DIR`): reaching it
 * incomplete is an error naming the missing files, not a fall-back to the next place.
 * @returns The directory.
 * @throws {Error} Listing every place looked at, what was missing there, and how to install.
 */
export function findFashionMnist(places: string[], opts: { explicit?: string } = {}): string {
  const report: string[] = [];
  for (const dir of places) {
    const missing = missingFiles(dir);
    if (missing === null) return dir;
    if (dir === opts.explicit) {
      // The user named this copy: never fall back to another one silently.
      const what = !isDirectory(dir)
        ? "does not exist or is not a directory"
        : `lacks ${missing.map((m) => `${dir}/${m}`).join(", ")}`;
      throw new Error(
        `FASHION_MNIST_DIR=${dir} ${what}. It must hold the four files ` +
          `${Object.values(FASHION_MNIST_FILES).join(", ")}. Fix: put the missing file(s) there ` +
          "(data/download_fashion_mnist.sh fetches and verifies them), or unset FASHION_MNIST_DIR " +
          "to use the copy `bash bin/setup` installs.",
      );
    }
    report.push(
      missing.length === 4
        ? `  - ${dir} (no dataset files)`
        : `  - ${dir} (incomplete: missing ${missing.join(", ")})`,
    );
  }
  throw new Error(
    "Fashion-MNIST not found. Looked in, in order:\n" + report.join("\n") +
      `\nEach place needs the four files ${Object.values(FASHION_MNIST_FILES).join(", ")}.\n` +
      "Fix: run `bash bin/setup` from the repo root (or `sudo apt-get install " +
      "dataset-fashion-mnist`), or point $FASHION_MNIST_DIR at a directory holding the files.",
  );
}

interface Full {
  train: ImageSet;
  test: ImageSet;
  provenance: DatasetProvenance;
}

/** Parsed, validated data per directory (the promise, so concurrent calls share one read). */
const cache = new Map<string, Promise<Full>>();

async function loadIdx(
  dir: string,
  file: string,
  ndims: number,
  sha256: Record<string, string>,
): Promise<{ dims: number[]; data: Uint8Array }> {
  const path = `${dir}/${file}`;
  const bytes = await Deno.readFile(path);
  sha256[file] = await hashBytes(bytes);
  const raw = await gunzip(bytes, path);
  return parseIdx(raw, { name: path, ndims });
}

async function loadSplit(
  dir: string,
  imagesFile: string,
  labelsFile: string,
  sha256: Record<string, string>,
): Promise<ImageSet> {
  const [img, lab] = await Promise.all([
    loadIdx(dir, imagesFile, 3, sha256),
    loadIdx(dir, labelsFile, 1, sha256),
  ]);
  const imgPath = `${dir}/${imagesFile}`, labPath = `${dir}/${labelsFile}`;
  const [n, h, w] = img.dims;
  if (h !== HEIGHT || w !== WIDTH) {
    throw new Error(
      `${imgPath}: images are ${h}×${w}, expected ${HEIGHT}×${WIDTH}. This is not Fashion-MNIST. ` +
        "Delete it and re-run `bash bin/setup`.",
    );
  }
  if (lab.dims[0] !== n) {
    throw new Error(
      `Fashion-MNIST image/label count mismatch: ${imgPath} has ${n} images but ${labPath} has ` +
        `${lab.dims[0]} labels. The files come from different releases or one is damaged; ` +
        "delete both and re-run `bash bin/setup`.",
    );
  }
  for (let i = 0; i < n; i++) {
    if (lab.data[i] >= CLASS_NAMES.length) {
      throw new Error(
        `${labPath}: label ${lab.data[i]} at index ${i} is out of range 0..${
          CLASS_NAMES.length - 1
        }. Delete it and re-run \`bash bin/setup\`.`,
      );
    }
  }
  return { images: img.data, labels: lab.data, n, height: HEIGHT, width: WIDTH };
}

async function loadFull(dir: string): Promise<Full> {
  const f = FASHION_MNIST_FILES;
  const hashes: Record<string, string> = {};
  const [train, test] = await Promise.all([
    loadSplit(dir, f.trainImages, f.trainLabels, hashes),
    loadSplit(dir, f.testImages, f.testLabels, hashes),
  ]);
  const sha256 = Object.fromEntries(Object.values(f).map((file) => [file, hashes[file]]));
  return { train, test, provenance: { dir, sha256 } };
}

function checkLimit(name: string, limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new Error(`loadFashionMnist(): ${name} must be a non-negative integer, got ${limit}`);
  }
}

function head(set: ImageSet, limit: number | undefined): ImageSet {
  const n = limit === undefined ? set.n : Math.min(limit, set.n);
  return {
    images: set.images.subarray(0, n * PIXELS),
    labels: set.labels.subarray(0, n),
    n,
    height: HEIGHT,
    width: WIDTH,
  };
}

/**
 * Loads and validates Fashion-MNIST from the first directory that holds all four files (see
 * {@linkcode defaultSearchPath} for where it looks). A `$FASHION_MNIST_DIR` that lacks a file (or
 * does not exist) is an error naming what is missing — never a silent fall-back to another copy.
 * The directory used and the SHA-256 of the four files are recorded (`provenance`, and
 * `datasetsUsed()` for the results file).
 *
 * Checks each file's gzip stream, IDX header and length, that images are 28×28, that each split
 * has as many labels as images, and that labels are in 0..9. The result is cached per directory
 * for the life of the process; the returned arrays are shared between calls, so do not mutate
 * them. `limitTrain`/`limitTest` take the first `n` images (views, no copy).
 *
 * @param opts Where to look first and optional limits.
 * @returns The two splits, the class names and the directory used.
 * @throws {Error} When the dataset is missing (listing every place looked and the fix), or a file
 * is damaged or inconsistent (naming the file and the fix).
 *
 * @example
 * ```ts
 * import { loadFashionMnist } from "./fashion_mnist.ts";
 * const { train, test } = await loadFashionMnist();
 * console.log(train.n, test.n); // 60000 10000
 * ```
 */
export async function loadFashionMnist(opts: LoadFashionMnistOptions = {}): Promise<FashionMnist> {
  checkLimit("limitTrain", opts.limitTrain);
  checkLimit("limitTest", opts.limitTest);
  const found = opts.searchPath
    ? findFashionMnist(opts.searchPath)
    : findFashionMnist(defaultSearchPath({ dir: opts.dir }), {
      explicit: env("FASHION_MNIST_DIR"),
    });
  let dir = found;
  try {
    dir = Deno.realPathSync(found);
  } catch {
    // keep the path as found
  }
  let pending = cache.get(dir);
  if (pending === undefined) {
    pending = loadFull(dir);
    cache.set(dir, pending);
    pending.catch(() => cache.delete(dir)); // failures are not cached: a fixed file is re-read
  }
  const full = await pending;
  recordDataset("fashion-mnist", full.provenance);
  return {
    train: head(full.train, opts.limitTrain),
    test: head(full.test, opts.limitTest),
    classNames: [...CLASS_NAMES],
    dir,
    provenance: full.provenance,
  };
}

/**
 * Converts the images at `indices` to floats in 0..1, laid out `[indices.length, 28, 28, 1]`
 * (NHWC, ready for `tf.tensor4d`).
 *
 * @param set The split to read from.
 * @param indices Image indices into `set`, in the order wanted.
 * @returns `indices.length * 784` floats.
 * @throws {RangeError} On an index that is not an integer in `0..set.n-1`.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, toFloatBatch } from "./fashion_mnist.ts";
 * const { test } = await loadFashionMnist({ limitTest: 8 });
 * const x = toFloatBatch(test, [0, 1, 2, 3]); // Float32Array(3136)
 * ```
 */
export function toFloatBatch(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const pixels = set.height * set.width;
  const out = new Float32Array(indices.length * pixels);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(Number.isInteger(i) && i >= 0 && i < set.n)) {
      throw new RangeError(
        `toFloatBatch(): index ${i} at position ${k} is not an integer in 0..${set.n - 1}`,
      );
    }
    const src = i * pixels, dst = k * pixels;
    for (let p = 0; p < pixels; p++) out[dst + p] = set.images[src + p] / 255;
  }
  return out;
}

/** The images `indices` of `set`, as a new (copied) set in that order — e.g. a monitoring slice. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const pixels = set.height * set.width;
  const images = new Uint8Array(indices.length * pixels);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(Number.isInteger(i) && i >= 0 && i < set.n)) {
      throw new RangeError(
        `selectImages(): index ${i} at position ${k} is not an integer in 0..${set.n - 1}`,
      );
    }
    images.set(set.images.subarray(i * pixels, (i + 1) * pixels), k * pixels);
    labels[k] = set.labels[i];
  }
  return { images, labels, n: indices.length, height: set.height, width: set.width };
}
