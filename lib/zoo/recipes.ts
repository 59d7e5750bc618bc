/**
 * The zoo's recipes: for each image pretext method, the training graph its notebook trains (same
 * architecture, same pretext task and hyperparameters), built from a seed, with the batch source
 * and loss it trains on and the 28×28 encoder the downstream protocol reads. A zoo run
 * ({@link pretrain}) trains a recipe for many epochs over the whole pool; seed 0 starts from the
 * same weights as the notebook's short live run.
 *
 * The hyperparameters live here, once: a notebook that reproduces a method takes its pretext keys
 * from {@link RECIPES} (`recipe.config`), so its live run and the stored checkpoints are the same
 * computation at different lengths.
 *
 * @example
 * ```ts
 * import { recipeOf } from "./recipes.ts";
 * const rotation = recipeOf("rotation");
 * console.log(rotation.title, rotation.config.batchSize); // RotNet 64
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../data/mod.ts";
import { maxHammingPermutations } from "../augment/jigsaw.ts";
import { DEFAULT_VIEWS } from "../augment/views.ts";
import { buildClassifier, buildEncoder, cloneEncoder } from "../models/encoder.ts";
import { buildAutoencoder } from "../models/decoder.ts";
import type { BatchSource, LossFn } from "../train/fit.ts";
import { rotationSource } from "../pretext/rotation.ts";
import { buildJigsawModel, jigsawSource } from "../pretext/jigsaw.ts";
import { buildCountingModel, countingLoss, countingSource } from "../pretext/counting.ts";
import { inpaintingSource, maskedMseLoss, meanPixel } from "../pretext/inpainting.ts";
import { maeSource } from "../pretext/mae.ts";
import { buildTwinModel, ntXentLoss, twoViewSource, vicregLoss } from "../pretext/twin_views.ts";
import type { EpochRecord } from "../train/fit.ts";
import type { EncoderArchitecture } from "../models/dense_stack.ts";
import type { NamedValues } from "./checkpoint.ts";
import { dcgan, layerwise } from "./recipes_special.ts";

/**
 * What {@link RecipeModel.trainEpoch} is given for one epoch of a zoo run: the pool, the epoch's
 * seed (its data order and draws), how many steps, and the run's interruption and display.
 */
export interface EpochContext {
  /** The unlabeled pool (labels never read). */
  set: ImageSet;
  /** 1-based. */
  epoch: number;
  /** Seed of the epoch's data order and random draws. */
  seed: number;
  steps: number;
  /** Steps of this epoch already trained by an interrupted run: replayed without training. */
  skipSteps: number;
  /** Stops after the current step by throwing `FitInterrupted` (with the steps done). */
  signal?: AbortSignal;
  label: string;
  progress: boolean;
}

/** The training graph of one recipe, freshly initialised. */
export interface RecipeModel {
  /** What the optimizer trains (the encoder is inside it, weights shared). */
  model: tf.LayersModel;
  /** The encoder the downstream protocol reads: 28×28 input, 128 features (a copy for tiles). */
  encoder(): tf.LayersModel;
  /** The pretext loss (default: softmax cross-entropy on class ids). */
  loss?: LossFn;
  /**
   * One epoch of training, for a graph the suite's `fit` cannot train (a GAN: two players, two
   * optimizers, constant rate); default: `fit` on the recipe's source with the run's Adam.
   */
  trainEpoch?(ctx: EpochContext): Promise<EpochRecord>;
  /** Tensors the resumable state needs besides `model`'s weights (another player, optimizers). */
  stateValues?(): Promise<NamedValues[]>;
  /** Puts {@link stateValues}' tensors back (given every tensor of the stored state). */
  restoreState?(values: readonly NamedValues[]): Promise<void>;
}

/** The hyperparameters every recipe has (plus its own keys). */
export interface RecipeConfig {
  /** Images per optimizer step. */
  batchSize: number;
  /** Adam's peak rate; cosine decay to 0 over the schedule's epochs. */
  learningRate: number;
  [key: string]: unknown;
}

/** One image pretext method, as the zoo trains it. */
export interface Recipe {
  /** The zoo's name: `deno task pretrain <method>`, `checkpoints/<method>/`. */
  method: string;
  /** The name in tables, e.g. "RotNet". */
  title: string;
  /** The notebook that reproduces it. */
  notebook: string;
  config: RecipeConfig;
  /** The training graph, initialised from `seed` (every initialiser of the graph). */
  build(seed: number): RecipeModel;
  /** The batch source over the unlabeled images `indices` of `set` (labels never read). */
  source(set: ImageSet, indices: ArrayLike<number>): BatchSource;
  /**
   * How the zoo trains it: "epochs" (default) — one run, epoch after epoch, each checkpoint a
   * snapshot of it; "greedy" — layer by layer, so each checkpoint epoch E is its own greedy run
   * of E epochs per stage from the seed's weights (a stack is usable only once every stage ran).
   */
  training?: "epochs" | "greedy";
  /** The encoder's architecture when it is not the reference CNN (fine-tuning rebuilds it). */
  architecture?: EncoderArchitecture;
  /** Rows' name of the untrained network it starts from (default "random encoder"). */
  untrained?: string;
}

const encoderName = (method: string) => `zoo_${method}`;

const rotation: Recipe = {
  method: "rotation",
  title: "RotNet",
  notebook: "01_rotation",
  // images per step: ×4 rotations = 256 examples; head 128 → 128 → 4
  config: { batchSize: 64, learningRate: 2e-3, hidden: 128 },
  build(seed) {
    const encoder = buildEncoder({ seed, name: encoderName("rotation") });
    const model = buildClassifier(encoder, {
      seed,
      numClasses: 4,
      hidden: this.config.hidden as number,
      name: "zoo_rotation_head",
    });
    return { model, encoder: () => encoder };
  },
  source: (set, indices) => rotationSource(set, indices),
};

const JIGSAW = { grid: 2, tileSize: 12, permutations: 24, hidden: 256 };
const jigsaw: Recipe = {
  method: "jigsaw",
  title: "Jigsaw",
  notebook: "02_jigsaw",
  // puzzles per step (× 4 tiles); 2×2 cells, 12×12 crops, all 24 permutations
  config: { batchSize: 64, learningRate: 2e-3, ...JIGSAW },
  build(seed) {
    const t = JIGSAW.tileSize;
    const encoder = buildEncoder({ seed, inputShape: [t, t, 1], name: encoderName("jigsaw") });
    const model = buildJigsawModel(encoder, {
      tiles: JIGSAW.grid ** 2,
      numPermutations: JIGSAW.permutations,
      hidden: JIGSAW.hidden,
      seed,
    });
    return { model, encoder: () => cloneEncoder(encoder, { inputShape: [28, 28, 1] }) };
  },
  source: (set, indices) =>
    jigsawSource(set, indices, {
      grid: JIGSAW.grid,
      tileSize: JIGSAW.tileSize,
      permutations: maxHammingPermutations(JIGSAW.permutations, {
        tiles: JIGSAW.grid ** 2,
        seed: 0,
      }),
    }),
};

const COUNTING = { margin: 10, contrastiveWeight: 1, counts: 128 };
const counting: Recipe = {
  method: "counting",
  title: "Counting",
  notebook: "03_counting",
  // images per step (× 6 parts of 14×14); the paper's margin M = 10
  config: { batchSize: 64, learningRate: 2e-3, ...COUNTING },
  build(seed) {
    const encoder = buildEncoder({ seed, inputShape: [14, 14, 1], name: encoderName("counting") });
    const model = buildCountingModel(encoder, { counts: COUNTING.counts, seed });
    return {
      model,
      encoder: () => cloneEncoder(encoder, { inputShape: [28, 28, 1] }),
      loss: countingLoss({
        margin: COUNTING.margin,
        contrastiveWeight: COUNTING.contrastiveWeight,
      }),
    };
  },
  source: (set, indices) => countingSource(set, indices),
};

/** The autoencoder graph of inpainting and MAE: the reference encoder + the suite's decoder. */
function restorer(method: string, seed: number): RecipeModel {
  const encoder = buildEncoder({ seed, name: encoderName(method) });
  const { model } = buildAutoencoder(encoder, {
    seed,
    channels: [64, 32],
    name: `zoo_${method}_ae`,
  });
  return { model, encoder: () => encoder, loss: maskedMseLoss() };
}

const INPAINTING = { mask: "blocks" as const, blockSize: 7, coverage: 0.25, contextWeight: 0 };
const inpainting: Recipe = {
  method: "inpainting",
  title: "Context encoder",
  notebook: "04_inpainting",
  // random 7×7 blocks hiding a quarter of the image (04's headline encoder); loss on the hole only
  config: { batchSize: 64, learningRate: 2e-3, decoderChannels: [64, 32], ...INPAINTING },
  build: (seed) => restorer("inpainting", seed),
  source: (set, indices) =>
    inpaintingSource(set, indices, { ...INPAINTING, fill: meanPixel(set, indices) }),
};

const MAE = { ratio: 0.75, patchSize: 4 };
const mae: Recipe = {
  method: "mae",
  title: "MAE",
  notebook: "05_masked_autoencoder",
  // 75 % of the 7×7 patches of 4×4 pixels hidden; loss on the hidden patches
  config: { batchSize: 64, learningRate: 2e-3, decoderChannels: [64, 32], ...MAE },
  build: (seed) => restorer("mae", seed),
  source: (set, indices) => maeSource(set, indices, { ...MAE, fill: meanPixel(set, indices) }),
};

/** SimCLR and VICReg: the twin graph (shared encoder, projection head) on two views. */
function twins(method: string, seed: number, head: { hidden: number[]; units: number }) {
  const encoder = buildEncoder({ seed, name: encoderName(method) });
  const model = buildTwinModel(encoder, { ...head, seed, name: `zoo_${method}_twin` });
  return { model, encoder: () => encoder };
}

const simclr: Recipe = {
  method: "simclr",
  title: "SimCLR",
  notebook: "06_contrastive",
  // pairs per step (2N − 2 = 254 negatives per view); τ = 0.5; projection 128 → 512 → 128
  config: { batchSize: 128, learningRate: 2e-3, temperature: 0.5, hidden: [512], units: 128 },
  build(seed) {
    const c = this.config;
    return {
      ...twins("simclr", seed, { hidden: c.hidden as number[], units: c.units as number }),
      loss: ntXentLoss({ temperature: c.temperature as number }),
    };
  },
  source: (set, indices) => twoViewSource(set, indices, { views: DEFAULT_VIEWS }),
};

const vicreg: Recipe = {
  method: "vicreg",
  title: "VICReg",
  notebook: "07_non_contrastive",
  // the paper's λ = μ = 25, ν = 1; expander 128 → 512 → 256
  config: {
    batchSize: 128,
    learningRate: 2e-3,
    invariance: 25,
    variance: 25,
    covariance: 1,
    hidden: [512],
    units: 256,
  },
  build(seed) {
    const c = this.config;
    return {
      ...twins("vicreg", seed, { hidden: c.hidden as number[], units: c.units as number }),
      loss: vicregLoss({
        invariance: c.invariance as number,
        variance: c.variance as number,
        covariance: c.covariance as number,
      }),
    };
  },
  source: (set, indices) => twoViewSource(set, indices, { views: DEFAULT_VIEWS }),
};

/** Every recipe, by method name. */
export const RECIPES: Readonly<Record<string, Recipe>> = Object.freeze(
  Object.fromEntries(
    [
      // the CNN recipes, trained by `fit` epoch after epoch
      [rotation, jigsaw, counting, inpainting, mae, simclr, vicreg].map((r) => [r.method, r]),
      // the layer-wise autoencoder (greedy stages) and the DCGAN discriminator (two players):
      // lib/zoo/recipes_special.ts
      [layerwise, dcgan].map((r) => [r.method, r]),
    ].flat(),
  ),
);

/** The recipe of `method`; throws, listing the methods, for an unknown one. */
export function recipeOf(method: string): Recipe {
  const recipe = RECIPES[method];
  if (!recipe) {
    throw new Error(
      `unknown pretext method "${method}": the zoo has ${Object.keys(RECIPES).join(", ")}.`,
    );
  }
  return recipe;
}
