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
