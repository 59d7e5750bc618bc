/**
 * A DCGAN (Radford, Metz & Chintala 2016, "Unsupervised Representation Learning with Deep
 * Convolutional Generative Adversarial Networks") sized for 28×28 images.
 *
 * - Generator: z [noiseDim] → dense → 7×7×c₁ → BN → ReLU → transposed conv (stride 2) →
 *   14×14×c₂ → BN → ReLU → transposed conv (stride 2) → 28×28×1 → sigmoid. The paper's recipe:
 *   no pooling, fractionally strided convolutions, batch norm and ReLU in the generator, weights
 *   from N(0, 0.02). Its output is a sigmoid, not the paper's tanh, because the discriminator is
 *   the suite's reference encoder, which reads pixels in 0..1.
 * - Discriminator: the reference encoder's trunk (lib/models/encoder.ts) + one dense real/fake
 *   logit, so its features go into the suite's matched comparison unchanged. It keeps the
 *   encoder's ReLU, max pooling and batch norm (the paper used strided convolutions and leaky
 *   ReLU) — the price of comparing like with like.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { batchNormalization } from "./batch_norm.ts";
import { createRng } from "../random.ts";

/** Options of {@link buildGenerator}. */
export interface GeneratorOptions {
  /** Seed of the weight initialisation. */
  seed: number;
  /** Length of the noise vector z (default 100, as the paper). */
  noiseDim?: number;
  /** Channels at 7×7 and at 14×14 (default [64, 32]: the CPU budget; the paper's are wider). */
  channels?: [number, number];
  /** Kernel size of the transposed convolutions (default 4). */
  kernelSize?: number;
  name?: string;
}

let ganCount = 0;

/** The DCGAN generator: z [batch, noiseDim] → images [batch, 28, 28, 1] in 0..1. */
export function buildGenerator(opts: GeneratorOptions): tf.LayersModel {
  const noiseDim = opts.noiseDim ?? 100;
  const [c1, c2] = opts.channels ?? [64, 32];
  const kernelSize = opts.kernelSize ?? 4;
  for (
    const [key, v] of [["noiseDim", noiseDim], ["channels[0]", c1], ["channels[1]", c2], [
      "kernelSize",
      kernelSize,
    ]] as const
  ) {
    if (!Number.isInteger(v) || v < 1) {
      throw new Error(`buildGenerator(): ${key} must be a positive integer, got ${v}.`);
    }
  }
  const rng = createRng(opts.seed + 49_979_687);
  const init = () => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: rng.fork() });
  const name = opts.name ?? `generator_${ganCount++}`;
  const z = tf.input({ shape: [noiseDim], name: `${name}_noise` });
  let x = tf.layers.dense({
    units: 7 * 7 * c1,
    useBias: false, // batch norm's beta is the bias
    kernelInitializer: init(),
    name: `${name}_project`,
  }).apply(z) as tf.SymbolicTensor;
  x = batchNormalization({ momentum: 0.9, name: `${name}_bn0` }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: `${name}_relu0` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [7, 7, c1], name: `${name}_reshape` }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = tf.layers.conv2dTranspose({
    filters: c2,
    kernelSize,
    strides: 2,
    padding: "same",
    useBias: false,
    kernelInitializer: init(),
    name: `${name}_deconv1`,
  }).apply(x) as tf.SymbolicTensor; // [batch, 14, 14, c2]
  x = batchNormalization({ momentum: 0.9, name: `${name}_bn1` }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: `${name}_relu1` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2dTranspose({
    filters: 1,
    kernelSize,
    strides: 2,
    padding: "same",
    activation: "sigmoid",
    kernelInitializer: init(),
    name: `${name}_deconv2`,
  }).apply(x) as tf.SymbolicTensor; // [batch, 28, 28, 1]
  return tf.model({ inputs: z, outputs: x, name });
}

/**
 * The discriminator: `trunk` (an encoder, e.g. `buildEncoder({ seed })`: images → features) + a
 * dense layer → one real/fake logit [batch, 1]. The trunk's weights are shared, not copied:
 * training the discriminator trains `trunk`, whose features are then probed.
 */
export function buildDiscriminator(
  trunk: tf.LayersModel,
  opts: { seed: number; name?: string },
): tf.LayersModel {
  const rng = createRng(opts.seed + 67_867_967);
  const name = opts.name ?? `discriminator_${ganCount++}`;
  const input = tf.input({
    shape: trunk.inputs[0].shape.slice(1) as number[],
    name: `${name}_input`,
  });
  const logit = tf.layers.dense({
    units: 1,
    kernelInitializer: tf.initializers.glorotUniform({ seed: rng.fork() }),
    name: `${name}_logit`,
  }).apply(trunk.apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logit, name });
}
