/**
 * Features from inside the reference encoder: the output of block 1, 2 or 3 (after its ReLU,
 * before its max pooling), globally average-pooled — to probe which depth a pretext task shapes
 * best (spatial pretext tasks are known to peak in middle layers: Noroozi & Favaro 2016; Zhang,
 * Isola & Efros 2017).
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The layers that end `encoder`'s conv-BN-ReLU blocks (its ReLU layers), in order: block b's
 * activations are the output of element b − 1.
 */
export function encoderBlocks(encoder: tf.LayersModel): tf.layers.Layer[] {
  return encoder.layers.filter((l) => l.getClassName() === "ReLU");
}

/**
 * A model sharing `encoder`'s weights that maps its input to the globally average-pooled
 * activations after block `block`'s ReLU: [batch, channels of that block] (32 / 64 / 128 for the
 * reference encoder). Block 3 is the encoder's own output.
 * @example
 * ```ts
 * import { buildEncoder } from "./encoder.ts";
 * import { blockFeatures } from "./blocks.ts";
 * const middle = blockFeatures(buildEncoder({ seed: 0 }), 2); // [batch, 64]
 * ```
 */
export function blockFeatures(encoder: tf.LayersModel, block: number): tf.LayersModel {
  const relus = encoderBlocks(encoder);
  if (!Number.isInteger(block) || block < 1 || block > relus.length) {
    throw new Error(
      `blockFeatures(): block must be 1..${relus.length} for ${encoder.name} ` +
        `(which has ${relus.length} conv-BN-ReLU blocks), got ${block}.`,
    );
  }
  const activations = relus[block - 1].output as tf.SymbolicTensor; // [batch, h, w, channels]
  const pooled = tf.layers.globalAveragePooling2d({ name: `${encoder.name}_block${block}_gap` })
    .apply(activations) as tf.SymbolicTensor; // [batch, channels]
  return tf.model({
    inputs: encoder.inputs,
    outputs: pooled,
    name: `${encoder.name}_block${block}`,
  });
}
