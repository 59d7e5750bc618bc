/**
 * Twin-view pretraining ({@link pretrainTwins}) as plain data in and out, so the same run goes
 * here or in a module Worker on the second core — e.g. 06's ablation runs beside the main SimCLR
 * run, or 07's run without the variance term beside the main VICReg run. Same backend, same seeds,
 * same ops; a worker's kernels run on one thread, so on the native backend the last bits can
 * differ from a run here (lib/parallel/jobs.ts); on wasm the numbers are the same wherever it
 * runs (tested).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { buildEncoder } from "../models/encoder.ts";
import { setWeightsFrom, type WeightData, weightsOf } from "../protocol/train_and_score.ts";
import type { EpochRecord, LogPoint, LossFn } from "../train/fit.ts";
import type { ProgressDisplay } from "../show/mod.ts";
import { runJobsInWorker } from "../parallel/jobs.ts";
import {
  buildTwinModel,
  ntXentLoss,
  pretrainTwins,
  type PretrainTwinsOptions,
  type TwinMonitorPoint,
  vicregLoss,
  type VicregWeights,
} from "./twin_views.ts";

/** A joint-embedding loss as data: NT-Xent with its temperature, or VICReg with its weights. */
export type TwinLossSpec =
  | { kind: "nt-xent"; temperature: number }
  | ({ kind: "vicreg" } & VicregWeights);

/** The loss function of a {@link TwinLossSpec}. */
export function twinLoss(spec: TwinLossSpec): LossFn {
  if (spec.kind === "nt-xent") return ntXentLoss({ temperature: spec.temperature });
  if (spec.kind === "vicreg") {
    const { invariance, variance, covariance } = spec;
    return vicregLoss({ invariance, variance, covariance });
  }
  throw new Error(
    `twinLoss(): unknown loss kind "${
      (spec as { kind: string }).kind
    }"; use "nt-xent" or "vicreg".`,
  );
}

/** {@link PretrainTwinsOptions} as plain data: the loss as a {@link TwinLossSpec}. */
export interface TwinsJob extends Omit<PretrainTwinsOptions, "loss" | "onLog" | "progress"> {
  loss: TwinLossSpec;
}

/** What a {@link TwinsJob} gives back: everything {@link pretrainTwins} returns, as data. */
export interface TwinsJobOutcome {
  history: EpochRecord[];
  monitor: TwinMonitorPoint[];
  /** The running loss every 10 steps. */
  curve: LogPoint[];
  /** The twin model's weights (encoder + projection head): {@link twinModelOf} rebuilds it. */
  weights: WeightData[];
}

/** Runs one job on this thread. */
export async function runTwinsJob(
  job: TwinsJob,
  progress?: ProgressDisplay | boolean,
): Promise<TwinsJobOutcome> {
  const curve: LogPoint[] = [];
  const run = await pretrainTwins({
    ...job,
    loss: twinLoss(job.loss),
    onLog: (p) => curve.push(p),
    progress,
  });
  const weights = await weightsOf(run.model);
  run.model.dispose();
  return { history: run.history, monitor: run.monitor, curve, weights };
}

/** The trained twin model of a job, rebuilt from its outcome (the encoder is its first part). */
export function twinModelOf(job: TwinsJob, outcome: TwinsJobOutcome): tf.LayersModel {
  const encoder = buildEncoder({
    seed: job.encoderSeed,
    channels: job.channels,
    name: job.label.replace(/[^A-Za-z0-9_]/g, "_"),
  });
  const model = buildTwinModel(encoder, job.head);
  setWeightsFrom(model, outcome.weights);
  return model;
}

/**
 * Runs `jobs` one after another in a module Worker (its own tfjs on this thread's backend), so
 * this thread stays free; resolves with their outcomes in order. Progress shows in a display of
 * its own. A failing job rejects with its error, naming the job.
 */
export function runTwinsJobsInWorker(jobs: TwinsJob[]): Promise<TwinsJobOutcome[]> {
  return runJobsInWorker<TwinsJob, TwinsJobOutcome>(
    { module: import.meta.url, exportName: "runTwinsJob" },
    jobs,
    "twin-view",
  );
}
