/**
 * A DCGAN run ({@link trainGan}) as plain data in and out, so it trains here or in a module Worker
 * on the second core while this thread does other work (09_gan_features: the untrained network's
 * read-outs are scored while the GAN trains). Same backend, same seeds, same ops; a worker's
 * kernels run on one thread, so on the native backend the last bits can differ from a run here
 * (lib/parallel/jobs.ts); on wasm the numbers are the same wherever it runs (tested).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Features } from "../eval/features.ts";
import { setWeightsFrom, type WeightData, weightsOf } from "../protocol/train_and_score.ts";
import { buildDiscriminator, buildGenerator, type GeneratorOptions } from "../models/dcgan.ts";
import { buildEncoder, type EncoderOptions } from "../models/encoder.ts";
import { runJobsInWorker } from "../parallel/jobs.ts";
import { createRng } from "../random.ts";
import type { ProgressDisplay } from "../show/mod.ts";
import { type GanHistory, type GanOptions, generateImages, noiseBatch, trainGan } from "./gan.ts";

/** One GAN run: the players' seeds and shapes, the real images and {@link GanOptions} as data. */
export interface GanJob extends Omit<GanOptions, "label" | "progress" | "onLog" | "onCheckpoint"> {
  label: string;
  /** The generator (its `name` too). */
  generator: GeneratorOptions;
  /** The discriminator's trunk: `buildEncoder(trunk)` (its features are probed). */
  trunk: EncoderOptions;
  /** The discriminator's logit layer. */
  discriminator: { seed: number; name?: string };
  /** Rows of pixels in 0..1 that D sees as real. */
  real: Features;
  /** G's images for one fixed noise batch (`count` vectors from `seed`) at each checkpoint. */
  samples?: { count: number; seed: number };
}

/** G's images for the fixed noise after `step` steps. */
export interface GanSamples {
  step: number;
  images: Float32Array[];
}

/** What a {@link GanJob} gives back: the history, the samples and both players' weights. */
export interface GanJobOutcome {
  history: GanHistory;
  samples: GanSamples[];
  generatorWeights: WeightData[];
  /** The whole discriminator's weights (trunk included). */
  discriminatorWeights: WeightData[];
}

/** The job's models, built from its seeds (untrained). */
function buildPlayers(job: GanJob) {
  const generator = buildGenerator(job.generator);
  const trunk = buildEncoder(job.trunk);
  const discriminator = buildDiscriminator(trunk, job.discriminator);
  return { generator, trunk, discriminator };
}

/** Runs one job on this thread. */
export async function runGanJob(
  job: GanJob,
  progress?: ProgressDisplay | boolean,
): Promise<GanJobOutcome> {
  const {
    label,
    generator: _g,
    trunk: _t,
    discriminator: _d,
    real,
    samples: sampling,
    ...options
  } = job;
  const players = buildPlayers(job);
  const noiseDim = players.generator.inputs[0].shape[1] as number;
  const noise = sampling ? noiseBatch(sampling.count, noiseDim, createRng(sampling.seed)) : null;
  const samples: GanSamples[] = [];
  try {
    const history = await trainGan(players.generator, players.discriminator, real, {
      ...options,
      label,
      progress,
      onCheckpoint: async (step) => {
        if (noise) samples.push({ step, images: await generateImages(players.generator, noise) });
      },
    });
    return {
      history,
      samples,
      generatorWeights: await weightsOf(players.generator),
      discriminatorWeights: await weightsOf(players.discriminator),
    };
  } finally {
    noise?.dispose();
    players.discriminator.dispose(); // the trunk's weights go with it
    players.generator.dispose();
  }
}

/** The trained players of a job, rebuilt from its outcome (`trunk` is the discriminator's). */
export function ganModelsOf(
  job: GanJob,
  outcome: GanJobOutcome,
): { generator: tf.LayersModel; trunk: tf.LayersModel; discriminator: tf.LayersModel } {
  const players = buildPlayers(job);
  setWeightsFrom(players.generator, outcome.generatorWeights);
  setWeightsFrom(players.discriminator, outcome.discriminatorWeights);
  return players;
}

/**
 * Runs `job` in a module Worker (its own tfjs on this thread's backend), so this thread stays
 * free; progress shows in a display of its own. A failure rejects with its error, naming the job.
 */
export async function runGanJobInWorker(job: GanJob): Promise<GanJobOutcome> {
  const runner = { module: import.meta.url, exportName: "runGanJob" };
  return (await runJobsInWorker<GanJob, GanJobOutcome>(runner, [job], "GAN"))[0];
}
