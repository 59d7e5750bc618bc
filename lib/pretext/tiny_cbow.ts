/**
 * The paradigms overview's self-supervised demo: a tiny continuous-bag-of-words model (CBOW,
 * Mikolov et al. 2013) that predicts a word from its neighbours. The labels are manufactured from
 * raw text — every position of every sentence is one (context, word) example — which is the whole
 * point of a pretext task. The language notebooks (10_word_context, 11_masked_words) go further.
 *
 * @example
 * ```ts
 * import { contextPairs } from "./tiny_cbow.ts";
 * const pairs = contextPairs([Int32Array.of(5, 6, 7)], { window: 1 });
 * // (context [0, 6] → 5), ([5, 7] → 6), ([6, 0] → 7); 0 pads the sentence edges
 * if (pairs.size !== 3 || pairs.targets[1] !== 6) throw new Error();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { OOV_ID, PAD_ID } from "../data/text.ts";
import { createRng } from "../random.ts";
import type { BatchSource } from "../train/fit.ts";

/** (context, target) examples: `size` rows of `2 * window` context ids, and the target ids. */
export interface ContextPairs {
  /** [size, 2 * window] context ids, row-major; PAD_ID beyond the sentence's ends. */
  contexts: Int32Array;
  /** [size] the word to predict. */
  targets: Int32Array;
  size: number;
  window: number;
}

/** Options of {@link contextPairs}. */
export interface ContextPairsOptions {
  /** Words on each side of the target (default 2). */
  window?: number;
  /** Skip positions whose target is `<unk>` (default true: nothing to learn there). */
  skipUnknown?: boolean;
}

/** Manufactures (neighbours → word) examples from id-encoded sentences. */
export function contextPairs(
  sentences: readonly Int32Array[],
  opts: ContextPairsOptions = {},
): ContextPairs {
  const window = opts.window ?? 2;
  if (!Number.isInteger(window) || window < 1) {
    throw new Error(`contextPairs(): window must be a positive integer, got ${window}.`);
  }
  const skip = opts.skipUnknown ?? true;
  const contexts: number[] = [], targets: number[] = [];
  for (const s of sentences) {
    for (let i = 0; i < s.length; i++) {
      if (skip && s[i] === OOV_ID) continue;
      targets.push(s[i]);
      for (let o = -window; o <= window; o++) {
        if (o === 0) continue;
        const j = i + o;
        contexts.push(j >= 0 && j < s.length ? s[j] : PAD_ID);
      }
    }
  }
  return {
    contexts: Int32Array.from(contexts),
    targets: Int32Array.from(targets),
    size: targets.length,
    window,
  };
}

/** A batch source over the examples `indices` (default all) of `pairs`: x [b, 2w] int32, y [b]. */
export function contextPairSource(pairs: ContextPairs, indices?: ArrayLike<number>): BatchSource {
  const rows = indices ?? Int32Array.from({ length: pairs.size }, (_, i) => i);
  const width = 2 * pairs.window;
  return {
    size: rows.length,
    batch(positions) {
      const x = new Int32Array(positions.length * width);
      const y = new Int32Array(positions.length);
      positions.forEach((p, i) => {
        const r = rows[p];
        x.set(pairs.contexts.subarray(r * width, (r + 1) * width), i * width);
        y[i] = pairs.targets[r];
      });
      return { x: tf.tensor2d(x, [positions.length, width], "int32"), y: tf.tensor1d(y, "int32") };
    },
  };
}

/** Options of {@link buildCbowModel}. */
export interface CbowModelOptions {
  /** Seed of the initialisation. */
  seed: number;
  /** Words on each side of the target. */
  window: number;
  /** Embedding size (default 32). */
  dim?: number;
}

let cbowCount = 0;

/**
 * CBOW: embed the 2·window context words, average them, and score every vocabulary word with a
 * linear layer (logits [batch, vocabSize]). The embedding table is the representation we keep.
 */
export function buildCbowModel(vocabSize: number, opts: CbowModelOptions): tf.LayersModel {
  const rng = createRng(opts.seed);
  const name = `cbow_${cbowCount++}`;
  const input = tf.input({ shape: [2 * opts.window], dtype: "int32", name: `${name}_input` });
  const embedded = tf.layers.embedding({
    inputDim: vocabSize,
    outputDim: opts.dim ?? 32,
    embeddingsInitializer: tf.initializers.randomUniform({
      minval: -0.05,
      maxval: 0.05,
      seed: rng.fork(),
    }),
    name: `${name}_embedding`,
  }).apply(input) as tf.SymbolicTensor; // [batch, 2w, dim]
  const mean = tf.layers.globalAveragePooling1d({ name: `${name}_mean` })
    .apply(embedded) as tf.SymbolicTensor; // [batch, dim]
  const logits = tf.layers.dense({
    units: vocabSize,
    kernelInitializer: tf.initializers.glorotUniform({ seed: rng.fork() }),
    name: `${name}_scores`,
  }).apply(mean) as tf.SymbolicTensor; // [batch, vocab]
  return tf.model({ inputs: input, outputs: logits, name });
}

/** The embedding table of a {@link buildCbowModel} model: [vocabSize, dim], row-major. */
export async function cbowEmbeddings(
  model: tf.LayersModel,
): Promise<{ data: Float32Array; n: number; dim: number }> {
  const layer = model.layers.find((l) => l.name.endsWith("_embedding"));
  if (!layer) throw new Error(`cbowEmbeddings(): ${model.name} has no embedding layer.`);
  const table = layer.getWeights()[0];
  const [n, dim] = table.shape as [number, number];
  return { data: Float32Array.from(await table.data() as Float32Array), n, dim }; // a copy
}
