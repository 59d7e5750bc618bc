/**
 * A stack of fully connected layers on the pixels — the network of greedy layer-wise pretraining
 * (Hinton & Salakhutdinov 2006; Bengio et al. 2007): [batch, 28, 28, 1] → flatten → dense(units₁)
 * → … → dense(units_L), each followed by its activation (sigmoid by default, as in those papers).
 *
 * It takes the same input as the reference encoder, so the suite's feature extraction
 * (`modelFeatures`), classifier (`buildClassifier`) and matched protocol (`trainedMethod` with an
 * {@link EncoderArchitecture}) use it unchanged.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { createRng } from "../random.ts";
import { buildEncoder } from "./encoder.ts";

/** Activation of the stack's layers. */
export type StackActivation = "sigmoid" | "relu";

/** Options of {@link buildDenseStack}. */
export interface DenseStackOptions {
  /** Units of each layer, input side first (e.g. [512, 256, 128]). */
  units: readonly number[];
  /** Seed of the weight initialisation. */
  seed: number;
  /** Default "sigmoid": codes in 0..1, as the papers' autoencoders. */
  activation?: StackActivation;
  /** Input shape [height, width, channels] (default [28, 28, 1]). */
  inputShape?: [number, number, number];
  /** Model name (prefix of the layer names). */
  name?: string;
}

/** What a worker needs to rebuild an encoder: the reference encoder, or a dense stack. */
export type EncoderArchitecture =
  | { kind: "reference"; inputShape?: [number, number, number] }
  | { kind: "dense"; units: number[]; activation?: StackActivation };

let stackCount = 0;

function checkUnits(units: readonly number[], where: string): void {
  if (!units.length || !units.every((u) => Number.isInteger(u) && u > 0)) {
    throw new Error(
      `${where}: units must be a non-empty list of positive integers (e.g. [512, 256, 128]), ` +
        `got [${units.join(", ")}].`,
    );
  }
}

/**
 * Builds the dense stack, seeded (Glorot-uniform weights — suited to sigmoid units — or He-normal
 * for ReLU; zero biases). Output: [batch, units_L], the last layer's codes.
 * @example
 * ```ts
 * import { buildDenseStack } from "./dense_stack.ts";
 * const stack = buildDenseStack({ units: [512, 256, 128], seed: 0 });
 * stack.outputs[0].shape; // [null, 128]
 * ```
 */
export function buildDenseStack(opts: DenseStackOptions): tf.LayersModel {
  checkUnits(opts.units, "buildDenseStack()");
  const activation = opts.activation ?? "sigmoid";
  if (activation !== "sigmoid" && activation !== "relu") {
    throw new Error(
      `buildDenseStack(): activation must be "sigmoid" or "relu", got "${activation}".`,
    );
  }
  const rng = createRng(opts.seed + 104_729);
  const name = opts.name ?? `stack_${stackCount++}`;
  const input = tf.input({ shape: opts.inputShape ?? [28, 28, 1], name: `${name}_input` });
  let x = tf.layers.flatten({ name: `${name}_flatten` }).apply(input) as tf.SymbolicTensor;
  opts.units.forEach((units, i) => {
    const seed = rng.fork();
    x = tf.layers.dense({
      units,
      activation,
      kernelInitializer: activation === "relu"
        ? tf.initializers.heNormal({ seed })
        : tf.initializers.glorotUniform({ seed }),
      name: `${name}_dense${i + 1}`,
    }).apply(x) as tf.SymbolicTensor;
  });
  return tf.model({ inputs: input, outputs: x, name });
}

/** The dense layers of a stack, input side first. */
export function stackLayers(stack: tf.LayersModel): tf.layers.Layer[] {
  return stack.layers.filter((l) => l.getClassName() === "Dense");
}

/**
 * A model sharing `stack`'s weights that maps its input to the codes of layer `layer` (1-based):
 * [batch, units of that layer]. The last layer is the stack's own output.
 * @example
 * ```ts
 * import { buildDenseStack, stackLayerFeatures } from "./dense_stack.ts";
 * const first = stackLayerFeatures(buildDenseStack({ units: [64, 32], seed: 0 }), 1); // [batch, 64]
 * ```
 */
export function stackLayerFeatures(stack: tf.LayersModel, layer: number): tf.LayersModel {
  const dense = stackLayers(stack);
  if (!Number.isInteger(layer) || layer < 1 || layer > dense.length) {
    throw new Error(
      `stackLayerFeatures(): layer must be 1..${dense.length} for ${stack.name} ` +
        `(which has ${dense.length} dense layers), got ${layer}.`,
    );
  }
  return tf.model({
    inputs: stack.inputs,
    // Node 0 is the stack's own graph (a greedy stage applies the layer again, adding nodes).
    outputs: dense[layer - 1].getOutputAt(0) as tf.SymbolicTensor,
    name: `${stack.name}_layer${layer}`,
  });
}

/** The architecture of a dense stack, for {@link buildArchitecture} (e.g. in a worker). */
export function denseArchitecture(stack: tf.LayersModel): EncoderArchitecture {
  const dense = stackLayers(stack);
  if (!dense.length) {
    throw new Error(`denseArchitecture(): ${stack.name} has no dense layers; is it a stack?`);
  }
  return {
    kind: "dense",
    units: dense.map((l) => l.getConfig().units as number),
    activation: dense[0].getConfig().activation as StackActivation,
  };
}

/** A fresh encoder of `architecture`, seeded (default: the reference encoder). */
export function buildArchitecture(
  architecture: EncoderArchitecture | undefined,
  seed: number,
): tf.LayersModel {
  if (!architecture || architecture.kind === "reference") {
    return buildEncoder({ seed, inputShape: architecture?.inputShape });
  }
  if (architecture.kind === "dense") {
    return buildDenseStack({
      units: architecture.units,
      activation: architecture.activation,
      seed,
    });
  }
  throw new Error(
    `buildArchitecture(): unknown kind ${
      JSON.stringify((architecture as { kind: unknown }).kind)
    }; use "reference" or "dense".`,
  );
}
