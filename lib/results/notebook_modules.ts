/**
 * Which files of the repository a notebook's numbers can depend on: the modules that define what
 * its code cells import (followed through `export * from` barrels such as `lib/mod.ts`, so a
 * notebook that imports three names from `lib/mod.ts` depends on their three modules, not on all
 * of `lib/`), and everything those reach ({@link moduleClosure}: static and dynamic imports, and
 * the modules handed to workers). The summary marks a result stale only when one of these files
 * changed since the result's commit.
 *
 * @example
 * ```ts ignore
 * import { notebookModules } from "./notebook_modules.ts";
 * notebookModules("notebooks/12_video.ipynb"); // ["lib/augment/views.ts", …, "lib/protocol/clips.ts", …]
 * ```
 * @module
 */
import { moduleClosure } from "../protocol/run_cache.ts";

/** The repository (paths are relative to it). */
const ROOT = new URL("../..", import.meta.url);

/** A declaration that exports `name` from the module itself. */
const declares = (source: string, name: string) =>
  new RegExp(
    `^[ \\t]*export\\s+(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?(?:abstract\\s+)?` +
      `(?:function\\*?|const|let|var|class|enum|interface|type)\\s+${name}\\b`,
    "m",
  ).test(source) ||
  [...source.matchAll(/^[ \t]*export\s*(?:type\s*)?\{([^}]*)\}\s*(from\s*["'][^"']+["'])?/gm)]
    .some(([, list]) =>
      list.split(",").some((item) => item.trim().split(/\s+as\s+/).at(-1) === name)
    );

/**
 * The module that defines `name` as exported by `url`: `url` itself when it declares or
 * re-exports it by name, else the first `export * from` target that does (depth first). Null when
 * none does (a type, or a name that does not exist).
 */
function definingModule(url: URL, name: string, seen = new Set<string>()): URL | null {
  if (seen.has(url.href)) return null;
  seen.add(url.href);
  let source: string;
  try {
    source = Deno.readTextFileSync(url);
  } catch {
    return null;
  }
  if (declares(source, name)) return url;
  for (const [, target] of source.matchAll(/^[ \t]*export\s*\*\s*from\s*["'](\.[^"']+)["']/gm)) {
    const found = definingModule(new URL(target, url), name, seen);
    if (found) return found;
  }
  return null;
}

interface NotebookJson {
  cells: { cell_type: string; source: string[] | string }[];
}

/**
 * The repository files (sorted, relative paths) that the code cells of the notebook at `path`
 * (relative to `root`, default this repository) reach: each name imported from a relative module
 * resolves to the module that defines it; a namespace or side-effect import, a `new URL(…)` of a
 * module, or a name that cannot be resolved counts the whole imported module. Throws when the
 * notebook cannot be read or is not JSON.
 */
export function notebookModules(path: string, opts: { root?: string | URL } = {}): string[] {
  const root = new URL(opts.root ?? ROOT);
  if (!root.href.endsWith("/")) root.href += "/";
  const file = new URL(path, root);
  let notebook: NotebookJson;
  try {
    notebook = JSON.parse(Deno.readTextFileSync(file));
  } catch (e) {
    throw new Error(`notebookModules: cannot read ${path} as a notebook: ${(e as Error).message}`);
  }
  const code = notebook.cells.filter((c) => c.cell_type === "code")
    .map((c) => Array.isArray(c.source) ? c.source.join("") : c.source).join("\n");
  const modules = new Set<string>();
  const named = /\bimport\s*(type\s*)?\{([^}]*)\}\s*from\s*["'](\.\.?\/[^"']+)["']/g;
  for (const [, typeOnly, list, specifier] of code.matchAll(named)) {
    if (typeOnly) continue; // types change no number
    const target = new URL(specifier, file);
    for (const item of list.split(",")) {
      const [name, ...rest] = item.trim().split(/\s+as\s+/)[0].split(/\s+/).reverse();
      if (!name || rest.includes("type")) continue;
      modules.add((definingModule(target, name) ?? target).href);
    }
  }
  const whole = [
    /\bimport\s*\*\s*as\s+\w+\s*from\s*["'](\.\.?\/[^"']+)["']/g,
    /^[ \t]*import\s*["'](\.\.?\/[^"']+)["']/gm,
    /\bimport\(\s*["'](\.\.?\/[^"']+)["']\s*\)/g,
    /\bnew URL\(\s*["'](\.\.?\/[^"']+\.[jt]sx?)["']\s*,\s*import\.meta\.url\s*\)/g,
  ];
  for (const pattern of whole) {
    for (const [, specifier] of code.matchAll(pattern)) modules.add(new URL(specifier, file).href);
  }
  return modules.size ? moduleClosure([...modules], { root }) : [];
}
