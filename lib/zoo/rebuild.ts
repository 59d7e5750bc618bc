/**
 * Checkpoints whose manifest is committed but whose weights are not, and how to get the weights
 * back. The repository keeps its zoo within a 60 MB budget (`tests/zoo_size_test.ts`): past it,
 * some checkpoints of the extra pretext seeds keep their manifest (what was trained, how, its
 * pretext loss and the weights' SHA-256) but not their weights file — see `.gitignore` for which.
 * A zoo run is deterministic given its seed, so {@link rebuildWeights} trains the run again from
 * its start as far as the latest such checkpoint, in a scratch directory, and moves each rebuilt
 * weights file into place only when its SHA-256 equals the one its manifest recorded.
 *
 * @example
 * ```ts
 * import { checkZoo } from "./pretrain.ts";
 * import { weightsAbsent } from "./rebuild.ts";
 * const dir = await Deno.makeTempDir();
 * console.log(weightsAbsent(await checkZoo(dir))); // [] (nothing stored, nothing absent)
 * ```
 * @module
 */
import { type ManifestBase, readCheckpoint, readManifest } from "./checkpoint.ts";
import {
  pretrain,
  type PretrainOptions,
  runDir,
  type ZooEntry,
  type ZooManifest,
} from "./pretrain.ts";
import { publishFiles } from "../_write.ts";
import type { StoredRun } from "./stored.ts";

/**
 * `zoo` (from `storedZoo`) split into the checkpoints whose weights file is in `dir` — `runs`,
 * the ones a notebook can read — and those stored as their manifest only (`absent`, by run), with
 * `note`: a sentence naming the absent ones and the command that rebuilds them (empty when none).
 */
export async function withWeights(
  dir: string,
  zoo: readonly StoredRun[],
): Promise<{ runs: StoredRun[]; absent: StoredRun[]; note: string }> {
  const runs: StoredRun[] = [], absent: StoredRun[] = [];
  for (const run of zoo) {
    const has = await Promise.all(
      run.epochs.map((e) =>
        Deno.stat(`${runDir(dir, run.method, run.seed)}/epoch-${e}.bin`).then(
          () => true,
          () => false,
        )
      ),
    );
    runs.push({ ...run, epochs: run.epochs.filter((_, i) => has[i]) });
    const missing = run.epochs.filter((_, i) => !has[i]);
    if (missing.length) absent.push({ ...run, epochs: missing });
  }
  const note = absent.length
    ? `Not read here: ${
      absent.map((r) => `${r.title} seed ${r.seed} epoch ${r.epochs.join(", ")}`).join("; ")
    } — stored as manifests only (the repository leaves these weights out to stay within its ` +
      `size budget). \`deno task pretrain --rebuild\` trains them again and keeps each only if ` +
      `its SHA-256 matches its manifest; then run this notebook again.`
    : "";
  return { runs: runs.filter((r) => r.epochs.length), absent, note };
}

/** The checkpoints of a zoo check whose manifest is there without its weights, by run. */
export function weightsAbsent(
  entries: readonly ZooEntry[],
): { method: string; seed: number; epochs: number[] }[] {
  const runs = new Map<string, { method: string; seed: number; epochs: number[] }>();
  for (const e of entries.filter((e) => e.weightsAbsent)) {
    const key = `${e.method}/${e.seed}`;
    const run = runs.get(key) ?? { method: e.method, seed: e.seed, epochs: [] };
    run.epochs.push(e.epochs);
    runs.set(key, run);
  }
  return [...runs.values()];
}

/** Options of {@link rebuildWeights}. */
export interface RebuildOptions extends Pick<PretrainOptions, "signal" | "progress"> {
  /** Only this method's checkpoints (default: every method's). */
  method?: string;
  /** Only this pretext seed's (default: every seed's). */
  seed?: number;
  /** One line per run and per file (default console.log). */
  log?: (line: string) => void;
}

/**
 * Rebuilds the weights of every checkpoint in `entries` (a {@link checkZoo} of `dir`) whose
 * manifest has no weights file: per run, a fresh {@link pretrain} with the manifest's seed,
 * schedule and images, into a scratch directory, to the latest such epoch; each rebuilt file is
 * published beside its manifest only when its SHA-256 matches it, then verified as a reader would.
 * Returns the paths written (without extension). Throws, naming the checkpoint, when a run cannot
 * be rebuilt from its start (it went on from a checkpoint with Adam reset before that epoch) or
 * when a rebuilt file differs from its manifest (the scratch directory is then kept for a look).
 */
export async function rebuildWeights(
  dir: string,
  entries: readonly ZooEntry[],
  opts: RebuildOptions = {},
): Promise<string[]> {
  const log = opts.log ?? console.log;
  const written: string[] = [];
  const runs = weightsAbsent(entries).filter((r) =>
    (opts.method === undefined || r.method === opts.method) &&
    (opts.seed === undefined || r.seed === opts.seed)
  );
  for (const run of runs) {
    const where = runDir(dir, run.method, run.seed);
    const manifests = new Map<number, ZooManifest & ManifestBase>();
    for (const e of run.epochs) {
      const m = await readManifest<ZooManifest>(`${where}/epoch-${e}`);
      const restart = (m.restarts ?? []).find((r) => r < e);
      if (restart !== undefined) {
        throw new Error(
          `${where}/epoch-${e}.json: that run went on from its epoch-${restart} checkpoint with ` +
            `Adam's moments reset, so a run from its start cannot reproduce epoch ${e}; its weights ` +
            `can only come from the machine that trained it.`,
        );
      }
      manifests.set(e, m);
    }
    const last = Math.max(...run.epochs);
    const ref = manifests.get(last)!;
    const scratch = await Deno.makeTempDir({ prefix: `zoo-rebuild-${run.method}-${run.seed}-` });
    log(
      `rebuilding ${where}/epoch-${run.epochs.join(", epoch-")}.bin: ${run.method} seed ` +
        `${run.seed} from its start to epoch ${last} in ${scratch}`,
    );
    const outcome = await pretrain({
      method: run.method,
      seed: run.seed,
      epochs: last,
      dir: scratch,
      scheduleEpochs: ref.scheduleEpochs,
      images: ref.config.images,
      signal: opts.signal,
      progress: opts.progress,
      log,
    });
    if (outcome.status !== "done") {
      throw new Error(
        `the rebuild of ${where} was interrupted at epoch ${outcome.epochs}; run it again (it ` +
          `starts over).`,
      );
    }
    const rebuilt = runDir(scratch, run.method, run.seed);
    for (const e of run.epochs) {
      const want = manifests.get(e)!.weights.sha256;
      const got = (await readManifest<ZooManifest>(`${rebuilt}/epoch-${e}`)).weights.sha256;
      if (got !== want) {
        throw new Error(
          `the rebuilt ${where}/epoch-${e}.bin differs from its manifest (SHA-256 ${
            got.slice(0, 12)
          }… against ${want.slice(0, 12)}…): this machine does not reproduce that run (another ` +
            `backend, kernel library or SUITE_THREADS sums floats in another order; the zoo ran ` +
            `with SUITE_THREADS=1 on the native backend). Nothing was written; the rebuilt run ` +
            `is in ${scratch}.`,
        );
      }
      await publishFiles([[
        `${where}/epoch-${e}.bin`,
        await Deno.readFile(`${rebuilt}/epoch-${e}.bin`),
      ]]);
      await readCheckpoint(`${where}/epoch-${e}`, {
        fields: { method: run.method, seed: run.seed, epochs: e },
      });
      written.push(`${where}/epoch-${e}`);
      log(`ok  ${where}/epoch-${e}.bin (SHA-256 ${want.slice(0, 12)}…, as its manifest says)`);
    }
    await Deno.remove(scratch, { recursive: true });
  }
  return written;
}
