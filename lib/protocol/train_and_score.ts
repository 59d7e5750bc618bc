/**
 * One supervised or fine-tuning run of the protocol, as plain data in and out, so it runs the
 * same inline or inside a worker (lib/parallel): build the classifier, train it on the labelled
 * subset with early stopping on a held-out part of that subset, score it on the test set.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { WeightData } from "../_read.ts";
import type { ImageSet } from "../data/mod.ts";
import { buildClassifier } from "../models/mod.ts";
import { buildArchitecture, type EncoderArchitecture } from "../models/dense_stack.ts";
import type { ProgressDisplay } from "../show/mod.ts";
import { type EpochRecord, fit } from "../train/fit.ts";
import { asTrainable, type TrainableSet } from "../train/sources.ts";
import { accuracy } from "../eval/linear_probe.ts";
import { heldOutSplit } from "../eval/selection.ts";

/**
 * How a network is trained on a labelled subset: by epochs until the held-out part of the subset
 * stops improving (early stopping), not by a step cap. The held-out part (a stratified
 * `validationFraction` of the subset: labels inside the budget) picks the epoch whose weights are
 * kept and, when several `learningRates` are given, the learning rate.
 */
export interface TrainSchedule {
  batchSize: number;
  /** Passes over the training part at most. */
  maxEpochs: number;
  /** Stop after this many epochs without a better validation accuracy. */
  patience: number;
  /** Images seen at most per learning rate (a time budget; null: none). Runs it stops are marked. */
  maxImages: number | null;
  /** Candidate learning rates (Adam, constant), the first preferred on ties. */
  learningRates: number[];
  /** The held-out fraction of the subset (default 0.2; at least one per class). */
  validationFraction?: number;
  /** The light augmentation of {@link augmentLabeled} (random shift ≤ 2 px, flip). */
  augment: boolean;
}

/** The epochs one learning rate may train for: maxEpochs, fewer when maxImages binds. */
export function epochCap(trainImages: number, schedule: TrainSchedule): number {
  const byImages = schedule.maxImages === null
    ? Infinity
    : Math.floor(schedule.maxImages / Math.max(1, trainImages));
  return Math.max(1, Math.min(schedule.maxEpochs, byImages));
}

/** Throws, naming the field, when a schedule cannot be run. */
export function checkSchedule(schedule: TrainSchedule, where = "TrainSchedule"): void {
  const positive = (name: string, v: number) => {
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new Error(`${where}: ${name} must be a positive integer, got ${v}.`);
    }
  };
  positive("batchSize", schedule.batchSize);
  positive("maxEpochs", schedule.maxEpochs);
  positive("patience", schedule.patience);
  if (schedule.maxImages !== null) positive("maxImages", schedule.maxImages);
  if (!schedule.learningRates?.length || !schedule.learningRates.every((r) => r > 0)) {
    throw new Error(
      `${where}: learningRates must list positive rates, e.g. [2e-3], got ` +
        `${JSON.stringify(schedule.learningRates)}.`,
    );
  }
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

/** What was chosen on the held-out part of the subset, and why training stopped. */
export interface TrainSelection {
  learningRate: number;
  /** The epoch whose weights were kept (best validation accuracy). */
  epoch: number;
  /** Epochs run with the chosen rate. */
  epochsRun: number;
  /** "patience": early stopping; "maxEpochs" / "maxImages": the cap bound. */
  stoppedBy: "patience" | "maxEpochs" | "maxImages";
  validationAccuracy: number;
  /** Examples trained on and held out. */
  trainImages: number;
  validationImages: number;
}

/** What a run returns. */
export interface TrainOutcome {
  accuracy: number;
  selected: TrainSelection;
  history: EpochRecord[];
}

/**
 * Runs one task on the current tfjs backend; disposes everything it made. The subset is split
 * into a training part and a held-out part; for each candidate learning rate a fresh copy of the
 * network trains by epochs, keeping the weights of its best held-out epoch, until `patience`
 * epochs pass without improvement or a cap binds; the rate with the best held-out accuracy is
 * scored on the test set.
 */
export async function trainAndScore(
  task: TrainTask,
  data: { train: ImageSet | TrainableSet; test: ImageSet | TrainableSet },
  progress: ProgressDisplay | false,
): Promise<TrainOutcome> {
  const { model, selected, history } = await trainClassifier(task, data.train, progress);
  const test = asTrainable(data.test);
  try {
    return {
      accuracy: accuracy(await test.predict(model), test.labels),
      selected,
      history,
    };
  } finally {
    model.dispose();
  }
}

/**
 * The training of {@link trainAndScore} without the scoring: the network with the best held-out
 * accuracy over the candidate learning rates, kept (the caller disposes it), with what was chosen.
 * For uses of the trained classifier beyond test accuracy (e.g. ranking images by a class's
 * probability).
 */
export function trainClassifier(
  task: TrainTask,
  trainSet: ImageSet | TrainableSet,
  progress: ProgressDisplay | false,
): Promise<{ model: tf.LayersModel; selected: TrainSelection; history: EpochRecord[] }> {
  return trainEarlyStopped(
    () => {
      const encoder = buildArchitecture(task.architecture, task.seed);
      if (task.encoderWeights) setWeightsFrom(encoder, task.encoderWeights);
      return buildClassifier(encoder, { seed: task.seed, numClasses: task.numClasses });
    },
    asTrainable(trainSet),
    task,
    progress,
  );
}

/**
 * The label side's one training loop, for any classifier `build` makes (a fresh copy per
 * learning rate) on any {@link TrainableSet}: the subset is split into a training part and a
 * stratified held-out part; for each candidate learning rate the network trains by epochs (Adam,
 * constant rate), keeping the weights of its best held-out epoch, until `patience` epochs pass
 * without improvement or a cap binds; the rate with the best held-out accuracy wins. Returns that
 * network (the caller disposes it) with what was chosen.
 */
export async function trainEarlyStopped(
  build: () => tf.LayersModel,
  train: TrainableSet,
  task: Pick<TrainTask, "label" | "seed" | "subset" | "schedule">,
  progress: ProgressDisplay | false,
): Promise<{ model: tf.LayersModel; selected: TrainSelection; history: EpochRecord[] }> {
  checkSchedule(task.schedule, `trainAndScore(${task.label})`);
  const { schedule } = task;
  const subsetLabels = Array.from(task.subset, (i) => train.labels[i]);
  const split = heldOutSplit(subsetLabels, {
    seed: task.seed,
    fraction: schedule.validationFraction ?? 0.2,
  });
  const trainIdx = Int32Array.from(split.train, (p) => task.subset[p]);
  const validIdx = Int32Array.from(split.validation, (p) => task.subset[p]);
  const validLabels = Array.from(validIdx, (i) => train.labels[i]);
  const cap = epochCap(trainIdx.length, schedule);
  let chosen: { model: tf.LayersModel; selected: TrainSelection; history: EpochRecord[] } | null =
    null;
  try {
    for (const learningRate of schedule.learningRates) {
      const model = build();
      let best = { accuracy: -1, epoch: 0, weights: [] as tf.Tensor[] };
      let epochsRun = 0;
      try {
        const history = await fit(model, train.labeledSource(trainIdx, schedule), {
          epochs: cap,
          batchSize: schedule.batchSize,
          learningRate,
          seed: task.seed,
          label: schedule.learningRates.length > 1
            ? `${task.label} · lr ${learningRate}`
            : task.label,
          progress,
          onEpochEnd: async ({ epoch }) => {
            epochsRun = epoch;
            const right = accuracy(
              await train.predict(model, validIdx),
              validLabels,
            );
            if (right > best.accuracy) {
              tf.dispose(best.weights);
              best = { accuracy: right, epoch, weights: model.getWeights().map((w) => w.clone()) };
            }
            return epoch - best.epoch >= schedule.patience ? "stop" : undefined;
          },
        });
        model.setWeights(best.weights);
        const stoppedBy = epochsRun < cap
          ? "patience"
          : cap < schedule.maxEpochs
          ? "maxImages"
          : "maxEpochs";
        const selected: TrainSelection = {
          learningRate,
          epoch: best.epoch,
          epochsRun,
          stoppedBy,
          validationAccuracy: best.accuracy,
          trainImages: trainIdx.length,
          validationImages: validIdx.length,
        };
        if (!chosen || best.accuracy > chosen.selected.validationAccuracy) {
          chosen?.model.dispose();
          chosen = { model, selected, history };
        } else model.dispose();
      } catch (e) {
        model.dispose();
        throw e;
      } finally {
        tf.dispose(best.weights);
      }
    }
    return chosen!;
  } catch (e) {
    (chosen as { model: tf.LayersModel } | null)?.model.dispose();
    throw e;
  }
}
