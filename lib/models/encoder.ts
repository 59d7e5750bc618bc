/**
 * The reference encoder every image notebook shares, and the heads put on top of it.
 *
 * conv(32)-BN-ReLU-maxpool → conv(64)-BN-ReLU-maxpool → conv(128)-BN-ReLU-global-average-pool:
 * [batch, 28, 28, 1] → [batch, 128]. Small enough to train on two CPU cores, deep enough that
 * pretext tasks have something to shape.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { batchNormalization } from "./batch_norm.ts";
import { createRng, type Rng } from "../random.ts";

/** Options of {@link buildEncoder}. */
export interface EncoderOptions {
  /** Seed of the weight initialisation. */
  seed: number;
  /** Channels of the three blocks. */
  channels?: [number, number, number];
  /** Input shape [height, width, channels]. */
  inputShape?: [number, number, number];
  /** Model name (unique names keep several encoders apart in one process). */
  name?: string;
}

let encoderCount = 0;

/** Builds the reference encoder, seeded. Output: [batch, channels[2]] features. */
export function buildEncoder(opts: EncoderOptions): tf.LayersModel {
  const rng = createRng(opts.seed);
  const [c1, c2, c3] = opts.channels ?? [32, 64, 128];
  const name = opts.name ?? `encoder_${encoderCount++}`;
  const input = tf.input({ shape: opts.inputShape ?? [28, 28, 1], name: `${name}_input` });
  let x: tf.SymbolicTensor = input;
  [c1, c2, c3].forEach((filters, i) => {
    x = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false, // batch norm's beta is the bias
      kernelInitializer: tf.initializers.heNormal({ seed: rng.fork() }),
      name: `${name}_conv${i + 1}`,
    }).apply(x) as tf.SymbolicTensor;
    // momentum 0.9 (PyTorch's default), not Keras' 0.99: the moving statistics must settle
    // within the few hundred steps a small labeled subset trains for.
    x = batchNormalization({ momentum: 0.9, name: `${name}_bn${i + 1}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `${name}_relu${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = i < 2
      ? tf.layers.maxPooling2d({ poolSize: 2, name: `${name}_pool${i + 1}` }).apply(
        x,
      ) as tf.SymbolicTensor
      : tf.layers.globalAveragePooling2d({ name: `${name}_gap` }).apply(x) as tf.SymbolicTensor;
  });
  return tf.model({ inputs: input, outputs: x, name });
}

/** Options of {@link denseHead}. */
export interface DenseHeadOptions {
  /** Output units (logits). */
  units: number;
  /** Units of each ReLU hidden layer, in order (He-normal init); none → a linear head. */
  hidden?: readonly number[];
  /** Seeds of the initialisers, drawn in layer order. */
  rng: Rng;
  /** Prefix of the layer names. */
  name: string;
}

/**
 * The suite's one head: ReLU dense layers (He-normal) then a linear output layer (Glorot-uniform),
 * seeded from `rng` in layer order. Returns the output [batch, …, units].
 */
export function denseHead(x: tf.SymbolicTensor, opts: DenseHeadOptions): tf.SymbolicTensor {
  const hidden = opts.hidden ?? [];
  hidden.forEach((units, i) => {
    x = tf.layers.dense({
      units,
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: opts.rng.fork() }),
      name: hidden.length === 1 ? `${opts.name}_hidden` : `${opts.name}_hidden${i + 1}`,
    }).apply(x) as tf.SymbolicTensor;
  });
  return tf.layers.dense({
    units: opts.units,
    kernelInitializer: tf.initializers.glorotUniform({ seed: opts.rng.fork() }),
    name: `${opts.name}_logits`,
  }).apply(x) as tf.SymbolicTensor;
}

/** Options of {@link buildClassifier}. */
export interface ClassifierOptions {
  seed: number;
  numClasses: number;
  /** Hidden units of an MLP head; omitted → a linear head. */
  hidden?: number;
  name?: string;
}

/**
 * Encoder + head → logits [batch, numClasses]. The encoder's weights are shared, not copied: train
 * the classifier and the encoder changes too (use {@link cloneEncoder} first to keep the original).
 */
export function buildClassifier(encoder: tf.LayersModel, opts: ClassifierOptions): tf.LayersModel {
  const rng = createRng(opts.seed + 7919);
  const name = opts.name ?? `classifier_${encoderCount++}`;
  const input = tf.input({ shape: encoder.inputs[0].shape.slice(1) as number[] });
  const logits = denseHead(encoder.apply(input) as tf.SymbolicTensor, {
    units: opts.numClasses,
    hidden: opts.hidden ? [opts.hidden] : [],
    rng,
    name,
  });
  return tf.model({ inputs: input, outputs: logits, name });
}

/** A fresh encoder with the same architecture and a copy of `encoder`'s weights. */
export function cloneEncoder(
  encoder: tf.LayersModel,
  opts: Omit<EncoderOptions, "seed"> = {},
): tf.LayersModel {
  const channels = encoder.layers
    .filter((l) => l.getClassName() === "Conv2D")
    .map((l) => (l.getConfig().filters as number)) as [number, number, number];
  const copy = buildEncoder({
    seed: 0,
    channels,
    inputShape: encoder.inputs[0].shape.slice(1) as [number, number, number],
    ...opts,
  });
  copy.setWeights(encoder.getWeights());
  return copy;
}
