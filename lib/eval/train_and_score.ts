/**
 * One supervised or fine-tuning run of the protocol, as plain data in and out, so it runs the
 * same inline or inside a worker (lib/parallel): build the classifier, train it on the labeled
 * subset, score it on the test set.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { WeightData } from "../_read.ts";
import type { ImageSet } from "../data/mod.ts";
import { buildClassifier } from "../models/mod.ts";
import { buildArchitecture, type EncoderArchitecture } from "../models/dense_stack.ts";
import type { ProgressDisplay } from "../show/mod.ts";
import { type EpochRecord, fit } from "../train/fit.ts";
import { labeledImageSource, predictClasses } from "../train/sources.ts";
import { accuracy } from "./linear_probe.ts";

/** How a network is trained on a labeled subset. */
export interface TrainSchedule {
  batchSize: number;
  /** Passes over the labeled subset… */
  epochs: number;
  /** …but never more than this many optimizer steps (large subsets). */
  maxSteps: number;
  learningRate: number;
}

/** Steps and epochs a schedule gives a subset of `n` examples. */
export function scheduleFor(n: number, schedule: TrainSchedule): { epochs: number; steps: number } {
  const stepsPerEpoch = Math.ceil(n / schedule.batchSize);
  const total = Math.min(schedule.maxSteps, stepsPerEpoch * schedule.epochs);
  const epochs = Math.max(1, Math.ceil(total / stepsPerEpoch));
  return { epochs, steps: Math.min(stepsPerEpoch, Math.ceil(total / epochs)) };
}

export { type WeightData, weightsOf } from "../_read.ts";

/** Loads weights copied out by {@link weightsOf} into a model of the same architecture. */
export function setWeightsFrom(model: tf.LayersModel, weights: WeightData[]): void {
  tf.tidy(() => model.setWeights(weights.map((w) => tf.tensor(w.data, w.shape))));
}

/** Everything one run needs besides the data. */
export interface TrainTask {
  label: string;
  seed: number;
  /** Indices into the train set of the labeled subset. */
  subset: Int32Array;
  /** Starting encoder weights (fine-tune), or null for a fresh encoder seeded by `seed`. */
  encoderWeights: WeightData[] | null;
  /** The encoder's architecture (default: the reference encoder). */
  architecture?: EncoderArchitecture;
  numClasses: number;
  schedule: TrainSchedule;
}

/** What a run returns. */
export interface TrainOutcome {
  accuracy: number;
  history: EpochRecord[];
}

/** Runs one task on the current tfjs backend; disposes everything it made. */
export async function trainAndScore(
  task: TrainTask,
  data: { train: ImageSet; test: ImageSet },
  progress: ProgressDisplay | false,
): Promise<TrainOutcome> {
  const encoder = buildArchitecture(task.architecture, task.seed);
  if (task.encoderWeights) setWeightsFrom(encoder, task.encoderWeights);
  const model = buildClassifier(encoder, { seed: task.seed, numClasses: task.numClasses });
  try {
    const { epochs, steps } = scheduleFor(task.subset.length, task.schedule);
    const history = await fit(model, labeledImageSource(data.train, task.subset), {
      epochs,
      stepsPerEpoch: steps,
      batchSize: task.schedule.batchSize,
      learningRate: task.schedule.learningRate,
      cosine: true,
      seed: task.seed,
      label: task.label,
      progress,
    });
    return {
      accuracy: accuracy(await predictClasses(model, data.test), data.test.labels),
      history,
    };
  } finally {
    model.dispose();
  }
}
