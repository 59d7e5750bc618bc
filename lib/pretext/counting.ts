/**
 * Learning to count (Noroozi, Pirsiavash & Favaro 2017, "Representation Learning by Learning to
 * Count"): a feature vector φ should count visual primitives, so the counts of an image equal the
 * sum of the counts of its tiles. With the image x cut into 4 tiles T₁..T₄(x) and downsampled to
 * tile size, D(x):
 *
 *   ℓ(x, y) = ‖φ(D(x)) − Σᵢ φ(Tᵢ(x))‖² + max(0, M − ‖φ(D(y)) − Σᵢ φ(Tᵢ(x))‖²)
 *
 * The first term alone is solved by φ ≡ 0; the second, with a *different* image y, keeps the
 * counts of different images at least √M apart and so rules that trivial solution out.
 *
 * Six images per example go through the suite's single-input `fit` on a "parts" axis (see
 * `applyToParts` in lib/models/tiles.ts): x is [batch, 6, size/2, size/2, 1] holding
 * T₁..T₄(x), D(x), D(y); the model outputs φ of each, [batch, 6, dim]; {@link countingLoss} reads
 * them. The target y of the batch is unused (zeros).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { ImageSet } from "../data/mod.ts";
import { cutTiles } from "../augment/jigsaw.ts";
import { downsample2x, DOWNSAMPLE_METHODS } from "../augment/downsample.ts";
import { applyToParts } from "../models/tiles.ts";
import { createRng } from "../random.ts";
import type { BatchSource, LossFn } from "../train/fit.ts";

/** The parts of one counting example, in order on the parts axis. */
export const COUNTING_PARTS: readonly string[] = [
  "tile 1",
  "tile 2",
  "tile 3",
  "tile 4",
  "D(x)",
  "D(y)",
];

/** The six 14×14 (for 28×28 images) parts of one example, uint8. */
export function countingParts(
  image: ArrayLike<number>,
  other: ArrayLike<number>,
  size: number,
  opts: { method?: (typeof DOWNSAMPLE_METHODS)[number] } = {},
): Uint8Array[] {
  const half = size / 2;
  return [
    ...cutTiles(image, size, { grid: 2, tileSize: half }),
    downsample2x(image, size, opts.method),
    downsample2x(other, size, opts.method),
  ];
}

/**
 * A batch source over the (unlabeled) images `indices`: for each image x, its four tiles, D(x),
 * and D(y) of another image y drawn from `indices` (never x itself); the downsampling method is
 * drawn per example. With `seed`, the pairs and methods are fixed (held-out evaluation).
 * x: [batch, 6, size/2, size/2, 1] in 0..1; y: zeros [batch] (unused).
 */
export function countingSource(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: { seed?: number } = {},
): BatchSource {
  const size = set.height;
  const pixels = size * size;
  const half = size / 2;
  const partPixels = half * half;
  if (indices.length < 2) {
    throw new Error(
      `countingSource(): needs at least 2 images (the contrastive term pairs each image with ` +
        `another), got ${indices.length}.`,
    );
  }
  const image = (position: number) => {
    const at = indices[position] * pixels;
    return set.images.subarray(at, at + pixels);
  };
  return {
    size: indices.length,
    batch(positions, batchRng) {
      const b = positions.length;
      const x = new Float32Array(b * 6 * partPixels);
      for (let i = 0; i < b; i++) {
        const rng = opts.seed === undefined
          ? batchRng
          : createRng(opts.seed * 1_000_003 + positions[i]);
        let other = rng.int(indices.length - 1);
        if (other >= positions[i]) other++; // any position but this one
        const method = DOWNSAMPLE_METHODS[rng.int(DOWNSAMPLE_METHODS.length)];
        countingParts(image(positions[i]), image(other), size, { method }).forEach((part, p) => {
          const row = (i * 6 + p) * partPixels;
          for (let k = 0; k < partPixels; k++) x[row + k] = part[k] / 255;
        });
      }
      return { x: tf.tensor5d(x, [b, 6, half, half, 1]), y: tf.zeros([b], "int32") };
    },
  };
}

/** Options of {@link buildCountingModel}. */
export interface CountingModelOptions {
  /**
   * Size of the counting vector: a dense layer + ReLU on the encoder's features (the paper's φ
   * ends in fc + ReLU, 1,000 counts). Omitted: the encoder's own features are the counts.
   */
  counts?: number;
  /** Seed of the counting layer's initialisation. */
  seed?: number;
  name?: string;
}

/**
 * The counting model: `encoder` (built for the part size, e.g. `buildEncoder({ inputShape: [14,
 * 14, 1] })`) applied to each of the 6 parts with shared weights, then (with `counts`) a shared
 * dense + ReLU layer → non-negative counts φ [batch, 6, counts]. Training it trains `encoder` in
 * place. The head matters for the collapse the contrastive term prevents: a dense layer can shrink
 * its output to zero in a few hundred steps, where the encoder's last batch norm would take
 * thousands.
 */
export function buildCountingModel(
  encoder: tf.LayersModel,
  opts: CountingModelOptions = {},
): tf.LayersModel {
  const partShape = encoder.inputs[0].shape.slice(1) as number[];
  const name = opts.name ?? `${encoder.name}_counting`;
  const input = tf.input({ shape: [6, ...partShape], name: `${name}_input` });
  let counts = applyToParts(encoder, input); // [batch, 6, dim]
  if (opts.counts) {
    const rng = createRng((opts.seed ?? 0) + 15_485_863);
    counts = tf.layers.dense({
      units: opts.counts,
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: rng.fork() }),
      name: `${name}_counts`,
    }).apply(counts) as tf.SymbolicTensor; // [batch, 6, counts], the same layer for every part
  }
  return tf.model({ inputs: input, outputs: counts, name });
}

/** Per-example terms of the counting loss, from φ of the six parts [batch, 6, dim]. */
export function countingTerms(
  features: tf.Tensor,
): { counting: tf.Tensor1D; contrast: tf.Tensor1D } {
  return tf.tidy(() => {
    const tiles = tf.sum(features.slice([0, 0, 0], [-1, 4, -1]), 1); // Σ φ(Tᵢ(x)): [batch, dim]
    const whole = features.slice([0, 4, 0], [-1, 1, -1]).squeeze([1]); // φ(D(x)): [batch, dim]
    const other = features.slice([0, 5, 0], [-1, 1, -1]).squeeze([1]); // φ(D(y)): [batch, dim]
    return {
      counting: tf.sum(tf.square(tf.sub(whole, tiles)), 1) as tf.Tensor1D, // [batch]
      contrast: tf.sum(tf.square(tf.sub(other, tiles)), 1) as tf.Tensor1D, // [batch]
    };
  });
}

/** Options of {@link countingLoss}. */
export interface CountingLossOptions {
  /** M: the squared distance below which another image's counts are pushed away (paper: 10). */
  margin: number;
  /** Weight of the contrastive term (1 as in the paper; 0 shows the collapse it prevents). */
  contrastiveWeight?: number;
}

/**
 * The counting loss for `fit`'s `loss` option: the batch mean of
 * ‖φ(D(x)) − Σφ(Tᵢ(x))‖² + w · max(0, M − ‖φ(D(y)) − Σφ(Tᵢ(x))‖²). The target is ignored.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { countingLoss } from "./counting.ts";
 * // φ of tiles 1, 1, 0, 0 → sum 2; φ(D(x)) = 2 (counts match); φ(D(y)) = 5 (3 away, 9 ≥ M)
 * const phi = tf.tensor3d([[[1], [1], [0], [0], [2], [5]]]);
 * countingLoss({ margin: 4 })(phi, tf.zeros([1])).dataSync()[0]; // 0
 * ```
 */
export function countingLoss(opts: CountingLossOptions): LossFn {
  const weight = opts.contrastiveWeight ?? 1;
  if (!(opts.margin >= 0) || !(weight >= 0)) {
    throw new Error(
      `countingLoss(): margin (${opts.margin}) and contrastiveWeight (${weight}) must be ≥ 0.`,
    );
  }
  return (output) =>
    tf.tidy(() => {
      const { counting, contrast } = countingTerms(output);
      const hinge = tf.relu(tf.sub(opts.margin, contrast)); // max(0, M − ‖·‖²): [batch]
      return tf.mean(tf.add(counting, tf.mul(hinge, weight))) as tf.Scalar;
    });
}

/** Mean counting error, contrast distance and hinge of `model` over a (held-out) counting source. */
export async function countingMetrics(
  model: tf.LayersModel,
  source: BatchSource,
  opts: { margin: number; batchSize?: number },
): Promise<{ countingError: number; contrastDistance: number; hinge: number }> {
  const batchSize = opts.batchSize ?? 250;
  const rng = createRng(0);
  let counting = 0, contrast = 0, hinge = 0;
  for (let start = 0; start < source.size; start += batchSize) {
    const positions = Int32Array.from(
      { length: Math.min(batchSize, source.size - start) },
      (_, i) => start + i,
    );
    const { x, y } = source.batch(positions, rng);
    const sums = await readAndDispose(tf.tidy(() => {
      const terms = countingTerms(model.predict(x) as tf.Tensor);
      return tf.stack([
        tf.sum(terms.counting),
        tf.sum(terms.contrast),
        tf.sum(tf.relu(tf.sub(opts.margin, terms.contrast))),
      ]);
    }));
    counting += sums[0], contrast += sums[1], hinge += sums[2];
    tf.dispose([x, y]);
  }
  const n = source.size;
  return { countingError: counting / n, contrastDistance: contrast / n, hinge: hinge / n };
}

/** φ of one example's parts, for pictures of the learned "counts". */
export interface Counts {
  /** φ(Tᵢ(x)) of the 4 tiles. */
  tiles: number[][];
  /** Σᵢ φ(Tᵢ(x)). */
  tileSum: number[];
  /** φ(D(x)). */
  whole: number[];
  /** φ(D(y)), another image. */
  other: number[];
}

/** Runs `model` (inference mode) on the examples `positions` of a counting `source`. */
export async function countsOf(
  model: tf.LayersModel,
  source: BatchSource,
  positions: ArrayLike<number>,
): Promise<Counts[]> {
  const { x, y } = source.batch(Int32Array.from(positions), createRng(0));
  const predicted = tf.tidy(() => model.predict(x) as tf.Tensor);
  tf.dispose([x, y]);
  const out = await predicted.array() as number[][][];
  predicted.dispose();
  return out.map((parts) => ({
    tiles: parts.slice(0, 4),
    tileSum: parts[0].map((_, j) => parts[0][j] + parts[1][j] + parts[2][j] + parts[3][j]),
    whole: parts[4],
    other: parts[5],
  }));
}
