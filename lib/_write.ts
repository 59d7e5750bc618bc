/**
 * Writing files: the one atomic write of the suite, and the outputs a notebook publishes together.
 *
 * Every file the suite writes (results JSON, chart PNG/SVG, run-cache entries, README, site) goes
 * through {@link writeAtomic}: a temporary file beside the target, then a rename, so readers see
 * the old file or the new one, never a half-written one, and a failed write leaves the old file
 * intact. (The notebook runner's Python executor writes the executed notebook the same way.)
 *
 * A notebook's outputs — its charts and its results JSON — are *published together* at the end of
 * a successful run: {@link stageOutput} keeps a file in memory (`showChart`'s `savePath` does),
 * and {@link publishStaged} (which `saveResults` calls with the results JSON last) writes every
 * staged file to a temporary file first and only then renames them all into place. A run that
 * fails before `saveResults` leaves no new chart beside old results.
 * @module
 */
import { dirname } from "node:path";

function tmpName(path: string): string {
  return `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
}

async function writeData(path: string, data: string | Uint8Array): Promise<void> {
  if (typeof data === "string") await Deno.writeTextFile(path, data);
  else await Deno.writeFile(path, data);
}

/**
 * Writes `data` (text or bytes) to `path` through a temporary file beside it and a rename: readers
 * see the old file or the new one, never a half-written one, and a failed write leaves the old
 * file intact and no temporary file behind. The parent directory must exist unless `mkdir` is set.
 */
export async function writeAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { mkdir?: boolean } = {},
): Promise<void> {
  await publishFiles([[path, data]], opts);
}

/**
 * Writes several files so that they appear together: each to a temporary file first (parents
 * created when `mkdir` is set), and only when all are written, renamed into place in the given
 * order (put the file readers look for first — e.g. the results JSON — last). On any failure no
 * target is touched by a write that did not complete, and no temporary file is left behind.
 */
export async function publishFiles(
  files: Iterable<readonly [string, string | Uint8Array]>,
  opts: { mkdir?: boolean } = {},
): Promise<void> {
  const pending: [tmp: string, path: string][] = [];
  try {
    for (const [path, data] of files) {
      if (opts.mkdir) await Deno.mkdir(dirname(path), { recursive: true });
      const tmp = tmpName(path);
      pending.push([tmp, path]);
      await writeData(tmp, data);
    }
    while (pending.length) {
      const [tmp, path] = pending[0];
      await Deno.rename(tmp, path);
      pending.shift();
    }
  } catch (e) {
    await Promise.all(pending.map(([tmp]) => Deno.remove(tmp).catch(() => {})));
    throw e;
  }
}

const staged = new Map<string, string | Uint8Array>();

/**
 * Keeps a file of this run's outputs (a chart) in memory until {@link publishStaged} writes it
 * with the others; staging the same path again replaces the earlier content.
 */
export function stageOutput(path: string, data: string | Uint8Array): void {
  staged.delete(path); // keep the order of the latest staging
  staged.set(path, data);
}

/** The paths staged and not yet published, in staging order. */
export function stagedOutputs(): string[] {
  return [...staged.keys()];
}

/**
 * Publishes every staged output, plus `last` (e.g. the results JSON) after them, through
 * {@link publishFiles} (parents created); the staged files are forgotten once published.
 */
export async function publishStaged(
  last: readonly (readonly [string, string | Uint8Array])[] = [],
): Promise<void> {
  await publishFiles([...staged, ...last], { mkdir: true });
  staged.clear();
}
