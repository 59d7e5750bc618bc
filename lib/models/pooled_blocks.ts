/**
 * Features from every block of the reference encoder at once, each max-pooled to a small spatial
 * grid, flattened and concatenated — how Radford et al. (2016, DCGAN §5.1) read out their
 * discriminator: "max-pooling each layer's representation to produce a 4 × 4 spatial grid".
 * Where {@link blockFeatures} averages a block over all positions, a grid keeps a coarse layout.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { encoderBlocks } from "./blocks.ts";

/** Options of {@link pooledBlockFeatures}. */
export interface PooledBlockOptions {
  /** Side of the grid each block is max-pooled to (the paper: 4). */
  grid: number;
  /** Blocks to use, 1-based (default: all). */
  blocks?: number[];
}

/**
 * A model sharing `encoder`'s weights: for each chosen block, its activations after the ReLU
 * ([h, w, c]) max-pooled with windows and strides of ⌈h / grid⌉ ("same" padding, so 28, 14 and 7
 * all become grid × grid for grids 1, 2, 4), flattened and concatenated: [batch, Σ grid²·c]
 * (grid 4 on the reference encoder: 16·(32 + 64 + 128) = 3,584 values).
 * @example
 * ```ts
 * import { buildEncoder } from "./encoder.ts";
 * import { pooledBlockFeatures } from "./pooled_blocks.ts";
 * const paper = pooledBlockFeatures(buildEncoder({ seed: 0 }), { grid: 4 }); // [batch, 3584]
 * ```
 */
export function pooledBlockFeatures(
  encoder: tf.LayersModel,
  opts: PooledBlockOptions,
): tf.LayersModel {
  const relus = encoderBlocks(encoder);
  const blocks = opts.blocks ?? relus.map((_, i) => i + 1);
  if (!Number.isInteger(opts.grid) || opts.grid < 1) {
    throw new Error(`pooledBlockFeatures(): grid must be a positive integer, got ${opts.grid}.`);
  }
  if (!blocks.length || blocks.some((b) => !Number.isInteger(b) || b < 1 || b > relus.length)) {
    throw new Error(
      `pooledBlockFeatures(): blocks must be a non-empty list of 1..${relus.length} for ` +
        `${encoder.name}, got [${blocks.join(", ")}].`,
    );
  }
  const tag = `${encoder.name}_grid${opts.grid}_b${blocks.join("")}`;
  const pooled = blocks.map((block) => {
    const activations = relus[block - 1].getOutputAt(0) as tf.SymbolicTensor; // [batch, h, w, c]
    const [h, w] = activations.shape.slice(1, 3) as number[];
    const size = Math.ceil(Math.max(h, w) / opts.grid);
    if (Math.ceil(h / size) !== opts.grid || Math.ceil(w / size) !== opts.grid) {
      throw new Error(
        `pooledBlockFeatures(): block ${block} is ${h}×${w}, which cannot be max-pooled to ` +
          `${opts.grid}×${opts.grid} with equal windows; choose a grid of at most ${
            Math.min(h, w)
          } ` +
          `that divides it more evenly (e.g. 1, 2 or 4 for 28/14/7).`,
      );
    }
    const grid = tf.layers.maxPooling2d({
      poolSize: size,
      strides: size,
      padding: "same",
      name: `${tag}_pool${block}`,
    }).apply(activations) as tf.SymbolicTensor; // [batch, grid, grid, c]
    return tf.layers.flatten({ name: `${tag}_flat${block}` }).apply(grid) as tf.SymbolicTensor;
  });
  const output = pooled.length === 1
    ? pooled[0]
    : tf.layers.concatenate({ name: `${tag}_concat` }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: encoder.inputs, outputs: output, name: tag });
}
