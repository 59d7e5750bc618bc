/**
 * Long, resumable pretraining runs for the zoo: one {@link Recipe} trained for many epochs over
 * the unlabeled pool, with stored checkpoints.
 *
 * - **Data.** The pool of the image protocol: the 60,000 training images minus the fixed
 *   validation split (whose images stay unseen, so the notebooks' held-out pretext diagnostics
 *   stay held out); labels are never read. Test images are never loaded.
 * - **Schedule.** Adam with cosine decay over `scheduleEpochs` (the zoo's length for the method,
 *   {@link ZOO_SCHEDULE}); `epochs` is how far this call goes. A checkpoint at epoch 10 is a
 *   snapshot of the same long run, so training on later never changes it. Two recipes differ
 *   (lib/zoo/recipes_special.ts): the DCGAN trains its two players at a constant rate through the
 *   recipe's own epoch (`trainEpoch`, its generator and optimizers in the state), and the greedy
 *   layer-wise stack trains one greedy run per checkpoint epoch (see {@link pretrainGreedy}).
 * - **Files** (under `<dir>/<method>/seed-<S>/`): `epoch-<E>.bin/.json` at the epochs of
 *   {@link ZOO_CHECKPOINT_EPOCHS} and at the last epoch (the model's weights, the manifest with
 *   the pretext loss per epoch); `state.bin/.json` after every epoch and on interruption (model,
 *   Adam's moments and the position in the data order).
 * - **Resume.** Every epoch's data order and random draws come from `(seed, epoch)`; Adam's
 *   moments and step count are stored. Resuming — from an epoch's end, or mid-epoch after an
 *   interruption (the epoch's first steps are replayed without training) — gives the same
 *   weights as an uninterrupted run.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { env } from "../config/env.ts";
import { imageProtocol, loadProtocolImages } from "../protocol/image.ts";
import { moduleFingerprint } from "../protocol/run_cache.ts";
import { setWeightsFrom, weightsOf } from "../protocol/train_and_score.ts";
import type { ImageSet } from "../data/mod.ts";
import { type EpochRecord, fit, FitInterrupted } from "../train/fit.ts";
import {
  type ManifestBase,
  type NamedValues,
  readCheckpoint,
  readManifest,
  writeCheckpoint,
} from "./checkpoint.ts";
import { type RecipeConfig, recipeOf, RECIPES } from "./recipes.ts";
import type { Recipe } from "./recipes.ts";
import { trainGreedy } from "../pretext/layerwise.ts";

/** The epochs at which a run keeps a checkpoint (besides its last). */
export const ZOO_CHECKPOINT_EPOCHS: readonly number[] = [1, 3, 10, 30, 100];

/** The length of each method's zoo run, in epochs over the pool (the cosine schedule's span). */
export const ZOO_SCHEDULE: Readonly<Record<string, number>> = {
  rotation: 100,
  simclr: 100,
  vicreg: 100,
  mae: 100,
  jigsaw: 30,
  counting: 30,
  inpainting: 30,
  layerwise: 30, // epochs per stage (each checkpoint is a greedy run of its own)
  dcgan: 30,
};

/** The seeds each method's zoo run is wanted for. */
export const ZOO_SEEDS: Readonly<Record<string, readonly number[]>> = {
  rotation: [0, 1, 2],
  simclr: [0, 1, 2],
  vicreg: [0, 1, 2],
  mae: [0, 1, 2],
  jigsaw: [0],
  counting: [0],
  inpainting: [0],
  layerwise: [0],
  dcgan: [0],
};

/** The zoo's directory: `$SUITE_CHECKPOINTS`, else `checkpoints/` of this repository. */
export function zooDir(): string {
  return env("SUITE_CHECKPOINTS") ??
    new URL("../../checkpoints", import.meta.url).pathname;
}

/** One job of the zoo's matrix: a method, a seed, and the epochs to train to. */
export interface ZooJob {
  job: number;
  method: string;
  seed: number;
  epochs: number;
}

/**
 * The zoo as a matrix of independent jobs (method × seed, each to its schedule's end), numbered
 * from 0 in a fixed order (each method's first seed, then the second seeds, …): what `deno task pretrain --list` prints and `--job N` (or a scheduler's
 * array index) runs.
 */
export function zooJobs(): ZooJob[] {
  const jobs: ZooJob[] = [];
  const most = Math.max(...Object.values(ZOO_SEEDS).map((s) => s.length));
  for (let k = 0; k < most; k++) { // every method's first seed first: the curves fill in early
    for (const [method, seeds] of Object.entries(ZOO_SEEDS)) {
      if (k < seeds.length) {
        jobs.push({ job: jobs.length, method, seed: seeds[k], epochs: ZOO_SCHEDULE[method] });
      }
    }
  }
  return jobs;
}

/** What a zoo manifest records (checkpoints and states alike). */
export interface ZooManifest {
  kind: "checkpoint" | "state";
  method: string;
  title: string;
  seed: number;
  /** Epochs completed. */
  epochs: number;
  /** State only: steps of the next epoch already trained (an interrupted epoch), else 0. */
  stepInEpoch: number;
  scheduleEpochs: number;
  stepsPerEpoch: number;
  /** Images the pretext task has consumed (each image once per step it was in). */
  imagesSeen: number;
  /** Training time over every session of the run. */
  wallSeconds: number;
  /** The recipe's hyperparameters and the data: what must match to resume. */
  config: RecipeConfig & { images: number; dataSeed: string };
  /** The recipe's code fingerprint (the modules it reaches) when the file was written. */
  code: string;
  /** The pretext loss (and accuracy where it has one) of every epoch. */
  history: EpochRecord[];
  /** State only: Adam's running β powers (restored exactly on resume). */
  adam?: { accBeta1: number; accBeta2: number };
  /**
   * The epochs at which the run went on from an epoch checkpoint because its state was gone (a
   * fresh checkout: states are not committed). The weights came back exactly; Adam's moments
   * restarted from zero, so from there on the run is not bit-identical to an uninterrupted one.
   */
  restarts?: number[];
}

/** Options of {@link pretrain}. */
export interface PretrainOptions {
  method: string;
  seed: number;
  /** Train until this many epochs are done (at most the schedule's). */
  epochs: number;
  /** The zoo's root directory. */
  dir: string;
  /** Continue from the stored state; without it an existing run is an error. */
  resume?: boolean;
  /** The schedule's span (default {@link ZOO_SCHEDULE}). */
  scheduleEpochs?: number;
  /** Train on the first `images` images of the pool only (tests, smoke runs). Default: all. */
  images?: number;
  /** Stops after the current step, saving the state (e.g. on SIGINT). */
  signal?: AbortSignal;
  /** One line per epoch and per file written (default: console.log). */
  log?: (line: string) => void;
  /** fit's live progress line (default true). */
  progress?: boolean;
}

/** How a {@link pretrain} call ended. */
export interface PretrainOutcome {
  status: "done" | "interrupted";
  epochs: number;
  stepInEpoch: number;
  /** The checkpoints written by this call (paths without extension). */
  written: string[];
}

/** `<dir>/<method>/seed-<seed>`: where one run's files live. */
export function runDir(dir: string, method: string, seed: number): string {
  return `${dir.replace(/\/$/, "")}/${method}/seed-${seed}`;
}

/** A stable name for a model weight: tfjs appends `_1`, `_2`… to names already used. */
const stableName = (name: string) => name.replace(/_\d+$/, "");

/** The model's weights as named values (`model/<i>/<name>`), in `getWeights` order. */
export async function modelValues(model: tf.LayersModel): Promise<NamedValues[]> {
  const layout = modelLayout(model);
  return (await weightsOf(model)).map((w, i) => ({ ...layout[i], data: w.data }));
}

/** The names and shapes {@link modelValues} would give for `model` (what a checkpoint must hold). */
export function modelLayout(model: tf.LayersModel): { name: string; shape: number[] }[] {
  return model.weights.map((w, i) => ({
    name: `model/${i}/${stableName(w.name)}`,
    shape: w.shape as number[],
  }));
}

/** The pool the zoo trains on (labels never read), limited to its first `images` if given. */
export async function zooImages(images?: number): Promise<ImageSet> {
  const { train } = await loadProtocolImages(imageProtocol("standard"));
  if (images === undefined || images >= train.n) return train;
  if (!(Number.isInteger(images) && images >= 2)) {
    throw new Error(
      `images must be a whole number ≥ 2 (or omitted: the whole pool), got ${images}.`,
    );
  }
  const pixels = train.height * train.width;
  return {
    ...train,
    n: images,
    images: train.images.subarray(0, images * pixels),
    labels: train.labels.subarray(0, images),
  };
}

/** The data order and random draws of epoch `epoch` of seed `seed`'s run. */
const epochSeed = (seed: number, epoch: number) => seed * 1_000_003 + epoch * 7_919;

const RECIPE_MODULES = [new URL("./recipes.ts", import.meta.url)];

function describeDifference(a: unknown, b: unknown): string | null {
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (JSON.stringify(x[key]) !== JSON.stringify(y[key])) {
      return `${key}: stored ${JSON.stringify(x[key])}, now ${JSON.stringify(y[key])}`;
    }
  }
  return null;
}

/**
 * When `method`/`seed` of the zoo at `dir` holds epoch checkpoints but no state (a fresh checkout: states are not committed),
 * writes a state from the last checkpoint so that `--resume` goes on from it: the whole model
 * (pretext heads included) exactly, no optimizer values (Adam's moments restart from zero), and
 * that epoch added to the manifest's `restarts`. Returns the checkpoint it used, or null (a state
 * exists, or there is no checkpoint). The checkpoint is verified first (size, SHA-256, method,
 * seed).
 */
export async function stateFromCheckpoint(
  dir: string,
  method: string,
  seed: number,
): Promise<string | null> {
  if (recipeOf(method).training === "greedy") return null; // a greedy run keeps no state
  const where = runDir(dir, method, seed);
  if (await Deno.stat(`${where}/state.json`).then(() => true, () => false)) return null;
  const epochs = await storedEpochs(dir, method, seed);
  if (!epochs.length) return null;
  const from = `${where}/epoch-${epochs.at(-1)}`;
  const { manifest, tensors } = await readCheckpoint<ZooManifest>(from, {
    fields: { kind: "checkpoint", method, seed },
  });
  const { format: _f, weights: _w, tensors: _t, createdAt: _c, ...fields } = manifest;
  await writeCheckpoint(`${where}/state`, {
    ...fields,
    kind: "state",
    stepInEpoch: 0,
    restarts: [...manifest.restarts ?? [], manifest.epochs],
  }, tensors);
  return from;
}

/**
 * Trains `method` for `seed` until `epochs` epochs are done (see the module's notes), writing
 * checkpoints and the state; returns how it ended. Throws, before training, when the options are
 * invalid, when a run exists and `resume` is not set, or when the stored state was made with
 * another configuration (naming the key that differs).
 */
export async function pretrain(opts: PretrainOptions): Promise<PretrainOutcome> {
  const log = opts.log ?? console.log;
  const recipe = recipeOf(opts.method);
  const scheduleEpochs = opts.scheduleEpochs ?? ZOO_SCHEDULE[recipe.method];
  for (const [key, v] of [["epochs", opts.epochs], ["scheduleEpochs", scheduleEpochs]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new Error(`pretrain(${recipe.method}): ${key} must be a whole number ≥ 1, got ${v}.`);
    }
  }
  if (opts.epochs > scheduleEpochs) {
    throw new Error(
      `pretrain(${recipe.method}): epochs ${opts.epochs} is beyond the schedule's ` +
        `${scheduleEpochs} (the cosine decay ends there); ask for at most ${scheduleEpochs}.`,
    );
  }
  if (!Number.isInteger(opts.seed) || opts.seed < 0) {
    throw new Error(
      `pretrain(${recipe.method}): seed must be a whole number ≥ 0, got ${opts.seed}.`,
    );
  }
  const where = runDir(opts.dir, recipe.method, opts.seed);
  const statePath = `${where}/state`;
  const restartedFrom = opts.resume
    ? await stateFromCheckpoint(opts.dir, recipe.method, opts.seed)
    : null;
  if (restartedFrom) {
    log(
      `no state in ${where}: going on from ${restartedFrom} (weights exact; Adam's moments ` +
        `restart from zero, so the epochs after it differ from an uninterrupted run's)`,
    );
  }
  const hasState = await Deno.stat(`${statePath}.json`).then(() => true, () => false);
  if (hasState && !opts.resume) {
    throw new Error(
      `${where} already holds a run: pass --resume to continue it, or remove the directory ` +
        `to start again.`,
    );
  }
  if (!opts.resume && (await storedEpochs(opts.dir, recipe.method, opts.seed)).length) {
    throw new Error(
      `${where} already holds checkpoints: pass --resume to go on from the last one, or remove ` +
        `the directory to start again.`,
    );
  }
  const set = await zooImages(opts.images);
  const indices = Int32Array.from({ length: set.n }, (_, i) => i);
  const config = { ...recipe.config, images: set.n, dataSeed: "protocol pool (VALIDATION_SEED)" };
  const code = await moduleFingerprint(RECIPE_MODULES);
  if (recipe.training === "greedy") {
    return await pretrainGreedy(recipe, { ...opts, scheduleEpochs, log }, set, config, code);
  }
  const built = recipe.build(opts.seed);
  const { model } = built;
  const source = recipe.source(set, indices);
  const batchSize = recipe.config.batchSize;
  const stepsPerEpoch = Math.ceil(source.size / batchSize);
  const optimizer = tf.train.adam(recipe.config.learningRate, 0.9);
  const adam = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  let done = 0, stepInEpoch = 0, wallSeconds = 0;
  let history: EpochRecord[] = [];
  let restarts: number[] | undefined;
  if (hasState) {
    const state = await readCheckpoint<ZooManifest>(statePath, {
      fields: { method: recipe.method, seed: opts.seed, kind: "state" },
    });
    const m = state.manifest;
    const differs = describeDifference(m.config, config) ??
      (m.scheduleEpochs !== scheduleEpochs
        ? `scheduleEpochs: stored ${m.scheduleEpochs}, now ${scheduleEpochs}`
        : null);
    if (differs) {
      throw new Error(
        `${statePath}.json was trained with another configuration (${differs}); resume with the ` +
          `same settings, or remove ${where} to start again.`,
      );
    }
    if (m.code !== code) {
      log(`note: the recipe's code changed since ${statePath}.json was written; continuing.`);
    }
    const layout = modelLayout(model);
    const modelPart = state.tensors.filter((t) => t.name.startsWith("model/"));
    const optimizerPart = state.tensors.filter((t) => t.name.startsWith("optimizer/"));
    if (
      describeDifference(
        modelPart.map((t) => [t.name, t.shape]),
        layout.map((t) => [
          t.name,
          t.shape,
        ]),
      )
    ) {
      throw new Error(
        `${statePath}.bin does not fit the ${recipe.method} model (a different architecture): ` +
          `remove ${where} to start again.`,
      );
    }
    setWeightsFrom(model, modelPart);
    await built.restoreState?.(state.tensors); // another player, its optimizers
    if (optimizerPart.length) {
      await optimizer.setWeights(optimizerPart.map((t) => ({
        name: t.name.slice("optimizer/".length),
        tensor: tf.tensor(t.data, t.shape),
      })));
      adam.accBeta1.assign(tf.scalar(m.adam!.accBeta1));
      adam.accBeta2.assign(tf.scalar(m.adam!.accBeta2));
    }
    done = m.epochs, stepInEpoch = m.stepInEpoch, wallSeconds = m.wallSeconds;
    history = m.history;
    restarts = m.restarts;
    log(`resuming ${where} at epoch ${done}${stepInEpoch ? ` + ${stepInEpoch} steps` : ""}`);
  }
  const fields = (kind: ZooManifest["kind"], epochs: number, step: number): ZooManifest => ({
    kind,
    method: recipe.method,
    title: recipe.title,
    seed: opts.seed,
    epochs,
    stepInEpoch: step,
    scheduleEpochs,
    stepsPerEpoch,
    imagesSeen: (epochs * stepsPerEpoch + step) * batchSize,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    config,
    code,
    history,
    ...restarts ? { restarts } : {},
  });
  const saveState = async (epochs: number, step: number) => {
    const weights = await optimizer.getWeights();
    const values: NamedValues[] = [
      ...await modelValues(model),
      ...(await built.stateValues?.() ?? []),
      ...await Promise.all(weights.map(async (w) => ({
        name: `optimizer/${w.name}`,
        shape: w.tensor.shape,
        data: Float32Array.from(await w.tensor.data()),
      }))),
    ];
    const beta = {
      accBeta1: (await adam.accBeta1.data())[0],
      accBeta2: (await adam.accBeta2.data())[0],
    };
    await writeCheckpoint(statePath, { ...fields("state", epochs, step), adam: beta }, values);
  };
  const written: string[] = [];
  const totalSteps = scheduleEpochs * stepsPerEpoch;
  const peak = recipe.config.learningRate;
  try {
    for (let epoch = done + 1; epoch <= opts.epochs; epoch++) {
      const skip = epoch === done + 1 ? stepInEpoch : 0;
      const started = performance.now();
      let record: EpochRecord;
      try {
        if (built.trainEpoch) {
          record = await built.trainEpoch({
            set,
            epoch,
            seed: epochSeed(opts.seed, epoch),
            steps: stepsPerEpoch,
            skipSteps: skip,
            signal: opts.signal,
            label: `${recipe.title} seed ${opts.seed} · epoch ${epoch}/${opts.epochs}`,
            progress: opts.progress ?? true,
          });
        } else {
          [record] = await fit(model, source, {
            epochs: 1,
            batchSize,
            stepsPerEpoch,
            seed: epochSeed(opts.seed, epoch),
            optimizer,
            learningRateAt: (s) =>
              peak * 0.5 * (1 + Math.cos(Math.PI * ((epoch - 1) * stepsPerEpoch + s) / totalSteps)),
            skipSteps: skip,
            loss: built.loss,
            label: `${recipe.title} seed ${opts.seed} · epoch ${epoch}/${opts.epochs}`,
            progress: opts.progress ?? true,
            signal: opts.signal,
          });
        }
      } catch (e) {
        if (!(e instanceof FitInterrupted)) throw e;
        wallSeconds += (performance.now() - started) / 1000;
        await saveState(epoch - 1, e.step);
        log(
          `interrupted: ${statePath} holds epoch ${
            epoch - 1
          } + ${e.step} steps; --resume continues`,
        );
        return { status: "interrupted", epochs: epoch - 1, stepInEpoch: e.step, written };
      }
      const seconds = (performance.now() - started) / 1000;
      wallSeconds += seconds;
      history = [...history, { ...record, epoch }];
      if (ZOO_CHECKPOINT_EPOCHS.includes(epoch) || epoch === opts.epochs) {
        const base = `${where}/epoch-${epoch}`;
        await writeCheckpoint(base, fields("checkpoint", epoch, 0), await modelValues(model));
        written.push(base);
      }
      await saveState(epoch, 0);
      const left = (opts.epochs - epoch) * (wallSeconds / (history.length || 1));
      const acc = record.accuracy === undefined
        ? ""
        : ` · accuracy ${(record.accuracy * 100).toFixed(1)} %`;
      log(
        `${recipe.title} seed ${opts.seed}: epoch ${epoch}/${opts.epochs} · loss ${
          record.loss.toFixed(4)
        }${acc} · ${record.examplesPerSecond.toFixed(0)} ex/s · ${seconds.toFixed(0)} s · ETA ${
          (left / 60).toFixed(0)
        } min`,
      );
    }
  } finally {
    optimizer.dispose();
  }
  return { status: "done", epochs: opts.epochs, stepInEpoch: 0, written };
}

/**
 * A greedy recipe's run ({@link Recipe.training} "greedy"): for each checkpoint epoch E up to
 * `opts.epochs` (and `opts.epochs` itself) not stored yet, a greedy run of E epochs per stage from
 * the seed's weights, written as `epoch-<E>` (its history: every stage's epochs, numbered on
 * across the stages). No state is kept: an interrupted call loses the greedy run in progress, and
 * `--resume` trains that one again from its start — the same seed, so the same result.
 */
async function pretrainGreedy(
  recipe: Recipe,
  opts: PretrainOptions & { scheduleEpochs: number; log: (line: string) => void },
  set: ImageSet,
  config: ZooManifest["config"],
  code: string,
): Promise<PretrainOutcome> {
  const where = runDir(opts.dir, recipe.method, opts.seed);
  const stored = await storedEpochs(opts.dir, recipe.method, opts.seed);
  const targets = [
    ...new Set([...ZOO_CHECKPOINT_EPOCHS.filter((e) => e < opts.epochs), opts.epochs]),
  ];
  const { batchSize, learningRate } = recipe.config;
  const stepsPerEpoch = Math.ceil(set.n / batchSize);
  const written: string[] = [];
  for (const epochs of targets) {
    if (stored.includes(epochs)) continue;
    const { model } = recipe.build(opts.seed);
    const started = performance.now();
    try {
      const { stages } = await trainGreedy(model, set, {
        epochs,
        batchSize,
        seed: opts.seed,
        learningRate,
        label: `${recipe.title} seed ${opts.seed} · ${epochs} epoch(s) per stage`,
        progress: opts.progress ?? true,
        signal: opts.signal,
      });
      const wallSeconds = (performance.now() - started) / 1000;
      const history = stages.flatMap((records, k) =>
        records.map((r) => ({ ...r, epoch: k * epochs + r.epoch }))
      );
      const base = `${where}/epoch-${epochs}`;
      const manifest: ZooManifest = {
        kind: "checkpoint",
        method: recipe.method,
        title: recipe.title,
        seed: opts.seed,
        epochs,
        stepInEpoch: 0,
        scheduleEpochs: opts.scheduleEpochs,
        stepsPerEpoch,
        imagesSeen: stages.length * epochs * stepsPerEpoch * batchSize,
        wallSeconds: Math.round(wallSeconds * 10) / 10,
        config,
        code,
        history,
      };
      await writeCheckpoint(base, manifest, await modelValues(model));
      written.push(base);
      opts.log(
        `${recipe.title} seed ${opts.seed}: ${epochs} epoch(s) per stage, ${stages.length} ` +
          `stages · last stage's loss ${history.at(-1)!.loss.toFixed(4)} · ${
            wallSeconds.toFixed(0)
          } s`,
      );
    } catch (e) {
      if (!(e instanceof FitInterrupted)) throw e;
      opts.log(
        `interrupted: the greedy run to epoch ${epochs} is lost (a greedy run keeps no state); ` +
          `--resume trains it again`,
      );
      const kept = (await storedEpochs(opts.dir, recipe.method, opts.seed)).at(-1) ?? 0;
      return { status: "interrupted", epochs: kept, stepInEpoch: 0, written };
    } finally {
      model.dispose();
    }
  }
  return { status: "done", epochs: opts.epochs, stepInEpoch: 0, written };
}

/** A stored zoo checkpoint, verified, as the 28×28 encoder the protocol reads. */
export interface StoredEncoder {
  encoder: tf.LayersModel;
  manifest: ZooManifest & ManifestBase;
  /** The checkpoint's path without extension. */
  path: string;
}

/**
 * Loads `epoch-<epochs>` of `method`/`seed` from the zoo at `dir`: verifies the weights' size,
 * SHA-256 and architecture (see `readCheckpoint`), builds the recipe's graph, loads the weights
 * and returns its downstream encoder. Throws an Error naming the file and what is wrong.
 */
export async function loadStoredEncoder(
  dir: string,
  method: string,
  seed: number,
  epochs: number,
): Promise<StoredEncoder> {
  const recipe = recipeOf(method);
  const path = `${runDir(dir, method, seed)}/epoch-${epochs}`;
  const built = recipe.build(seed);
  try {
    const { manifest, tensors } = await readCheckpoint<ZooManifest>(path, {
      tensors: modelLayout(built.model),
      fields: { kind: "checkpoint", method, seed, epochs },
    });
    setWeightsFrom(built.model, tensors);
    return { encoder: built.encoder(), manifest, path };
  } catch (e) {
    built.model.dispose();
    throw e;
  }
}

/** The epochs of the checkpoints stored for `method`/`seed` (ascending; none: empty). */
export async function storedEpochs(dir: string, method: string, seed: number): Promise<number[]> {
  const epochs: number[] = [];
  try {
    for await (const entry of Deno.readDir(runDir(dir, method, seed))) {
      const m = /^epoch-(\d+)\.json$/.exec(entry.name);
      if (m) epochs.push(Number(m[1]));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return epochs.sort((a, b) => a - b);
}

/** One stored checkpoint of a zoo directory, and whether it verifies. */
export interface ZooEntry {
  /** `<method>/seed-<S>/epoch-<E>`. */
  path: string;
  method: string;
  seed: number;
  epochs: number;
  /** null when the weights match the manifest (size and SHA-256), else what is wrong. */
  problem: string | null;
  /**
   * The manifest is there and its weights file is not (a checkpoint the repository keeps as its
   * manifest only, to stay within its size budget: lib/zoo/rebuild.ts rebuilds it). Not a problem.
   */
  weightsAbsent?: true;
}

/**
 * Every checkpoint under the zoo `dir` (states aside), each verified against its manifest's size
 * and SHA-256: the check after merging directories that several machines wrote into.
 */
export async function checkZoo(dir: string): Promise<ZooEntry[]> {
  const entries: ZooEntry[] = [];
  const root = dir.replace(/\/$/, "");
  for (const method of Object.keys(RECIPES).sort()) {
    let seeds: number[] = [];
    try {
      for await (const e of Deno.readDir(`${root}/${method}`)) {
        const m = /^seed-(\d+)$/.exec(e.name);
        if (m && e.isDirectory) seeds.push(Number(m[1]));
      }
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    seeds = seeds.sort((a, b) => a - b);
    for (const seed of seeds) {
      for (const epochs of await storedEpochs(root, method, seed)) {
        const path = `${method}/seed-${seed}/epoch-${epochs}`;
        if (!await Deno.stat(`${root}/${path}.bin`).then(() => true, () => false)) {
          entries.push({ path, method, seed, epochs, problem: null, weightsAbsent: true });
          continue;
        }
        let problem: string | null = null;
        try {
          await readCheckpoint(`${root}/${path}`, { fields: { method, seed, epochs } });
        } catch (e) {
          problem = (e as Error).message;
        }
        entries.push({ path, method, seed, epochs, problem });
      }
    }
  }
  return entries;
}

export { readManifest };
