/**
 * The zoo's two recipes that are not one graph trained by `fit` epoch after epoch:
 *
 * - **layerwise** — greedy layer-wise autoencoders (`08_layerwise_autoencoder`): the dense stack
 *   784 → 512 → 256 → 128 trained one stage at a time by `trainGreedy`. A stack is usable only
 *   once every stage ran, so its checkpoint at epoch E is a greedy run of E epochs per stage from
 *   the seed's weights (`training: "greedy"`; lib/zoo/pretrain.ts runs one per checkpoint epoch).
 * - **dcgan** — the DCGAN discriminator (`09_gan_features`): generator and discriminator trained
 *   against each other by `trainGan`, one call per epoch with the recipe's two Adams kept across
 *   epochs (and in the resumable state, with the generator). After every epoch the trunk's
 *   batch-norm statistics are re-estimated on real images (`recalibrateBatchNorm`, as `09` does
 *   before reading features): training never uses them, so the run is unchanged, and every
 *   checkpoint holds statistics of real images.
 *
 * Both keep the notebooks' hyperparameters, so a stored checkpoint is the notebook's live run at
 * another length; both learn at a constant rate (as their papers and notebooks do), not the CNN
 * recipes' cosine schedule.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { pixelFeatures } from "../eval/features.ts";
import type { Features } from "../eval/features.ts";
import { selectImages } from "../data/fashion_mnist.ts";
import { buildDiscriminator, buildGenerator } from "../models/dcgan.ts";
import { buildDenseStack } from "../models/dense_stack.ts";
import { buildEncoder } from "../models/encoder.ts";
import { recalibrateBatchNorm, trainGan } from "../pretext/gan.ts";
import { reconstructionLoss, reconstructionSource } from "../pretext/layerwise.ts";
import { setWeightsFrom, weightsOf } from "../protocol/train_and_score.ts";
import type { EpochRecord } from "../train/fit.ts";
import type { NamedValues } from "./checkpoint.ts";
import type { Recipe, RecipeModel } from "./recipes.ts";

const LAYERWISE = { units: [512, 256, 128] };

/** Greedy layer-wise autoencoders: see the module's notes. */
export const layerwise: Recipe = {
  method: "layerwise",
  title: "Greedy AE",
  notebook: "08_layerwise_autoencoder",
  training: "greedy",
  architecture: { kind: "dense", units: LAYERWISE.units },
  untrained: "random MLP",
  // each stage: Adam at a constant 1e-3 on the cross-entropy of its reconstruction (as in 08)
  config: { batchSize: 128, learningRate: 1e-3, schedule: "constant", ...LAYERWISE },
  build(seed) {
    const stack = buildDenseStack({ units: LAYERWISE.units, seed, name: "zoo_layerwise" });
    return { model: stack, encoder: () => stack, loss: reconstructionLoss };
  },
  // the first stage's source (each later stage reads the codes of the frozen layers below)
  source: (set, indices) => reconstructionSource(pixelFeatures(selectImages(set, indices))),
};

const DCGAN = {
  beta1: 0.5,
  realTarget: 0.9,
  noiseDim: 100,
  generatorChannels: [64, 32] as [number, number],
  recalibration: { batches: 50, batchSize: 128 },
};

/** An optimizer's values (and Adam's running β powers) under `prefix/`, for a stored state. */
async function optimizerValues(
  prefix: string,
  optimizer: tf.AdamOptimizer,
): Promise<NamedValues[]> {
  const adam = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  const values = [
    ...await optimizer.getWeights(),
    { name: "accBeta1", tensor: adam.accBeta1 },
    { name: "accBeta2", tensor: adam.accBeta2 },
  ];
  return await Promise.all(values.map(async (w) => ({
    name: `${prefix}/${w.name}`,
    shape: w.tensor.shape,
    data: Float32Array.from(await w.tensor.data()),
  })));
}

/** Puts {@link optimizerValues}' values back into `optimizer`. */
async function restoreOptimizer(
  prefix: string,
  optimizer: tf.AdamOptimizer,
  values: readonly NamedValues[],
): Promise<void> {
  const mine = values.filter((v) => v.name.startsWith(`${prefix}/`))
    .map((v) => ({ ...v, name: v.name.slice(prefix.length + 1) }));
  const beta = (name: string) => mine.find((v) => v.name === name)?.data[0];
  const [b1, b2] = [beta("accBeta1"), beta("accBeta2")];
  if (b1 === undefined || b2 === undefined) {
    throw new Error(
      `the stored state has no ${prefix} optimizer values: remove it to start again.`,
    );
  }
  const adam = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  await optimizer.setWeights(
    mine.filter((v) => !v.name.startsWith("accBeta"))
      .map((v) => ({ name: v.name, tensor: tf.tensor(v.data, v.shape) })),
  );
  adam.accBeta1.assign(tf.scalar(b1));
  adam.accBeta2.assign(tf.scalar(b2));
}

/** The DCGAN discriminator: see the module's notes. */
export const dcgan: Recipe = {
  method: "dcgan",
  title: "DCGAN D",
  notebook: "09_gan_features",
  // real images per step (and as many fakes), as in 09; both players Adam 2e-4, β₁ 0.5, constant
  config: { batchSize: 32, learningRate: 2e-4, schedule: "constant", ...DCGAN },
  build(seed): RecipeModel {
    const c = DCGAN;
    const generator = buildGenerator({
      seed,
      noiseDim: c.noiseDim,
      channels: c.generatorChannels,
      name: "zoo_dcgan_generator",
    });
    const trunk = buildEncoder({ seed, name: "zoo_dcgan" }); // the features the protocol reads
    const discriminator = buildDiscriminator(trunk, { seed, name: "zoo_dcgan_discriminator" });
    const lr = this.config.learningRate, batchSize = this.config.batchSize;
    const optimizers = {
      discriminator: tf.train.adam(lr, c.beta1),
      generator: tf.train.adam(lr, c.beta1),
    };
    let real: Features | null = null; // the pool's pixel rows, made at the first epoch
    return {
      model: discriminator,
      encoder: () => trunk,
      async trainEpoch(ctx): Promise<EpochRecord> {
        real ??= pixelFeatures(ctx.set);
        const history = await trainGan(generator, discriminator, real, {
          steps: ctx.steps,
          batchSize,
          seed: ctx.seed,
          realTarget: c.realTarget,
          optimizers,
          signal: ctx.signal,
          skipSteps: ctx.skipSteps,
          label: ctx.label,
          progress: ctx.progress,
          // one point: the epoch's means (after an interruption, of the steps trained since)
          logEvery: ctx.steps,
        });
        const { batches, batchSize: rows } = c.recalibration; // at most one pass over the pool
        await recalibrateBatchNorm(trunk, real, {
          batches: Math.min(batches, Math.ceil(real.n / rows)),
          batchSize: rows,
          seed: ctx.seed,
        });
        const p = history.points.at(-1)!;
        return {
          epoch: ctx.epoch,
          loss: p.discriminatorLoss,
          seconds: history.seconds,
          examplesPerSecond: history.imagesPerSecond,
          generatorLoss: p.generatorLoss,
          realScore: p.realScore,
          fakeScore: p.fakeScore,
        } as EpochRecord;
      },
      async stateValues() {
        const layout = generator.weights.map((w) => w.shape as number[]);
        return [
          ...(await weightsOf(generator)).map((w, i) => ({
            name: `generator/${i}`,
            shape: layout[i],
            data: w.data,
          })),
          ...await optimizerValues("gan-optimizer-d", optimizers.discriminator),
          ...await optimizerValues("gan-optimizer-g", optimizers.generator),
        ];
      },
      async restoreState(values) {
        const weights = values.filter((v) => v.name.startsWith("generator/"));
        if (weights.length !== generator.weights.length) {
          throw new Error(
            `the stored state holds ${weights.length} generator tensors, the generator has ` +
              `${generator.weights.length}: remove the run's directory to start again.`,
          );
        }
        setWeightsFrom(generator, weights);
        await restoreOptimizer("gan-optimizer-d", optimizers.discriminator, values);
        await restoreOptimizer("gan-optimizer-g", optimizers.generator, values);
      },
    };
  },
  // the real images D sees, as a source: the run's epochs count its steps (trainEpoch trains)
  source: (set, indices) => reconstructionSource(pixelFeatures(selectImages(set, indices))),
};
