/**
 * Several images per example through one shared-weight encoder (jigsaw tiles, counting's tiles
 * and whole images), as a single-input Keras-style model so it trains with the suite's one
 * `fit` loop and its `BatchSource`s.
 *
 * How: an example is a stack of `parts` images, x: [batch, parts, h, w, c]. A reshape layer folds
 * the parts into the batch axis ([batch·parts, h, w, c]), the encoder runs once on all of them
 * (same weights for every part; batch norm sees every part's statistics), and a second reshape
 * unfolds the features back to [batch, parts, dim]. The batch axis stays the number of examples,
 * so `fit`'s per-example loss and accuracy bookkeeping is unchanged.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A layer that reshapes *including* the batch axis: [..] → [-1, ...targetShape]. */
class BatchReshape extends tf.layers.Layer {
  static className = "BatchReshape";
  private readonly targetShape: number[];

  constructor(config: { targetShape: number[]; name?: string }) {
    super({ name: config.name });
    this.targetShape = config.targetShape;
  }

  override computeOutputShape(): tf.Shape {
    return [null, ...this.targetShape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.reshape(x, [-1, ...this.targetShape]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}
tf.serialization.registerClass(BatchReshape);

let count = 0;

/**
 * Applies `encoder` to every part of `input` ([batch, parts, h, w, c], symbolic) with shared
 * weights; returns the features as [batch, parts, dim]. The encoder's input shape must be
 * [h, w, c] (a fully convolutional encoder can be built for any tile size and its weights copied
 * to a 28×28 one afterwards: `cloneEncoder(encoder, { inputShape: [28, 28, 1] })`).
 */
export function applyToParts(
  encoder: tf.LayersModel,
  input: tf.SymbolicTensor,
): tf.SymbolicTensor {
  const [parts, ...image] = input.shape.slice(1) as number[];
  const expected = encoder.inputs[0].shape.slice(1) as number[];
  if (image.join() !== expected.join()) {
    throw new Error(
      `applyToParts(): parts are ${image.join("×")} but ${encoder.name} takes ${
        expected.join("×")
      }; build the encoder with inputShape [${image.join(", ")}].`,
    );
  }
  const id = count++;
  const folded = new BatchReshape({ targetShape: image, name: `fold_parts_${id}` })
    .apply(input) as tf.SymbolicTensor; // [batch·parts, h, w, c]
  const features = encoder.apply(folded) as tf.SymbolicTensor; // [batch·parts, dim]
  const dim = features.shape[1] as number;
  return new BatchReshape({ targetShape: [parts, dim], name: `unfold_parts_${id}` })
    .apply(features) as tf.SymbolicTensor; // [batch, parts, dim]
}
