/**
 * The two video pretext runs of lib/pretext/video.ts — frame order and masked-frame restoration —
 * as plain data in and out, so one trains on this thread while the other trains in a module
 * Worker on the second core (12_video). {@link trainVideoPretext} builds and trains one here;
 * {@link runVideoPretextJob} is what the worker runs; {@link videoPretextModelOf} rebuilds the
 * trained network from the weights it sends back.
 *
 * @example
 * ```ts ignore
 * const restoring = runVideoPretextJobsInWorker([{ label: "masked frame", task: "masked frame", … }]);
 * const order = await trainVideoPretext({ label: "frame order", task: "frame order", … });
 * const [outcome] = await restoring;
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { MovingFashion } from "../data/moving_fashion.ts";
import { buildAutoencoder } from "../models/decoder.ts";
import { runJobsInWorker } from "../parallel/jobs.ts";
import { setWeightsFrom, type WeightData, weightsOf } from "../protocol/train_and_score.ts";
import type { ProgressDisplay } from "../show/mod.ts";
import { fit, type LogPoint } from "../train/fit.ts";
import { maskedMseLoss } from "./inpainting.ts";
import {
  buildOrderModel,
  buildVideoEncoder,
  frameOrderSource,
  maskedFrameSource,
} from "./video.ts";

/** One video pretext run as plain data. */
export interface VideoPretextJob {
  /** Shown in progress and errors. */
  label: string;
  task: "frame order" | "masked frame";
  /** The unlabeled clips it trains on (every one). */
  clips: MovingFashion;
  /** The clip encoder: `buildVideoEncoder({ seed, frames: clips.frames, size: clips.size, name })`. */
  encoder: { seed: number; name: string };
  /** The head's seed (order MLP or decoder) and, for frame order, its hidden width (default 128). */
  head: { seed: number; hidden?: number };
  /** Masked frame: the value (0..1) of the hidden frame's pixels in the input. */
  fill?: number;
  /** Adam with optional cosine decay, by epochs over the clips. */
  fit: { epochs: number; batchSize: number; seed: number; learningRate: number; cosine: boolean };
}

/** A trained video pretext network: the whole model (encoder + head) and its encoder. */
export interface VideoPretextModel {
  model: tf.LayersModel;
  encoder: tf.LayersModel;
}

/** What {@link runVideoPretextJob} sends back. */
export interface VideoPretextOutcome {
  /** The running loss (and accuracy, for frame order) every 10 steps. */
  curve: LogPoint[];
  /** The whole model's weights: {@link videoPretextModelOf} rebuilds it. */
  weights: WeightData[];
}

/** The job's network, untrained (built from its seeds). */
function buildVideoPretextModel(job: VideoPretextJob): VideoPretextModel {
  const encoder = buildVideoEncoder({
    seed: job.encoder.seed,
    frames: job.clips.frames,
    size: job.clips.size,
    name: job.encoder.name,
  });
  if (job.task === "frame order") {
    return {
      encoder,
      model: buildOrderModel(encoder, { seed: job.head.seed, hidden: job.head.hidden }),
    };
  }
  if (job.task === "masked frame") {
    if (job.fill === undefined) {
      throw new Error(
        `video pretext job "${job.label}": a masked-frame job needs fill (0..1, e.g. the mean ` +
          "pixel of the training images).",
      );
    }
    const { model } = buildAutoencoder(encoder, {
      seed: job.head.seed,
      name: `${job.encoder.name}_ae`,
    });
    return { encoder, model };
  }
  throw new Error(
    `video pretext job "${job.label}": unknown task "${
      (job as { task: string }).task
    }"; use "frame order" or "masked frame".`,
  );
}

/** Builds the job's network and trains it here; `onLog` sees the running loss every 10 steps. */
export async function trainVideoPretext(
  job: VideoPretextJob,
  opts: { progress?: ProgressDisplay | boolean; onLog?: (p: LogPoint) => void } = {},
): Promise<VideoPretextModel> {
  const built = buildVideoPretextModel(job);
  const every = Int32Array.from({ length: job.clips.n }, (_, i) => i);
  const source = job.task === "frame order"
    ? frameOrderSource(job.clips, every)
    : maskedFrameSource(job.clips, every, { fill: job.fill! });
  await fit(built.model, source, {
    ...job.fit,
    ...(job.task === "masked frame" ? { loss: maskedMseLoss() } : {}),
    label: job.label,
    progress: opts.progress,
    onLog: opts.onLog,
  });
  return built;
}

/** Trains one job on this thread and returns its curve and weights (what a worker runs). */
export async function runVideoPretextJob(
  job: VideoPretextJob,
  progress?: ProgressDisplay | boolean,
): Promise<VideoPretextOutcome> {
  const curve: LogPoint[] = [];
  const { model } = await trainVideoPretext(job, { progress, onLog: (p) => curve.push(p) });
  const weights = await weightsOf(model);
  model.dispose();
  return { curve, weights };
}

/** The trained network of a job, rebuilt from its outcome. */
export function videoPretextModelOf(
  job: VideoPretextJob,
  outcome: VideoPretextOutcome,
): VideoPretextModel {
  const built = buildVideoPretextModel(job);
  setWeightsFrom(built.model, outcome.weights);
  return built;
}

/**
 * Runs `jobs` one after another in a module Worker (its own tfjs on this thread's backend), so
 * this thread stays free; resolves with their outcomes in order.
 */
export function runVideoPretextJobsInWorker(
  jobs: VideoPretextJob[],
): Promise<VideoPretextOutcome[]> {
  return runJobsInWorker<VideoPretextJob, VideoPretextOutcome>(
    { module: import.meta.url, exportName: "runVideoPretextJob" },
    jobs,
    "video pretext",
  );
}
