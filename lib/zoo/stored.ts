/**
 * The stored zoo as the notebooks read it: which checkpoints exist, their names in tables, and
 * the latest one of a method with the reason when there is none (so a notebook can say why it
 * falls back to its live run).
 *
 * @example
 * ```ts
 * import { storedName } from "./stored.ts";
 * console.log(storedName("SimCLR", 30)); // SimCLR, 30 epochs (stored)
 * ```
 * @module
 */
import type { SuiteMode } from "../config/mode.ts";
import type { ProtocolData } from "../protocol/types.ts";
import {
  knnMethod,
  type KnnMethodOptions,
  type Method,
  modelSource,
  probeMethod,
  trainedMethod,
  type TrainedMethodOptions,
} from "../protocol/protocol.ts";
import { describeAgainstOther } from "../results/compare.ts";
import { describeAgainstFamilies } from "../results/describe.ts";
import type { ResultRow } from "../results/schema.ts";
import { recipeOf, RECIPES } from "./recipes.ts";
import { loadStoredEncoder, type StoredEncoder, storedEpochs, zooDir } from "./pretrain.ts";

/** The checkpoints stored for one method and seed. */
export interface StoredRun {
  method: string;
  title: string;
  seed: number;
  /** Epochs with a checkpoint, ascending. */
  epochs: number[];
}

/** The name of a stored checkpoint in tables: "SimCLR, 30 epochs (stored)" (", pretext seed 1"). */
export function storedName(title: string, epochs: number, seed = 0): string {
  return `${title}, ${epochs} epoch${epochs === 1 ? "" : "s"} (stored${
    seed ? `, pretext seed ${seed}` : ""
  })`;
}

/** Every method and seed with at least one checkpoint in `dir` (default the zoo), recipe order. */
export async function storedZoo(
  dir = zooDir(),
  opts: { methods?: string[]; seeds?: number[] } = {},
): Promise<StoredRun[]> {
  const out: StoredRun[] = [];
  for (const method of opts.methods ?? Object.keys(RECIPES)) {
    const recipe = recipeOf(method);
    for (const seed of opts.seeds ?? [0, 1, 2]) {
      const epochs = await storedEpochs(dir, method, seed);
      if (epochs.length) out.push({ method, title: recipe.title, seed, epochs });
    }
  }
  return out;
}

/**
 * The latest stored checkpoint of `method` and `seed` (at most `maxEpochs`), verified and loaded;
 * or, when there is none or it fails verification, `missing`: a sentence saying which and why.
 */
export async function latestStored(
  method: string,
  opts: { seed?: number; dir?: string; maxEpochs?: number } = {},
): Promise<StoredEncoder | { missing: string }> {
  const dir = opts.dir ?? zooDir(), seed = opts.seed ?? 0;
  const epochs = (await storedEpochs(dir, method, seed))
    .filter((e) => e <= (opts.maxEpochs ?? Infinity));
  if (!epochs.length) {
    return {
      missing: `no stored ${method} checkpoint for seed ${seed} in ${dir} (train one with ` +
        `\`deno task pretrain ${method} --seed ${seed}\`)`,
    };
  }
  try {
    return await loadStoredEncoder(dir, method, seed, epochs.at(-1)!);
  } catch (e) {
    return { missing: (e as Error).message };
  }
}

/** Options of {@link storedReadouts}. */
export interface StoredReadoutOptions {
  /** Standard mode reads the zoo; smoke reads it too (a quick check); full mode retrains instead. */
  mode: SuiteMode;
  /** kNN's options (`{}`: k and T chosen by cross-validation). */
  knn: KnnMethodOptions;
  /** Fine-tuning's schedule and budgets; omitted: no fine-tuned row. */
  fineTune?: Pick<TrainedMethodOptions, "schedule" | "budgets">;
  seed?: number;
  dir?: string;
  maxEpochs?: number;
}

/** What {@link storedReadouts} gives a notebook. */
export interface StoredReadouts {
  /** The stored checkpoint's read-outs (none when it falls back to the live run). */
  methods: Method[];
  /**
   * Each stored read-out paired with the same read-out of the notebook's live run (named
   * "<title> + linear probe", …), for `describeAgainstOther(rows, { rows }, versusLive)`.
   */
  versusLive: { method: string; otherMethod: string }[];
  /** Which checkpoint is read (path, epochs, images, SHA-256), or why none is. */
  note: string;
  stored: StoredEncoder | null;
}

/**
 * The read-outs of `method`'s latest stored checkpoint, named "SimCLR, 30 epochs (stored) +
 * linear probe" (and "+ kNN", "+ fine-tune"), for a notebook to evaluate next to its live run —
 * with `note`, a sentence for the notebook: which checkpoint (path, epochs, images seen, SHA-256),
 * or why there is none and the notebook falls back to its live run (no stored checkpoint, one that
 * fails verification, or full mode, which retrains at full length instead).
 */
export async function storedReadouts(
  data: ProtocolData,
  method: string,
  opts: StoredReadoutOptions,
): Promise<StoredReadouts> {
  const recipe = recipeOf(method);
  if (opts.mode === "full") {
    return {
      methods: [],
      versusLive: [],
      stored: null,
      note: `Full mode retrains ${recipe.title} at full length here, so no stored checkpoint ` +
        `is read.`,
    };
  }
  const found = await latestStored(method, opts);
  if ("missing" in found) {
    return {
      methods: [],
      versusLive: [],
      stored: null,
      note: `No stored ${recipe.title} checkpoint is read — ${found.missing} — so the ` +
        `comparison uses the live run only.`,
    };
  }
  const m = found.manifest;
  const name = storedName(recipe.title, m.epochs, m.seed);
  const features = modelSource(data, found.encoder);
  const readouts = [
    [" + linear probe", probeMethod(`${name} + linear probe`, "self-supervised", features)],
    [" + kNN", knnMethod(`${name} + kNN`, "self-supervised", features, opts.knn)],
    ...(opts.fineTune
      ? [
        [
          " + fine-tune",
          trainedMethod(`${name} + fine-tune`, "self-supervised", {
            encoder: found.encoder,
            // a network other than the reference CNN (the layer-wise stack) is rebuilt as such
            ...(recipe.architecture ? { architecture: recipe.architecture } : {}),
            ...opts.fineTune,
          }),
        ] as const,
      ]
      : []),
  ] as const;
  return {
    stored: found,
    methods: readouts.map(([, readout]) => readout),
    versusLive: readouts.map(([suffix, readout]) => ({
      method: readout.name,
      otherMethod: `${recipe.title}${suffix}`,
    })),
    note:
      `${name}: epoch ${m.epochs} of a ${m.scheduleEpochs}-epoch run, ${
        m.imagesSeen.toLocaleString("en-US")
      } unlabeled images seen in ${(m.wallSeconds / 3600).toFixed(1)} h of training ` +
      `(\`${found.path.replace(/^.*\/(checkpoints\/)/, "$1")}\`, SHA-256 ${
        m.weights.sha256.slice(0, 12)
      }…, verified).`,
  };
}

/**
 * A notebook's conclusion lines for its stored checkpoint: each stored read-out against the best
 * row of every family, then against the same read-out of the live run (paired over seeds; "beats"
 * only when the 95 % interval excludes zero) — or, when no checkpoint was read, the note saying
 * why.
 */
export function describeStored(rows: ResultRow[], stored: StoredReadouts): string[] {
  if (!stored.methods.length) return [stored.note];
  return [
    "The stored checkpoint's read-outs against every family, then against the live run's:",
    "",
    ...stored.methods.flatMap((m) => describeAgainstFamilies(rows, m.name)),
    ...describeAgainstOther(rows, { rows }, stored.versusLive),
  ];
}
