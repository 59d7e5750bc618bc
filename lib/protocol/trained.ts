/**
 * Networks trained on the labelled subset as protocol methods: supervised from scratch or
 * fine-tuned from a pretrained encoder, run on the protocol's worker pool.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { EncoderArchitecture } from "../models/dense_stack.ts";
import type { Family, LabelBudget } from "../results/mod.ts";
import {
  trainAndScore,
  type TrainSchedule,
  type TrainTask,
  type WeightData,
  weightsOf,
} from "./train_and_score.ts";
import { imagesOf } from "./sources.ts";
import type { LabeledSet, Method, ProtocolData } from "./types.ts";
import type { ImageSet } from "../data/mod.ts";
import type { TrainableSet } from "../train/sources.ts";

/** The module and export the pool's workers run a {@link TrainTask} with. */
export const TRAIN_JOB = {
  module: new URL("./train_and_score.ts", import.meta.url).href,
  exportName: "trainAndScore",
} as const;

/** Options of {@link trainedMethod}. */
export interface TrainedMethodOptions {
  /** Start from a copy of this (pretrained) encoder — fine-tuning; omitted: from scratch. */
  encoder?: tf.LayersModel;
  /** The network's architecture (default: the reference encoder), e.g. a dense stack's. */
  architecture?: EncoderArchitecture;
  numClasses?: number;
  schedule: TrainSchedule;
  /** Budgets it runs at (default: all of the protocol's). */
  budgets?: LabelBudget[];
  /**
   * Train on this thread instead of the protocol's workers. Sets that are not images and say no
   * `worker` (see `TrainableSet`) always train on this thread; clip sets (`clipSet`) say one.
   */
  inline?: boolean;
}

/**
 * A network trained on the labeled subset and scored on the test set: the reference encoder (or
 * `architecture`) — fresh, seeded by the cell's seed (supervised), or a copy of `encoder`
 * (fine-tune) — plus a linear head. Runs on the protocol's worker pool when it has one.
 */
export function trainedMethod<T extends ImageSet | (TrainableSet & LabeledSet) = ImageSet>(
  name: string,
  family: Family,
  opts: TrainedMethodOptions,
): Method<T> {
  let weights: Promise<WeightData[] | null> | undefined;
  const startWeights = () =>
    weights ??= opts.encoder ? weightsOf(opts.encoder) : Promise.resolve(null);
  return {
    name,
    family,
    deterministic: false,
    ...(opts.inline ? { inline: true } : {}),
    modules: [import.meta.url],
    ...(opts.budgets ? { budgets: opts.budgets } : {}),
    async fingerprint(cell) {
      return {
        kind: "trained",
        architecture: opts.architecture ?? "reference encoder",
        encoderWeights: await startWeights(),
        numClasses: opts.numClasses ?? cell.numClasses,
        schedule: opts.schedule,
        ...("labeledSource" in cell.data.train
          ? { train: cell.data.train.identity(), test: (cell.data.test as TrainableSet).identity() }
          : imagesOf(cell.data as ProtocolData)),
      };
    },
    async evaluate(cell) {
      const task: TrainTask = {
        label: `${name} · ${cell.labelsPerClass}/class · seed ${cell.seed}`,
        seed: cell.seed,
        subset: cell.subset,
        encoderWeights: await startWeights(),
        architecture: opts.architecture,
        numClasses: opts.numClasses ?? cell.numClasses,
        schedule: opts.schedule,
      };
      // workers hold the images; other sets (clips) go to them when they say how
      const train = cell.data.train;
      const job = "labeledSource" in train ? train.worker?.job : TRAIN_JOB;
      const outcome = cell.pool && job
        ? await cell.pool.run(job, task, (text) => cell.progress.update(text))
        : await trainAndScore(task, cell.data, cell.progress);
      return { scores: { accuracy: outcome.accuracy }, selected: { ...outcome.selected } };
    },
  };
}
