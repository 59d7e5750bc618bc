/**
 * Numbers in prose come from results: every percentage ("69.6 %") and every duration in seconds
 * ("156 s") that a notebook's markdown quotes must appear in what its code produced — its results
 * file (row means and stds, per-seed scores, paired differences, wall time, pretext extras) or its
 * own outputs (printed metrics, generated bullets, tables). A number that comes from elsewhere (a
 * paper, scikit-learn's reference, a config value) is declared in the markdown, visibly to anyone
 * editing it, with an HTML comment: `<!-- not from this run: 92.5 %, 70.0 % -->`.
 */
import { assertEquals } from "../lib/_assert.ts";
import { SUITE_NOTEBOOKS } from "../lib/results/suite_map.ts";
import { type CellOutput, outputsText } from "./_outputs.ts";

const ROOT = new URL("..", import.meta.url).pathname;

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: CellOutput[];
}
const join = (v: string[] | string | undefined) => (Array.isArray(v) ? v.join("") : v ?? "");

/** Percentages and seconds quoted in `text`, as they are written ("69.6 %", "156 s"). */
export function quotedNumbers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\d.])(\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s?%/g)) {
    found.push(`${m[1].replace(/,/g, "")} %`);
  }
  for (const m of text.matchAll(/(?<![\d.,])(\d{1,3}(?:,\d{3})*|\d+)\s?s\b/g)) {
    found.push(`${m[1].replace(/,/g, "")} s`);
  }
  return found;
}

/** Every way the run can print a number: fractions as percentages to 0–2 decimals, seconds. */
function producedNumbers(results: unknown, outputs: string): Set<string> {
  const out = new Set<string>(quotedNumbers(outputs));
  const visit = (v: unknown): void => {
    if (typeof v === "number" && Number.isFinite(v)) {
      for (const x of [v, v * 100, Math.abs(v), Math.abs(v) * 100]) {
        for (const digits of [0, 1, 2]) out.add(`${Number(x.toFixed(digits))} %`);
      }
      out.add(`${Math.round(v)} s`);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(results);
  // Outputs print the same numbers in other shapes (tables, JSON, "0.948"): collect every number.
  for (const m of outputs.matchAll(/-?\d+(?:\.\d+)?/g)) visit(Number(m[0]));
  return out;
}

/** Normalises "69.60 %" and "69.6 %" alike. */
const norm = (n: string) => n.replace(/^(\d+(?:\.\d+)?)/, (x) => String(Number(x)));

/** Numbers a notebook declares as not from this run (`<!-- not from this run: … -->`). */
function declared(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/<!--\s*not from this run:([^>]*)-->/g)) {
    for (const n of quotedNumbers(m[1])) out.add(norm(n));
  }
  return out;
}

/** What a notebook's run produced: its results file and its outputs, as quotable numbers. */
function producedBy(stem: string): { markdown: string; known: Set<string> } {
  const cells: Cell[] = JSON.parse(Deno.readTextFileSync(`${ROOT}notebooks/${stem}.ipynb`)).cells;
  const markdown = cells.filter((c) => c.cell_type === "markdown").map((c) => join(c.source))
    .join("\n");
  const outputs = outputsText(cells.flatMap((c) => c.outputs ?? []));
  const results = JSON.parse(Deno.readTextFileSync(`${ROOT}results/${stem}.json`));
  return { markdown, known: producedNumbers(results, outputs) };
}

/** Numbers quoted in `markdown` (declarations and other comments aside) that `known` lacks. */
function unexplained(markdown: string, known: Set<string>): string[] {
  const external = declared(markdown);
  const prose = markdown.replace(/<!--[\s\S]*?-->/g, "");
  return [...new Set(quotedNumbers(prose).map(norm))].filter((n) =>
    !known.has(n) && !external.has(n)
  );
}

for (const { stem } of SUITE_NOTEBOOKS) {
  const path = `${ROOT}notebooks/${stem}.ipynb`;
  const resultsPath = `${ROOT}results/${stem}.json`;
  let exists = true;
  try {
    Deno.statSync(path);
    Deno.statSync(resultsPath);
  } catch {
    exists = false;
  }
  Deno.test({
    name: `${stem}: every % and s quoted in its prose is in its results or outputs`,
    ignore: !exists,
    fn() {
      const { markdown, known } = producedBy(stem);
      const unknown = unexplained(markdown, known);
      assertEquals(
        unknown,
        [],
        `${stem}: numbers in prose that neither its results nor its outputs contain — update ` +
          `them from results/${stem}.json, or declare numbers from elsewhere with ` +
          `<!-- not from this run: … -->`,
      );
    },
  });
}

Deno.test("README: every % and s in 'Notebooks and headline numbers' is in some notebook's run", () => {
  const readme = Deno.readTextFileSync(`${ROOT}README.md`);
  const start = readme.indexOf("## Notebooks and headline numbers");
  const end = readme.indexOf("<!-- results:start");
  const known = new Set<string>();
  for (const { stem } of SUITE_NOTEBOOKS) {
    try {
      for (const n of producedBy(stem).known) known.add(n);
    } catch { /* a planned notebook without results yet */ }
  }
  assertEquals(
    unexplained(readme.slice(start, end), known),
    [],
    "README numbers that no notebook's results or outputs contain — regenerate them from " +
      "results/, or declare numbers from elsewhere with <!-- not from this run: … -->",
  );
});
