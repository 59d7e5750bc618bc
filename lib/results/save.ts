/**
 * Writing results atomically, with the run's metadata (versions, git SHA, wall time).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { dirname, relative, resolve } from "node:path";
import { publishStaged } from "../_write.ts";
import { env } from "../config/env.ts";
import { datasetsUsed } from "../data/provenance.ts";
import { displayPath, repoRoot } from "../show/paths.ts";
import { withVersus } from "./paired.ts";
import { type Results, validateResults } from "./schema.ts";

/** `<repo>/results`, or `$RESULTS_DIR` when set (the tests point it at a temporary directory). */
export function resultsDir(): string {
  return env("RESULTS_DIR") ?? new URL("../../results", import.meta.url).pathname;
}

/** The current commit, or "unknown" outside a git checkout. A dirty tree gets a "-dirty" suffix. */
export function gitSha(): string {
  try {
    const root = new URL("../..", import.meta.url).pathname;
    const run = (args: string[]) =>
      new TextDecoder().decode(new Deno.Command("git", { args, cwd: root }).outputSync().stdout)
        .trim();
    const sha = run(["rev-parse", "HEAD"]);
    if (!sha) return "unknown";
    const dirty = run(["status", "--porcelain", "--", "lib"]) !== "";
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return "unknown";
  }
}

/** Everything of {@link Results} that the run itself does not know. */
export type RunResults = Omit<Results, "versions" | "gitSha" | "createdAt">;

/**
 * Validates `results`, adds each row's paired comparisons to its references (`versus`, see
 * `withVersus`), the test-set size when every row has the same (`testImages`), versions, git SHA,
 * timestamp and the data read (see `datasetsUsed`), and publishes `<dir>/<notebook>.json`
 * together with the run's staged charts (`showChart`'s `savePath`; see `publishStaged`): every
 * file goes to a temporary file first and is renamed into place only when all are written, the
 * JSON last — so a failed run never leaves a half-written or emptied file, nor a new chart beside
 * old results.
 *
 * Returns the path written, ready to print and to read back (`loadResults`): relative to the
 * working directory when both lie in the same repository (in the kernel, whose working directory
 * is `notebooks/`: `../results/<notebook>.json`), so notebook outputs hold no machine path; else
 * (a results directory elsewhere, as in tests) the absolute path.
 */
export async function saveResults(results: RunResults, opts: { dir?: string } = {}): Promise<
  string
> {
  const data = results.data ?? datasetsUsed();
  const rows = withVersus(results.rows);
  const testSizes = new Set(rows.map((r) => r.testImages));
  const testImages = testSizes.size === 1 ? [...testSizes][0] : undefined;
  const full: Results = {
    ...results,
    rows,
    ...(testImages !== undefined ? { testImages } : {}),
    ...(Object.keys(data).length ? { data } : {}),
    versions: { deno: Deno.version.deno, tfjs: tf.version.tfjs },
    gitSha: gitSha(),
    createdAt: new Date().toISOString(),
  };
  validateResults(full, `results of ${results.notebook}`); // throws before anything is written
  const dir = opts.dir ?? resultsDir();
  const path = `${dir}/${results.notebook}.json`;
  await publishStaged([[path, JSON.stringify(full, null, 2) + "\n"]]);
  return printablePath(path);
}

/** `path` relative to the working directory when both are in one repository, else absolute. */
function printablePath(path: string): string {
  try {
    const abs = resolve(path);
    const root = repoRoot(dirname(abs));
    return root !== undefined && root === repoRoot() ? relative(Deno.cwd(), abs) : abs;
  } catch {
    return path; // no permission to read the working directory
  }
}

/**
 * Reads and validates one results file; errors name it repo-relative (see `displayPath`).
 *
 * @param path The file: absolute, or relative to the working directory (what `saveResults`
 * returns).
 */
export async function loadResults(path: string): Promise<Results> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(
      `cannot read results file ${displayPath(path)}: ${(e as Error).message.split(": ")[0]}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${displayPath(path)} is not valid JSON (${(e as Error).message}); re-run its notebook.`,
    );
  }
  return validateResults(value, displayPath(path));
}
