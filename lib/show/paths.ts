/**
 * Paths as notebooks and tools print them: relative to the repository, never the machine's
 * absolute path (committed notebook outputs must not say where someone's checkout lives).
 *
 * @example
 * ```ts ignore
 * import { displayPath } from "./paths.ts";
 * console.log(`saved to ${displayPath("/work/main/results/01_rotation_accuracy.png")}`);
 * // → "saved to results/01_rotation_accuracy.png" when /work/main holds deno.json
 * ```
 * @module
 */
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root: the nearest directory holding `deno.json`, searching upward from `from`
 * (default: the working directory).
 *
 * @param from A directory (it need not exist) to start from.
 * @returns The root's absolute path, or undefined when there is none (or no read permission).
 */
export function repoRoot(from?: string): string | undefined {
  let dir: string;
  try {
    dir = resolve(from ?? Deno.cwd());
  } catch {
    return undefined; // no permission to read the working directory
  }
  for (;;) {
    try {
      if (Deno.statSync(join(dir, "deno.json")).isFile) return dir;
    } catch { /* not here, or not readable */ }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The last two components of an absolute path: `/tmp/x/results/a.json` → `results/a.json`. */
function lastTwo(abs: string): string {
  const parts = abs.split(sep).filter((p) => p !== "");
  return parts.length ? parts.slice(-2).join("/") : basename(abs) || ".";
}

/**
 * A path as messages should print it: relative to the repository root (the directory holding
 * `deno.json`, found upward from the path, else from the working directory); a path outside the
 * repository keeps only its last two components. Never an absolute path.
 *
 * @param path A file path (absolute, or relative to the working directory) or a `file:` URL.
 * @returns E.g. `results/01_rotation.json`; `.` for the root itself.
 * @throws {TypeError} When `path` is empty, not a string or URL, or a URL of another scheme.
 */
export function displayPath(path: string | URL): string {
  if (!(path instanceof URL) && (typeof path !== "string" || path === "")) {
    throw new TypeError(
      `displayPath: path must be a non-empty string or a file: URL, got ${
        JSON.stringify(path) ?? String(path)
      }`,
    );
  }
  let p: string;
  if (path instanceof URL || path.startsWith("file:")) {
    try {
      p = fileURLToPath(path);
    } catch (e) {
      throw new TypeError(
        `displayPath: ${String(path)} is not a file: URL (${(e as Error).message}); ` +
          `pass a file path or a file: URL`,
      );
    }
  } else p = path;
  let abs: string;
  try {
    abs = resolve(p);
  } catch {
    return isAbsolute(p) ? lastTwo(p) : p; // no permission to read the working directory
  }
  const root = repoRoot(dirname(abs)) ?? repoRoot();
  if (root !== undefined) {
    const rel = relative(root, abs);
    if (rel === "") return ".";
    if (rel.split(sep)[0] !== ".." && !isAbsolute(rel)) return rel.split(sep).join("/");
  }
  return lastTwo(abs);
}
