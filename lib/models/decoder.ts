/**
 * A decoder that turns the reference encoder's features back into an image, for the pretext tasks
 * that reconstruct pixels (context encoders, masked autoencoders, plain autoencoders).
 *
 * The reference encoder ends in global average pooling, which throws away *where* things are. The
 * decoder can read either
 * - `"map"`: the encoder's last feature map before that pooling (after block 3's ReLU: [7, 7, 128]
 *   for 28×28 inputs) — every map cell decodes its own 4×4 pixel block; or
 * - `"vector"`: the pooled 128-d features themselves (the ones the downstream comparison uses),
 *   through a dense layer to a 7×7 map — a bottleneck of 128 numbers per image.
 *
 * Upsampling is two 2×2 transposed convolutions of stride 2 (no overlap, so no checkerboard; on
 * the wasm backend ~3× cheaper to train than nearest upsampling + 3×3 convs of the same widths),
 * then a 3×3 convolution to one channel and a sigmoid: pixels in 0..1.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import { encoderBlocks } from "./blocks.ts";

/** What the decoder reads: the encoder's last feature map or its pooled feature vector. */
export type DecoderInput = "map" | "vector";

let decoderCount = 0;

/**
 * A model sharing `encoder`'s weights that outputs its last feature map before global pooling
 * (the output of the last ReLU): [batch, h/4, w/4, channels] for the reference encoder.
 */
export function encoderFeatureMap(encoder: tf.LayersModel): tf.LayersModel {
  const relus = encoderBlocks(encoder);
  if (!relus.length) {
    throw new Error(
      `encoderFeatureMap(): ${encoder.name} has no ReLU layer; pass the reference encoder ` +
        `(buildEncoder).`,
    );
  }
  return tf.model({
    inputs: encoder.inputs,
    outputs: relus[relus.length - 1].output as tf.SymbolicTensor,
    name: `${encoder.name}_map`,
  });
}

/** Options of {@link buildDecoder}. */
export interface DecoderOptions {
  /** Shape of what it reads: [h, w, channels] of a feature map, or [dim] of a feature vector. */
  inputShape: number[];
  /** Spatial side of the map a vector is expanded to (default 7: 28×28 outputs). */
  mapSize?: number;
  /** Channels after the first and second upsampling (default [64, 32]). */
  channels?: [number, number];
  /** Seed of the weight initialisation. */
  seed: number;
  name?: string;
}

/**
 * The decoder: [batch, h, w, c] → [batch, 4h, 4w, 1], or [batch, dim] → dense + ReLU to
 * [mapSize, mapSize, channels[0]] → [batch, 4·mapSize, 4·mapSize, 1]; pixels in 0..1 (sigmoid).
 * @example
 * ```ts
 * import { buildDecoder } from "./decoder.ts";
 * const decoder = buildDecoder({ inputShape: [7, 7, 128], seed: 0 }); // → [batch, 28, 28, 1]
 * ```
 */
export function buildDecoder(opts: DecoderOptions): tf.LayersModel {
  const shape = opts.inputShape;
  if (
    !(shape.length === 1 || shape.length === 3) || !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new Error(
      `buildDecoder(): inputShape must be [h, w, channels] (a feature map) or [dim] (a feature ` +
        `vector) of positive integers, got [${shape.join(", ")}].`,
    );
  }
  const rng = createRng(opts.seed + 104_729);
  const [c1, c2] = opts.channels ?? [64, 32];
  const name = opts.name ?? `decoder_${decoderCount++}`;
  const input = tf.input({ shape, name: `${name}_input` });
  let x: tf.SymbolicTensor = input;
  if (shape.length === 1) {
    const side = opts.mapSize ?? 7;
    x = tf.layers.dense({
      units: side * side * c1,
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: rng.fork() }),
      name: `${name}_expand`,
    }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reshape({ targetShape: [side, side, c1], name: `${name}_map` })
      .apply(x) as tf.SymbolicTensor;
  }
  [c1, c2].forEach((filters, i) => {
    x = tf.layers.conv2dTranspose({
      filters,
      kernelSize: 2,
      strides: 2,
      padding: "same",
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: rng.fork() }),
      name: `${name}_up${i + 1}`,
    }).apply(x) as tf.SymbolicTensor; // [batch, 2h, 2w, filters]
  });
  const pixels = tf.layers.conv2d({
    filters: 1,
    kernelSize: 3,
    padding: "same",
    activation: "sigmoid",
    kernelInitializer: tf.initializers.glorotUniform({ seed: rng.fork() }),
    name: `${name}_pixels`,
  }).apply(x) as tf.SymbolicTensor; // [batch, 4h, 4w, 1]
  return tf.model({ inputs: input, outputs: pixels, name });
}

/** Options of {@link buildAutoencoder}. */
export interface AutoencoderOptions {
  /** What the decoder reads (default `"map"`). */
  from?: DecoderInput;
  /** Decoder channels (default [64, 32]). */
  channels?: [number, number];
  /** Seed of the decoder's initialisation. */
  seed: number;
  name?: string;
}

/**
 * `encoder` + a new decoder as one model, input → reconstructed image [batch, h, w, 1] (the input's
 * size: the reference encoder's map is a quarter of it). The encoder's weights are shared, not
 * copied: training the autoencoder trains `encoder` in place. Returns the model and its decoder.
 */
export function buildAutoencoder(
  encoder: tf.LayersModel,
  opts: AutoencoderOptions,
): { model: tf.LayersModel; decoder: tf.LayersModel } {
  const from = opts.from ?? "map";
  const inputShape = encoder.inputs[0].shape.slice(1) as number[];
  const body = from === "map" ? encoderFeatureMap(encoder) : encoder;
  const features = body.outputs[0].shape.slice(1) as number[];
  const mapSize = from === "map" ? features[0] : inputShape[0] / 4;
  if (
    !Number.isInteger(mapSize) || mapSize * 4 !== inputShape[0] || inputShape[0] !== inputShape[1]
  ) {
    throw new Error(
      `buildAutoencoder(): the decoder upsamples 4×, so ${encoder.name}'s input must be square ` +
        `with a side divisible by 4 (e.g. 28×28), got ${inputShape.slice(0, 2).join("×")}.`,
    );
  }
  const name = opts.name ?? `${encoder.name}_autoencoder`;
  const decoder = buildDecoder({
    inputShape: features,
    mapSize,
    channels: opts.channels,
    seed: opts.seed,
    name: `${name}_decoder`,
  });
  const input = tf.input({ shape: inputShape, name: `${name}_input` });
  const output = decoder.apply(body.apply(input)) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: output, name }), decoder };
}
