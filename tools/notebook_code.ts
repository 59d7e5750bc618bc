/**
 * Notebook code held to lib's standards: the code cells of a notebook, extracted into one
 * TypeScript module (cells in order, each after a `// %% cell <index>` marker), so `deno fmt`
 * and `deno lint` check them like any other file; `--write` formats the cells in place.
 *
 *   deno run -A tools/notebook_code.ts --check notebooks/*.ipynb   # exit 1 on unformatted / lint
 *   deno run -A tools/notebook_code.ts --write notebooks/*.ipynb   # format the code cells
 *
 * Formatting changes layout only (deno fmt is semantics-preserving), so the committed outputs
 * stay the outputs of the code.
 * @module
 */

/** The marker in front of each code cell in the extracted module. */
const MARKER = "// %% cell ";

interface NotebookJson {
  cells: { cell_type: string; source: string[] | string }[];
}

const text = (source: string[] | string) => (Array.isArray(source) ? source.join("") : source);

/** The notebook's code cells as one module: each cell after its marker line. */
export function extractCode(notebook: NotebookJson): string {
  const parts: string[] = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    parts.push(`${MARKER}${i}\n${text(cell.source).replace(/\s+$/, "")}\n`);
  });
  return parts.join("\n");
}

/** Splits an extracted (e.g. formatted) module back into `{ cell index: source }`. */
export function splitCode(module: string): Map<number, string> {
  const cells = new Map<number, string>();
  const pattern = new RegExp(`^${MARKER.replace(/[/]/g, "\\/")}(\\d+)$`, "gm");
  const marks = [...module.matchAll(pattern)];
  marks.forEach((mark, k) => {
    const start = mark.index! + mark[0].length + 1;
    const end = k + 1 < marks.length ? marks[k + 1].index! : module.length;
    cells.set(Number(mark[1]), module.slice(start, end).replace(/\s+$/, ""));
  });
  return cells;
}

/** Whether `prefix` leaves no string literal open (even counts of each quote). */
function closed(prefix: string): boolean {
  return ['"', "'", "`"].every((q) => (prefix.split(q).length - 1) % 2 === 0);
}

/** `text` as `//` comment lines of at most `width` columns, indented by `indent`. */
function commentLines(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && `${indent}// ${line} ${word}`.length > width) {
      lines.push(`${indent}// ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}// ${line}`);
  return lines;
}

/**
 * Moves a trailing `// comment` of a line over 100 columns onto its own lines above it (wrapped at
 * 100 columns), where the comment starts outside any string: deno fmt does not break comments.
 */
export function liftLongComments(code: string): string {
  return code.split("\n").flatMap((line) => {
    if (line.length <= 100) return [line];
    const at = [...line.matchAll(/ \/\/ /g)].map((m) => m.index!)
      .find((i) => closed(line.slice(0, i)) && line.slice(0, i).trim());
    if (at === undefined) return [line];
    const indent = /^\s*/.exec(line)![0];
    return [...commentLines(line.slice(at + 4).trim(), indent), line.slice(0, at).trimEnd()];
  }).join("\n");
}

/** Source lines as nbformat stores them: every line but the last ends with "\n". */
function toLines(source: string): string[] {
  const lines = source.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}

async function run(args: string[]): Promise<{ ok: boolean; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: out.success, output: decode(out.stdout) + decode(out.stderr) };
}

/** The `deno fmt` settings of the repository (deno.json): 100 columns. */
const FMT = ["--line-width", "100"];

/**
 * Checks (or, with `write`, formats) the code cells of each notebook; returns the problems as
 * "notebook: what" lines (empty: all clean).
 */
export async function checkNotebookCode(
  paths: string[],
  opts: { write?: boolean } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const dir = await Deno.makeTempDir({ prefix: "nb-code-" });
  try {
    for (const path of paths) {
      const notebook = JSON.parse(await Deno.readTextFile(path)) as NotebookJson;
      const name = path.split("/").pop()!.replace(/\.ipynb$/, "");
      // Under notebooks/' sibling layout, so relative imports ("../lib/mod.ts") resolve the same.
      const file = `${dir}/${name}.ts`;
      await Deno.writeTextFile(
        file,
        opts.write ? liftLongComments(extractCode(notebook)) : extractCode(notebook),
      );
      if (opts.write) {
        const fmt = await run(["fmt", ...FMT, file]);
        if (!fmt.ok) problems.push(`${path}: deno fmt failed: ${fmt.output.trim()}`);
        else {
          const formatted = splitCode(await Deno.readTextFile(file));
          notebook.cells.forEach((cell, i) => {
            const source = formatted.get(i);
            if (cell.cell_type === "code" && source !== undefined) cell.source = toLines(source);
          });
          await Deno.writeTextFile(path, JSON.stringify(notebook, null, 1) + "\n");
        }
      } else {
        const fmt = await run(["fmt", "--check", ...FMT, file]);
        if (!fmt.ok) {
          const cells = [...fmt.output.matchAll(/from .*?:(\d+)/g)].length;
          problems.push(
            `${path}: code cells are not formatted (deno fmt${
              cells ? `, ${cells} place(s)` : ""
            })` +
              " — run: deno run -A tools/notebook_code.ts --write " + path,
          );
        }
      }
      const lint = await run(["lint", "--rules-exclude=no-unused-vars,require-await", file]);
      if (!lint.ok) {
        const findings = lint.output.split("\n").filter((l) => /^error\[|^\(/.test(l.trim()))
          .slice(0, 5).join("; ");
        problems.push(`${path}: deno lint: ${findings || lint.output.trim().slice(0, 400)}`);
      }
      const long = extractCode(notebook).split("\n").map((l, i) => [l, i] as const)
        .filter(([l]) => l.length > 100 && !/^\s*(\/\/|["'`])|https?:\/\/|`/.test(l));
      if (!opts.write && long.length) {
        problems.push(`${path}: ${long.length} code line(s) over 100 columns`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return problems;
}

if (import.meta.main) {
  const write = Deno.args.includes("--write");
  const paths = Deno.args.filter((a) => !a.startsWith("--"));
  if (!paths.length || !(write || Deno.args.includes("--check"))) {
    console.error("usage: deno run -A tools/notebook_code.ts --check|--write NOTEBOOK.ipynb…");
    Deno.exit(2);
  }
  const problems = await checkNotebookCode(paths, { write });
  for (const p of problems) console.error(p);
  Deno.exit(problems.length ? 1 : 0);
}
