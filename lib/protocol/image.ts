/**
 * The image protocol, in one place: the seeds, label budgets, data sizes, read-outs and the
 * label side's training that every Fashion-MNIST notebook shares (and the text notebooks' share
 * of it, {@link textProtocol}). A notebook's config is
 * `applyOverrides({ ...imageProtocol(mode), <its pretext keys> })`, so the shared baselines are
 * the same computation in every notebook (and reused from the run cache) unless a notebook
 * overrides a protocol key on purpose.
 *
 * Data: the 60,000 training images are split once into a fixed validation split
 * (`validationImages`, drawn with {@link VALIDATION_SEED}; for ablations and pretext diagnostics,
 * never a reported score) and the pool the labelled subsets and the unlabelled pretext images come
 * from. Every reported score uses the test set (all 10,000 images in standard and full mode).
 *
 * @example
 * ```ts
 * import { imageProtocol, trainSchedule } from "./image.ts";
 * const config = imageProtocol("smoke");
 * const schedule = trainSchedule(config, "scratch"); // early stopping on a held-out fifth
 * ```
 * @module
 */
import { byMode, type SuiteMode, suiteMode } from "../config/mode.ts";
import {
  type FashionMnist,
  type ImageSet,
  loadFashionMnist,
  sampleIndices,
  selectImages,
} from "../data/mod.ts";
import type { LabelBudget } from "../results/schema.ts";
import type { ProtocolOptions } from "./protocol.ts";
import type { TrainSchedule } from "./train_and_score.ts";

/** The seed of the fixed validation split carved from the training images. */
export const VALIDATION_SEED = 20261201;

/** The keys every image notebook's config starts from (see {@link imageProtocol}). */
export interface ImageProtocol {
  /** Seeds of the labelled subsets and of the networks trained on them. */
  seeds: number[];
  /** Labels per class ("all": the whole pool). */
  budgets: LabelBudget[];
  /** Training images read (the validation split is carved from them). */
  trainImages: number;
  /** The fixed validation split: ablations and pretext diagnostics only. */
  validationImages: number;
  /** Test images every method is scored on. */
  testImages: number;
  /** PCA components of the unsupervised baseline (as scikit-learn's PCA-64 reference). */
  pcaComponents: number;
  /** The label side's training: batch, from-scratch learning rate, fine-tune candidates. */
  supervisedBatch: number;
  supervisedLearningRate: number;
  fineTuneLearningRates: number[];
  /** Early stopping: epochs at most, patience, and a cap on images seen per learning rate. */
  supervisedMaxEpochs: number;
  supervisedPatience: number;
  supervisedMaxImages: number;
  /** The budgets fine-tuning runs at (the cost grows with the budget). */
  fineTuneBudgets: LabelBudget[];
  /**
   * The seed of a notebook's pretext side: the encoder's (and every head's) initial weights, the
   * pretext training's data order and draws — and of the untrained-encoder control, which starts
   * from the same weights. Vary it (`SUITE_OVERRIDES='{"pretextSeed": 1}'`) to see how much another
   * pretraining run differs; the zoo's pretext seeds (`deno task pretrain --seed S`) are the same.
   */
  pretextSeed: number;
  /**
   * Seeds of a notebook's fixed data draws: the pool images its live pretext run trains on
   * (`pretextImages`), the validation images its pretext diagnostics are scored on (`heldOut`),
   * and the masks or views those diagnostics draw (`diagnostics`).
   */
  drawSeeds: { pretextImages: number; heldOut: number; diagnostics: number };
}

/** The shared protocol for `mode` (default: `$SUITE_MODE`). */
export function imageProtocol(mode: SuiteMode = suiteMode()): ImageProtocol {
  const all: LabelBudget[] = [10, 100, 1000, "all"];
  return {
    seeds: byMode(
      { smoke: [0], standard: [0, 1, 2, 3, 4], full: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
      mode,
    ),
    budgets: byMode<LabelBudget[]>({ smoke: [10, "all"], standard: all, full: all }, mode),
    trainImages: byMode({ smoke: 500, standard: 60000, full: 60000 }, mode),
    validationImages: byMode({ smoke: 100, standard: 5000, full: 5000 }, mode),
    testImages: byMode({ smoke: 300, standard: 10000, full: 10000 }, mode),
    pcaComponents: 64,
    supervisedBatch: 64,
    supervisedLearningRate: 2e-3,
    fineTuneLearningRates: [2e-3, 5e-4],
    supervisedMaxEpochs: byMode({ smoke: 2, standard: 100, full: 200 }, mode),
    supervisedPatience: byMode({ smoke: 1, standard: 10, full: 20 }, mode),
    supervisedMaxImages: byMode({ smoke: 1000, standard: 200000, full: 3000000 }, mode),
    fineTuneBudgets: byMode<LabelBudget[]>({ smoke: [10], standard: [10, 100], full: all }, mode),
    pretextSeed: 0,
    drawSeeds: { pretextImages: 1234, heldOut: 99, diagnostics: 5 },
  };
}

/** The keys of the label side's training, shared by the image and text protocols. */
export type LabelSideKeys = Pick<
  ImageProtocol,
  | "supervisedBatch"
  | "supervisedLearningRate"
  | "fineTuneLearningRates"
  | "supervisedMaxEpochs"
  | "supervisedPatience"
  | "supervisedMaxImages"
>;

/**
 * How the label side trains: "scratch" (supervised from scratch: one learning rate) or
 * "fine-tune" (a pretrained encoder: its learning rate chosen among `fineTuneLearningRates` on
 * the held-out part of the subset). Both use the same early stopping and, for images, the same
 * light augmentation (`augment: false` for text, which has none).
 */
export function trainSchedule(
  config: LabelSideKeys,
  kind: "scratch" | "fine-tune",
  opts: { augment?: boolean } = {},
): TrainSchedule {
  return {
    batchSize: config.supervisedBatch,
    maxEpochs: config.supervisedMaxEpochs,
    patience: config.supervisedPatience,
    maxImages: config.supervisedMaxImages,
    learningRates: kind === "scratch"
      ? [config.supervisedLearningRate]
      : config.fineTuneLearningRates,
    augment: opts.augment ?? true,
  };
}

/** The keys every text notebook's config starts from (see {@link textProtocol}). */
export type TextProtocol = Pick<ImageProtocol, "seeds" | "budgets"> & LabelSideKeys;

/**
 * The text protocol: the image protocol's seeds and label budgets, and the embedding bag's
 * label side — trained like the image networks (by epochs, early stopping on a held-out fifth of
 * the labels, the fine-tune learning rate chosen there; no augmentation: pass
 * `trainSchedule(config, kind, { augment: false })`), with a cap of `supervisedMaxImages`
 * documents per learning rate (the wasm backend's embedding bag takes ≈ 10 ms a step of 32).
 */
export function textProtocol(mode: SuiteMode = suiteMode()): TextProtocol {
  const { seeds, budgets } = imageProtocol(mode);
  return {
    seeds,
    budgets,
    supervisedBatch: 32,
    supervisedLearningRate: 5e-3,
    fineTuneLearningRates: [5e-3, 1e-3],
    supervisedMaxEpochs: byMode({ smoke: 2, standard: 30, full: 100 }, mode),
    supervisedPatience: byMode({ smoke: 1, standard: 5, full: 10 }, mode),
    supervisedMaxImages: byMode({ smoke: 200, standard: 16000, full: 200000 }, mode),
  };
}

/** The protocol options of {@link runProtocol}: budgets, seeds, and the run cache on. */
export function protocolOptions(
  config: ImageProtocol,
): Pick<ProtocolOptions, "budgets" | "seeds" | "cache"> {
  return { budgets: config.budgets, seeds: config.seeds, cache: true };
}

/** Fashion-MNIST split for the protocol: the pool, the validation split and the test set. */
export interface ProtocolImages extends FashionMnist {
  /** The pool: training images minus the validation split (labelled subsets, pretext images). */
  train: ImageSet;
  /** The fixed validation split (ablations, pretext diagnostics; never a reported score). */
  validation: ImageSet;
  test: ImageSet;
}

/**
 * Loads Fashion-MNIST at the config's sizes and carves the fixed validation split from the
 * training images. Throws, naming the keys, when the split would leave no pool.
 */
export async function loadProtocolImages(
  config: Pick<ImageProtocol, "trainImages" | "validationImages" | "testImages">,
): Promise<ProtocolImages> {
  if (!(config.validationImages >= 0 && config.validationImages < config.trainImages)) {
    throw new Error(
      `validationImages (${config.validationImages}) must be at least 0 and below trainImages ` +
        `(${config.trainImages}): the validation split is carved from the training images.`,
    );
  }
  const fm = await loadFashionMnist({
    limitTrain: config.trainImages,
    limitTest: config.testImages,
  });
  const held = sampleIndices(fm.train.n, Math.min(config.validationImages, fm.train.n - 1), {
    seed: VALIDATION_SEED,
  });
  const isHeld = new Uint8Array(fm.train.n);
  for (const i of held) isHeld[i] = 1;
  const pool = Int32Array.from({ length: fm.train.n }, (_, i) => i).filter((i) => !isHeld[i]);
  return {
    ...fm,
    train: selectImages(fm.train, pool),
    validation: selectImages(fm.train, held),
  };
}
