/**
 * Which code a result came from, compared with the code now: a result is *stale* when `lib/`
 * (everything a notebook computes) differs between the commit it recorded and `HEAD` — unless the
 * only differences are tests, comments and blank lines ({@link codeLines}), or the reporting-only
 * files of {@link REPORTING_ONLY} (they compute nothing a notebook reports: still *current*), or
 * pure additions of code (new files, new lines, no line of code changed or removed: *grown* — the
 * code the result ran is all still there, unchanged, though new lines could sit on its path).
 *
 * @example
 * ```ts ignore
 * import { codeVersionStatus } from "./code_version.ts";
 * const status = codeVersionStatus("d199522…");
 * // { state: "stale", libCommitsSince: 2, note: "lib/ changed in 2 commit(s) since …" }
 * ```
 * @module
 */

/**
 * Files of lib/ that only describe, draw or summarise results (charts, display, the suite's map,
 * this check, the summary's tables): changing them cannot change a number a notebook computed. A
 * path ending in "/" stands for everything under it.
 */
export const REPORTING_ONLY: readonly string[] = [
  "lib/plot/",
  "lib/show/",
  "lib/results/suite_map.ts",
  "lib/results/code_version.ts",
  "lib/results/summary.ts",
  "lib/results/notebook_modules.ts",
];

/**
 * Whether a `lib/` file can change a reported number: not a test (`*_test.ts`), not a test helper
 * (`_test_util.ts`), not one of {@link REPORTING_ONLY}, and TypeScript.
 */
export function computesResults(path: string): boolean {
  return path.endsWith(".ts") && !/(_test|\/_test_util)\.ts$/.test(path) &&
    !REPORTING_ONLY.some((p) => p.endsWith("/") ? path.startsWith(p) : path === p);
}

/**
 * The lines of code of a TypeScript source, trimmed, without blank lines and comments: two
 * versions with the same code lines compute the same thing whatever their comments say. Dropped:
 * lines that start with `//`, `/* … *\/` comments that start a line (code after the `*\/`
 * stays), and a `//` comment after code when nothing before it on the line could open a string or
 * a regular expression (no quote, backtick or `/`): moving such a comment onto its own line
 * changes no code line. A comment after code that is not that plain is kept, as code: the check
 * errs on the side of "changed". (A line inside a multi-line template string that starts with
 * `//` or `/*` would be taken for a comment; lib/ has none.)
 */
export function codeLines(source: string): string[] {
  const out: string[] = [];
  let inComment = false;
  for (const line of source.split("\n")) {
    let t = line.trim();
    if (inComment) {
      const end = t.indexOf("*/");
      if (end < 0) continue;
      inComment = false;
      t = t.slice(end + 2).trim();
    }
    while (t.startsWith("/*")) {
      const end = t.indexOf("*/", 2);
      if (end < 0) {
        inComment = true;
        t = "";
      } else t = t.slice(end + 2).trim();
    }
    if (t === "" || t.startsWith("//")) continue;
    out.push(withoutPlainTrailingComment(t));
  }
  return out;
}

/**
 * `line` without a trailing `// comment` when the code before it holds no quote, backtick or `/`
 * (so the `//` cannot sit inside a string, a template or a regular expression); else unchanged.
 */
function withoutPlainTrailingComment(line: string): string {
  const at = line.search(/\s\/\//);
  if (at < 0 || /['"`/]/.test(line.slice(0, at))) return line;
  return line.slice(0, at).trimEnd();
}

/** Whether `a` is `b` with some lines taken out (every line of `a`, in order, found in `b`). */
function isSubsequence(a: string[], b: string[]): boolean {
  let j = 0;
  for (const line of a) {
    while (j < b.length && b[j] !== line) j++;
    if (j === b.length) return false;
    j++;
  }
  return true;
}

/** How a result's code relates to the current `lib/`. */
export interface CodeVersionStatus {
  /** The recorded SHA (may end in "-dirty", or be "unknown"). */
  gitSha: string;
  /**
   * current: lib/ at that commit has the same code as lib/ at HEAD (tests, comments and blank
   * lines aside). grown: lib/ only gained lines of code since (new files or added lines; none
   * changed or removed). stale: lines of code changed or were removed. dirty: equal, but lib/
   * had uncommitted changes when the notebook ran, so the code cannot be pinned down. unknown:
   * no SHA recorded, no git, or a commit this repository does not have.
   */
  state: "current" | "grown" | "stale" | "dirty" | "unknown";
  /** Commits on HEAD's history touching lib/ that the result's commit lacks (grown, stale). */
  libCommitsSince?: number;
  /** One sentence for a reader. */
  note: string;
}

/** Options of {@link codeVersionStatus}. */
export interface CodeVersionOptions {
  /** The repository (default: this checkout). */
  root?: string;
  /** The path whose changes make a result stale (default "lib"). */
  path?: string;
  /**
   * The files (repository-relative) the result's code reaches, e.g. a notebook's
   * `notebookModules`: changes to other files under `path` leave the result current. Default:
   * every file under `path` counts.
   */
  modules?: readonly string[];
}

/** Runs `git args` in `root`: whether it succeeded and its trimmed output (git missing: not ok). */
export function git(root: string, args: string[]): { ok: boolean; out: string } {
  try {
    const r = new Deno.Command("git", { args, cwd: root, stdout: "piped", stderr: "null" })
      .outputSync();
    return { ok: r.success, out: new TextDecoder().decode(r.stdout).trim() };
  } catch {
    return { ok: false, out: "" }; // git missing or no permission
  }
}

/** Compares the `lib/` of the commit a result recorded with `lib/` at HEAD. */
export function codeVersionStatus(
  gitSha: string,
  opts: CodeVersionOptions = {},
): CodeVersionStatus {
  const root = opts.root ?? new URL("../..", import.meta.url).pathname;
  const path = opts.path ?? "lib";
  const dirty = gitSha.endsWith("-dirty");
  const sha = gitSha.replace(/-dirty$/, "");
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) {
    return { gitSha, state: "unknown", note: "no git SHA was recorded (run outside a checkout)" };
  }
  if (!git(root, ["cat-file", "-e", `${sha}^{commit}`]).ok) {
    return {
      gitSha,
      state: "unknown",
      note: `commit ${sha.slice(0, 7)} is not in this repository (shallow clone or rewritten ` +
        "history); cannot compare",
    };
  }
  // Per file: lines added, lines deleted (binary files: "-"). Tests compute nothing reported.
  const numstat = git(root, ["diff", "--numstat", sha, "HEAD", "--", path]);
  if (!numstat.ok) {
    return { gitSha, state: "unknown", note: `git could not compare ${sha.slice(0, 7)} with HEAD` };
  }
  // what a file's code was at the result's commit and is now (null: no such file)
  const version = (rev: string, file: string) => {
    const shown = git(root, ["show", `${rev}:${file}`]);
    return shown.ok ? codeLines(shown.out) : null;
  };
  const changed = numstat.out
    .split("\n").filter(Boolean)
    .map((line) => line.split("\t")[2])
    .filter((file) => computesResults(file))
    // a file gone since counts whatever the scope: code the result ran may have moved
    .filter((file) =>
      !opts.modules || opts.modules.includes(file) ||
      !git(root, ["cat-file", "-e", `HEAD:${file}`]).ok
    )
    .map((file) => ({ file, before: version(sha, file), now: version("HEAD", file) }))
    // comments and blank lines compute nothing
    .filter(({ before, now }) =>
      !before || !now || before.length !== now.length || before.some((l, i) => l !== now[i])
    );
  const reached = opts.modules?.filter((f) => f.startsWith(`${path}/`));
  const scope = reached ? ` in the ${reached.length} files its code reaches` : "";
  const spec = reached ? [...reached, ...changed.map(({ file }) => file)] : [path];
  if (!changed.length) {
    return dirty
      ? {
        gitSha,
        state: "dirty",
        note: `${path}/ had uncommitted changes when it ran (on top of ${sha.slice(0, 7)}, ` +
          `which matches the current code${scope}); re-run to pin the code down`,
      }
      : {
        gitSha,
        state: "current",
        note: `${path}/ has the same code as at ${sha.slice(0, 7)}${scope} (tests and ` +
          "comments aside)",
      };
  }
  // a new file, or old code lines all still there in order: only gained lines
  const rewritten = changed
    .filter(({ before, now }) => before && (!now || !isSubsequence(before, now)))
    .map(({ file }) => file);
  const count = Number(git(root, ["rev-list", "--count", `${sha}..HEAD`, "--", ...spec]).out) ||
    0;
  const last = git(root, ["log", "-1", "--format=%h %cs", "--", ...spec]).out;
  if (!rewritten.length && !dirty) {
    return {
      gitSha,
      state: "grown",
      libCommitsSince: count,
      note:
        `${path}/ only gained lines of code after ${sha.slice(0, 7)}${scope} (${changed.length} ` +
        `file(s); no ` +
        `line it ran was changed or removed): ${count} commit(s) since, latest ${last}`,
    };
  }
  const shown = rewritten.slice(0, 3).join(", ") + (rewritten.length > 3 ? ", …" : "");
  return {
    gitSha,
    state: "stale",
    libCommitsSince: count,
    note:
      `${path}/ changed after ${sha.slice(0, 7)}${scope}${
        dirty ? " (which ran with uncommitted changes)" : ""
      }: ` +
      `${count} commit(s) since, latest ${last}` +
      (shown ? `, lines changed in ${shown}` : "") + "; re-run the notebook",
  };
}
