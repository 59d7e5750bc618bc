/**
 * Executes notebooks headlessly through the real Deno Jupyter kernel (nbclient), in place by
 * default, with the suite mode passed in.
 *
 *   deno task run notebooks/01_rotation.ipynb        # one notebook, SUITE_MODE or standard
 *   deno task suite                                   # every notebook in notebooks/
 *   deno task run --mode smoke --out /tmp/x NB.ipynb  # executed copy elsewhere; results in /tmp/x/results
 *
 * Exits non-zero when a cell fails, printing the notebook, the cell number and the error.
 * @module
 */
import { MODES, suiteMode } from "../lib/config/mode.ts";
import { pruneRunCache } from "../lib/eval/run_cache.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

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
    ],
    env,
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
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
  let mode: string | undefined;
  let outDir: string | undefined;
  const paths: string[] = [];
  let all = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--mode") mode = args[++i];
    else if (args[i] === "--out") outDir = args[++i];
    else if (args[i] === "--all") {
      all = true;
      for (
        const entry of [...Deno.readDirSync(`${ROOT}/notebooks`)].sort((a, b) =>
          a.name.localeCompare(b.name)
        )
      ) {
        if (entry.name.endsWith(".ipynb") && !entry.name.endsWith(".failed.ipynb")) {
          paths.push(`${ROOT}/notebooks/${entry.name}`);
        }
      }
    } else paths.push(args[i]);
  }
  if (!paths.length) {
    console.error(
      "usage: deno task run [--mode smoke|standard|full] [--out DIR] NOTEBOOK.ipynb… | --all",
    );
    return 2;
  }
  try {
    mode = suiteMode(mode ?? Deno.env.get("SUITE_MODE"));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (outDir) await Deno.mkdir(outDir, { recursive: true });
  let failures = 0;
  for (const path of paths) {
    console.error(`▶ ${path} (SUITE_MODE=${mode})`);
    // A copy elsewhere is a trial run: its results go next to it, not over the committed results/.
    const env = outDir && !Deno.env.get("RESULTS_DIR")
      ? { RESULTS_DIR: `${outDir}/results` }
      : undefined;
    const result = await executeNotebook(path, { mode, outDir, echo: true, env });
    if (result.ok) console.error(`✔ ${path} in ${result.seconds.toFixed(0)} s → ${result.output}`);
    else {
      failures++;
      console.error(`✘ ${path} failed after ${result.seconds.toFixed(0)} s`);
    }
  }
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
