/**
 * The zoo's command line: long, resumable pretraining runs with stored checkpoints (lib/zoo/).
 *
 *   deno task pretrain rotation --epochs 10 --seed 0   # train RotNet, seed 0, to epoch 10
 *   deno task pretrain rotation --epochs 30 --resume   # …and on to epoch 30, from the stored state
 *   deno task pretrain --list                          # the zoo's job matrix, as JSON
 *   deno task pretrain --check [--dir DIR]             # verify every stored checkpoint
 *   deno task pretrain --rebuild [METHOD] [--seed S]   # rebuild the weights a checkout left out
 *   deno task pretrain --job 4                         # run job 4 of that matrix (resuming)
 *   SLURM_ARRAY_TASK_ID=4 deno task pretrain           # the same, index from Slurm
 *   JOB_COMPLETION_INDEX=4 deno task pretrain          # …or from a Kubernetes Indexed Job
 *
 * Checkpoints go to `--dir`, else `$SUITE_CHECKPOINTS`, else `checkpoints/` (shared storage
 * works: every job writes only its own `<method>/seed-<S>/` directory, atomically). SIGINT or
 * SIGTERM stops after the current step and saves the state; `--resume` continues from it with
 * the same results as an uninterrupted run. Exit status: 0 done, 130 interrupted (143 on
 * SIGTERM), 2 a command-line error (with the usage), 1 any other error (one line, no stack).
 * @module
 */
import { env } from "../lib/config/env.ts";
import { initBackend } from "../lib/backend/mod.ts";
import { RECIPES } from "../lib/zoo/recipes.ts";
import { checkZoo, pretrain, ZOO_SCHEDULE, zooDir, zooJobs } from "../lib/zoo/pretrain.ts";
import { rebuildWeights } from "../lib/zoo/rebuild.ts";

export const USAGE = "usage: deno task pretrain METHOD [--epochs N] [--seed S] [--resume] " +
  "[--dir DIR] [--images N] [--schedule-epochs N] | --list | --job N | --check [--dir DIR] | --rebuild [METHOD] [--seed S] [--dir DIR]\n" +
  `methods: ${Object.keys(RECIPES).join(", ")}`;

/** What the command line asks for. */
export interface PretrainArgs {
  method?: string;
  epochs?: number;
  seed?: number;
  resume: boolean;
  dir?: string;
  images?: number;
  scheduleEpochs?: number;
  list: boolean;
  check: boolean;
  rebuild: boolean;
  job?: number;
}

/** Parses the command line; throws an Error ending with the usage on anything it cannot use. */
export function parsePretrainArgs(args: string[]): PretrainArgs {
  const out: PretrainArgs = { resume: false, list: false, check: false, rebuild: false };
  const whole = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || value === "" || !Number.isInteger(n) || n < min) {
      throw new Error(
        `${flag} needs a whole number ≥ ${min}, got ${value ?? "nothing"}.\n${USAGE}`,
      );
    }
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--epochs") out.epochs = whole(a, args[++i], 1);
    else if (a === "--seed") out.seed = whole(a, args[++i], 0);
    else if (a === "--images") out.images = whole(a, args[++i], 2);
    else if (a === "--schedule-epochs") out.scheduleEpochs = whole(a, args[++i], 1);
    else if (a === "--job") out.job = whole(a, args[++i], 0);
    else if (a === "--resume") out.resume = true;
    else if (a === "--list") out.list = true;
    else if (a === "--check") out.check = true;
    else if (a === "--rebuild") out.rebuild = true;
    else if (a === "--dir") {
      const d = args[++i];
      if (!d || d.startsWith("--")) throw new Error(`--dir needs a directory.\n${USAGE}`);
      out.dir = d;
    } else if (a.startsWith("-")) throw new Error(`unknown flag ${a}.\n${USAGE}`);
    else if (out.method) {
      throw new Error(`one method at a time (got ${out.method} and ${a}).\n${USAGE}`);
    } else if (!RECIPES[a]) {
      throw new Error(`unknown method "${a}".\n${USAGE}`);
    } else out.method = a;
  }
  if (out.method && out.job !== undefined) {
    throw new Error(`give a method or --job, not both.\n${USAGE}`);
  }
  return out;
}

/** The job index a scheduler set (Slurm array, Kubernetes Indexed Job), if any. */
export function schedulerIndex(): number | undefined {
  for (const name of ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] as const) {
    const value = env(name);
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`${name}="${value}" is not a job index (a whole number ≥ 0).`);
    }
    return n;
  }
  return undefined;
}

async function main(args: string[]): Promise<number> {
  let parsed: PretrainArgs;
  try {
    parsed = parsePretrainArgs(args);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const jobs = zooJobs();
  if (parsed.list) {
    console.log(JSON.stringify(jobs, null, 1));
    return 0;
  }
  if (parsed.check) {
    const dir = parsed.dir ?? zooDir();
    const entries = await checkZoo(dir);
    for (const e of entries) {
      const status = e.problem ? "BAD" : e.weightsAbsent ? "–  " : "ok ";
      const why = e.problem
        ? `: ${e.problem}`
        : e.weightsAbsent
        ? ": manifest only, its weights are not in this checkout (--rebuild rebuilds them)"
        : "";
      console.log(`${status} ${e.path}${why}`);
    }
    const bad = entries.filter((e) => e.problem).length;
    const absent = entries.filter((e) => e.weightsAbsent).length;
    console.log(
      `${entries.length} checkpoint(s) in ${dir}, ${bad} failing verification${
        absent ? `, ${absent} stored as manifest only` : ""
      }`,
    );
    return bad ? 1 : 0;
  }
  if (parsed.rebuild) {
    const dir = parsed.dir ?? zooDir();
    try {
      // the zoo's jobs run with one kernel thread each (bin/zoo): the same float sums
      if (env("SUITE_THREADS") === undefined) Deno.env.set("SUITE_THREADS", "1");
      const backend = await initBackend();
      const written = await rebuildWeights(dir, await checkZoo(dir), {
        method: parsed.method,
        seed: parsed.seed,
      });
      console.log(
        written.length
          ? `${written.length} weights file(s) rebuilt and verified on ${backend} with ` +
            `SUITE_THREADS=${env("SUITE_THREADS")}`
          : `every checkpoint${
            parsed.method ? ` of ${parsed.method}` : ""
          } in ${dir} has its weights: nothing to rebuild`,
      );
      return 0;
    } catch (e) {
      console.error(`pretrain --rebuild: ${(e as Error).message}`);
      return 1;
    }
  }
  const index = parsed.job ?? (parsed.method ? undefined : schedulerIndex());
  let method = parsed.method, seed = parsed.seed ?? 0, epochs = parsed.epochs;
  let resume = parsed.resume;
  if (index !== undefined) {
    const job = jobs[index];
    if (!job) {
      console.error(
        `job ${index} does not exist: the zoo has jobs 0..${jobs.length - 1} (--list).`,
      );
      return 2;
    }
    ({ method, seed } = job);
    epochs ??= job.epochs;
    resume = true; // a scheduler's retry continues where the last attempt stopped
  }
  if (!method) {
    console.error(`name a method, --job N, or --list.\n${USAGE}`);
    return 2;
  }
  epochs ??= parsed.scheduleEpochs ?? ZOO_SCHEDULE[method];
  const controller = new AbortController();
  let status = 130;
  const stop = (code: number) => () => {
    status = code;
    if (controller.signal.aborted) Deno.exit(code); // a second signal: stop now
    console.error(`\nstopping after this step (again to stop at once)…`);
    controller.abort();
  };
  const onInt = stop(130), onTerm = stop(143);
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  try {
    const backend = await initBackend();
    const dir = parsed.dir ?? zooDir();
    console.log(
      `pretrain ${method} · seed ${seed} · to epoch ${epochs} · ${backend} · checkpoints in ${dir}`,
    );
    const outcome = await pretrain({
      method,
      seed,
      epochs,
      dir,
      resume,
      images: parsed.images,
      scheduleEpochs: parsed.scheduleEpochs,
      signal: controller.signal,
    });
    return outcome.status === "done" ? 0 : status;
  } catch (e) {
    console.error(`pretrain: ${(e as Error).message}`);
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
