/**
 * Executes notebooks headlessly through the real Deno Jupyter kernel (nbclient), in place by
 * default, with the suite mode passed in.
 *
 *   deno task run notebooks/01_rotation.ipynb        # one notebook, SUITE_MODE or standard
 *   deno task suite                                   # every notebook in notebooks/
 *   deno task run --mode smoke --out /tmp/x NB.ipynb  # executed copy elsewhere; results in /tmp/x/results
 *
 * Exits non-zero when a cell fails, printing the notebook, the cell number and the error. An unknown
 * flag, or a flag without its value, is an error with the usage (exit 2).
 *
 * Cancelling: SIGINT (Ctrl-C) or SIGTERM to this process is forwarded to the executor, which kills
 * the kernel and writes nothing (no notebook, no `.failed.ipynb`; the kernel, killed mid-cell, writes
 * no results, charts or cache entries after); the runner then exits 130 / 143 without starting the
 * next notebook. If the runner itself is killed (SIGKILL), the executor notices that its parent is
 * gone and does the same, and the kernel dies with the executor (see tools/execute_notebook.py).
 * @module
 */
import { OVERVIEW_NOTEBOOKS } from "../lib/results/suite_map.ts";
import { MODES, suiteMode } from "../lib/config/mode.ts";
import { pruneRunCache } from "../lib/protocol/run_cache.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The command line's usage, printed with every command-line error. */
export const USAGE =
  "usage: deno task run [--mode smoke|standard|full] [--out DIR] NOTEBOOK.ipynb… | --all";

/** What the command line asks for. */
export interface RunnerArgs {
  mode?: string;
  outDir?: string;
  all: boolean;
  paths: string[];
}

/**
 * Parses the runner's command line. Throws an Error (its message ends with the usage) on an
 * unknown flag, a flag without its value, or no notebook.
 */
export function parseArgs(args: string[]): RunnerArgs {
  const parsed: RunnerArgs = { all: false, paths: [] };
  const valueOf = (flag: string, i: number): string => {
    const value = args[i + 1];
    if (value === undefined || value.startsWith("--") || value === "") {
      throw new Error(
        `${flag} needs a value (e.g. ${flag} ${
          flag === "--mode" ? "smoke" : "/tmp/nb"
        }).\n${USAGE}`,
      );
    }
    return value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--mode") parsed.mode = valueOf(arg, i++);
    else if (arg === "--out") parsed.outDir = valueOf(arg, i++);
    else if (arg === "--all") parsed.all = true;
    else if (arg.startsWith("-")) throw new Error(`unknown flag ${arg}.\n${USAGE}`);
    else parsed.paths.push(arg);
  }
  if (!parsed.paths.length && !parsed.all) throw new Error(`no notebook given.\n${USAGE}`);
  return parsed;
}

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  /** SUITE_MODE for the kernel (default: $SUITE_MODE or standard). */
  mode?: string;
  /** Write the executed copy into this directory instead of in place. */
  outDir?: string;
  /** Extra environment for the kernel (e.g. RESULTS_DIR). */
  env?: Record<string, string>;
  /** Per-cell timeout in seconds. */
  timeout?: number;
  /** Show the kernel's progress lines on this process's stderr as they come. */
  echo?: boolean;
  /** Called with the executor's process once it runs (the runner forwards signals to it). */
  onStart?: (executor: Deno.ChildProcess) => void;
}

/** Result of one execution. */
export interface ExecuteResult {
  notebook: string;
  output: string;
  ok: boolean;
  seconds: number;
  stderr: string;
}

function findPython(): string {
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    try {
      const { success } = new Deno.Command(candidate, {
        args: ["-c", "import nbclient, nbformat"],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      if (success) return candidate;
    } catch { /* not installed */ }
  }
  throw new Error(
    "No Python with the Jupyter client (nbclient, nbformat) was found. Run: bash bin/setup " +
      "(Debian: apt-get install jupyter-nbconvert python3-nbclient).",
  );
}

/** Executes one notebook; never throws for a failing cell (see `ok` and `stderr`). */
export async function executeNotebook(path: string, opts: ExecuteOptions = {}): Promise<
  ExecuteResult
> {
  const notebook = await Deno.realPath(path).catch(() => {
    throw new Error(`Notebook not found: ${path}. List them with: ls notebooks/`);
  });
  const mode = suiteMode(opts.mode ?? Deno.env.get("SUITE_MODE"));
  const name = notebook.split("/").pop()!;
  const output = opts.outDir ? `${opts.outDir}/${name}` : notebook;
  const denoDir = Deno.execPath().replace(/\/[^/]+$/, "");
  const env: Record<string, string> = {
    SUITE_MODE: mode,
    JUPYTER_PATH: `${ROOT}/.jupyter`,
    PATH: `${denoDir}:${ROOT}/.tools/node_modules/.bin:${Deno.env.get("PATH") ?? ""}`,
    NO_COLOR: "1",
    ...(opts.echo ? { SUITE_PROGRESS_TO_STDERR: "1" } : {}),
    ...opts.env,
  };
  const started = performance.now();
  const child = new Deno.Command(findPython(), {
    args: [
      `${ROOT}/tools/execute_notebook.py`,
      notebook,
      output,
      "--cwd",
      notebook.replace(/\/[^/]+$/, ""),
      "--timeout",
      String(opts.timeout ?? 3600),
      "--parent-pid",
      String(Deno.pid),
    ],
    env,
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  opts.onStart?.(child);
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stderr) {
    const piece = decoder.decode(chunk, { stream: true });
    text += piece;
    if (opts.echo) await Deno.stderr.write(chunk);
  }
  const { code } = await child.status;
  return {
    notebook,
    output,
    ok: code === 0,
    seconds: (performance.now() - started) / 1000,
    stderr: text,
  };
}

async function main(args: string[]): Promise<number> {
  let parsed: RunnerArgs;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const { outDir, all } = parsed;
  const paths = [...parsed.paths];
  if (all) {
    // The overviews (00_paradigms, 99_summary) read the other notebooks' results and wall times:
    // they run last, in that order, so they show this run's numbers.
    const overview = (name: string) => OVERVIEW_NOTEBOOKS.indexOf(name.replace(/\.ipynb$/, ""));
    const names = [...Deno.readDirSync(`${ROOT}/notebooks`)].map((e) => e.name)
      .filter((n) => n.endsWith(".ipynb") && !n.endsWith(".failed.ipynb"))
      .sort((a, b) => overview(a) - overview(b) || a.localeCompare(b));
    for (const name of names) paths.push(`${ROOT}/notebooks/${name}`);
  }
  let mode: string;
  try {
    mode = suiteMode(parsed.mode ?? Deno.env.get("SUITE_MODE"));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  // Cancelling: forward SIGINT / SIGTERM to the running executor (it kills the kernel and writes
  // nothing), then stop without starting the next notebook.
  let executor: Deno.ChildProcess | undefined;
  let cancelled: Deno.Signal | undefined;
  const cancel = (signal: Deno.Signal) => () => {
    cancelled ??= signal;
    console.error(`✘ ${signal}: cancelling; the executor stops the kernel and writes nothing`);
    try {
      executor?.kill(signal);
    } catch { /* already exited */ }
  };
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, cancel(s)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  if (outDir) await Deno.mkdir(outDir, { recursive: true });
  let failures = 0;
  for (const path of paths) {
    console.error(`▶ ${path} (SUITE_MODE=${mode})`);
    // A copy elsewhere is a trial run: its results go next to it, not over the committed results/.
    const env = outDir && !Deno.env.get("RESULTS_DIR")
      ? { RESULTS_DIR: `${outDir}/results` }
      : undefined;
    if (cancelled) break;
    const result = await executeNotebook(path, {
      mode,
      outDir,
      echo: true,
      env,
      onStart: (child) => {
        executor = child;
        if (cancelled) cancel(cancelled)();
      },
    });
    executor = undefined;
    if (cancelled) {
      console.error(`✘ ${path} cancelled (${cancelled}); nothing written`);
      break;
    }
    if (result.ok) console.error(`✔ ${path} in ${result.seconds.toFixed(0)} s → ${result.output}`);
    else {
      failures++;
      console.error(`✘ ${path} failed after ${result.seconds.toFixed(0)} s`);
    }
  }
  for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  if (cancelled) return cancelled === "SIGINT" ? 130 : 143;
  console.error(
    `${paths.length - failures} passed, ${failures} failed (modes: ${MODES.join("|")})`,
  );
  if (all && !failures) {
    // Every notebook ran on this code: stored runs of older code can never be reused again.
    const results = Deno.env.get("RESULTS_DIR") ||
      (outDir ? `${outDir}/results` : `${ROOT}/results`);
    const removed = await pruneRunCache(`${results}/cache`);
    if (removed) {
      console.error(`removed ${removed} stored run(s) of older code from ${results}/cache`);
    }
  }
  return failures ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
