/**
 * The jigsaw pretext task (Noroozi & Favaro 2016, "Unsupervised Learning of Visual Representations
 * by Solving Jigsaw Puzzles"): cut an image into tiles, shuffle them with one permutation of a
 * fixed set, and classify which permutation was applied. A shared-weight encoder embeds each
 * tile on its own (it never sees two tiles together), the tile features are concatenated in
 * the shuffled order, and an MLP names the permutation — so the encoder must learn what each
 * tile shows and where such a part sits on an object.
 *
 * Several tiles per example go through the suite's single-input `fit` by stacking them on a
 * "parts" axis: x is [batch, tiles, tileSize, tileSize, 1] (see `applyToParts` in
 * lib/models/tiles.ts); y is the permutation's index in the set.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose } from "../_read.ts";
import type { ImageSet } from "../data/mod.ts";
import { cutTiles, permuteTiles } from "../augment/jigsaw.ts";
import { denseHead } from "../models/encoder.ts";
import { applyToParts } from "../models/tiles.ts";
import type { Rng } from "../random.ts";
import { createRng } from "../random.ts";
import type { BatchSource } from "../train/fit.ts";

/** The geometry of a puzzle. */
export interface JigsawOptions {
  /** Tiles per side. */
  grid: number;
  /** Side of a tile (a random crop of its cell: the jitter). */
  tileSize: number;
  /** The permutation set; the label of a puzzle is its index here. */
  permutations: readonly (readonly number[])[];
}

/** One puzzle: the shuffled tiles (uint8) and the index of the permutation applied. */
export interface Puzzle {
  tiles: Uint8Array[];
  label: number;
}

/** Makes the puzzle of one image: random crops (jitter) of each cell, one random permutation. */
export function makePuzzle(
  pixels: ArrayLike<number>,
  size: number,
  opts: JigsawOptions & { rng: Rng },
): Puzzle {
  const label = opts.rng.int(opts.permutations.length);
  const tiles = cutTiles(pixels, size, { grid: opts.grid, tileSize: opts.tileSize, rng: opts.rng });
  return { tiles: permuteTiles(tiles, opts.permutations[label]), label };
}

/**
 * A batch source of puzzles over the (unlabeled) images `indices`. Every epoch draws a fresh
 * permutation and fresh jitter for each image from the batch rng (so two epochs are two different
 * puzzle sets); with `seed`, the puzzles are fixed instead (held-out evaluation). x:
 * [batch, grid², tileSize, tileSize, 1] in 0..1; y: permutation ids [batch].
 */
export function jigsawSource(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: JigsawOptions & { seed?: number },
): BatchSource {
  const size = set.height;
  const pixels = size * size;
  const parts = opts.grid * opts.grid;
  const tilePixels = opts.tileSize * opts.tileSize;
  if (opts.permutations.some((p) => p.length !== parts)) {
    throw new Error(
      `jigsawSource(): a ${opts.grid}×${opts.grid} grid has ${parts} tiles; every permutation ` +
        `must have ${parts} entries (build them with maxHammingPermutations(n, { tiles: ${parts} })).`,
    );
  }
  return {
    size: indices.length,
    batch(positions, batchRng) {
      const b = positions.length;
      const x = new Float32Array(b * parts * tilePixels);
      const y = new Int32Array(b);
      for (let i = 0; i < b; i++) {
        const at = indices[positions[i]] * pixels;
        // a fixed seed gives each image the same puzzle every time (evaluation)
        const rng = opts.seed === undefined
          ? batchRng
          : createRng(opts.seed * 1_000_003 + positions[i]);
        const puzzle = makePuzzle(set.images.subarray(at, at + pixels), size, { ...opts, rng });
        puzzle.tiles.forEach((tile, t) => {
          const row = (i * parts + t) * tilePixels;
          for (let p = 0; p < tilePixels; p++) x[row + p] = tile[p] / 255;
        });
        y[i] = puzzle.label;
      }
      return {
        x: tf.tensor5d(x, [b, parts, opts.tileSize, opts.tileSize, 1]),
        y: tf.tensor1d(y, "int32"),
      };
    },
  };
}

/** Options of {@link buildJigsawModel}. */
export interface JigsawModelOptions {
  /** Tiles per puzzle (grid²). */
  tiles: number;
  /** Size of the permutation set (classes). */
  numPermutations: number;
  /** Units of the hidden layer of the MLP on the concatenated tile features. */
  hidden: number;
  seed: number;
  name?: string;
}

/**
 * The jigsaw network: `encoder` (built for one tile, e.g. `buildEncoder({ inputShape: [12, 12,
 * 1] })`) on every tile with shared weights → concatenated features [batch, tiles·dim] → dense
 * ReLU → permutation logits [batch, numPermutations]. Training it trains `encoder` in place.
 */
export function buildJigsawModel(
  encoder: tf.LayersModel,
  opts: JigsawModelOptions,
): tf.LayersModel {
  const rng = createRng(opts.seed + 104_729);
  const name = opts.name ?? `${encoder.name}_jigsaw`;
  const tileShape = encoder.inputs[0].shape.slice(1) as number[];
  const input = tf.input({ shape: [opts.tiles, ...tileShape], name: `${name}_input` });
  const features = applyToParts(encoder, input); // [batch, tiles, dim]
  const concat = tf.layers.flatten({ name: `${name}_concat` }).apply(features) as tf.SymbolicTensor;
  const logits = denseHead(concat, {
    units: opts.numPermutations,
    hidden: [opts.hidden],
    rng,
    name,
  });
  return tf.model({ inputs: input, outputs: logits, name });
}

/** A puzzle and the network's answer, for pictures. */
export interface SolvedPuzzle {
  /** The shuffled tiles as shown to the network (uint8). */
  tiles: Uint8Array[];
  /** Index of the permutation applied. */
  label: number;
  /** Index of the permutation the network predicts. */
  predicted: number;
}

/** Runs `model` on the examples `positions` of a jigsaw `source` and returns puzzles + answers. */
export async function solvePuzzles(
  model: tf.LayersModel,
  source: BatchSource,
  positions: ArrayLike<number>,
): Promise<SolvedPuzzle[]> {
  const { x, y } = source.batch(Int32Array.from(positions), createRng(0));
  const [, parts, h, w] = x.shape as number[];
  const predicted = await readAndDispose(
    tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1)),
  );
  const pixels = Uint8Array.from(await readAndDispose(x), (v) => Math.round(v * 255));
  const labels = await readAndDispose(y);
  return Array.from(predicted, (p, i) => ({
    tiles: Array.from(
      { length: parts },
      (_, t) => pixels.slice((i * parts + t) * h * w, (i * parts + t + 1) * h * w),
    ),
    label: labels[i],
    predicted: p,
  }));
}
