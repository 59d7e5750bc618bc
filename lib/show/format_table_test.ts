import { assert, assertEquals } from "../_assert.ts";
import { formatTable } from "./format_table.ts";

const ROWS = [
  { method: "RotNet", labels: 10, acc: 0.612345 },
  { method: "pixels | raw", labels: "all", acc: 0.9 },
  { method: "random", acc: null },
];

Deno.test("formatTable() writes a GFM markdown table with escaped pipes", () => {
  assertEquals(
    formatTable(ROWS).markdown,
    [
      "| method | labels | acc |",
      "| --- | --- | ---: |",
      "| RotNet | 10 | 0.6123 |",
      "| pixels \\| raw | all | 0.9 |",
      "| random |  |  |",
    ].join("\n"),
  );
});

Deno.test("formatTable() honours columns, digits and title", () => {
  const { markdown, html, text } = formatTable(ROWS, {
    columns: ["acc", "method"],
    digits: 2,
    title: "Probe <accuracy>",
  });
  assertEquals(markdown.split("\n").slice(0, 4), [
    "**Probe <accuracy>**",
    "",
    "| acc | method |",
    "| ---: | --- |",
  ]);
  assert(markdown.includes("| 0.61 | RotNet |"));
  assert(html.includes("<caption>Probe &lt;accuracy&gt;</caption>"));
  assertEquals(text.split("\n")[0], "Probe <accuracy>");
});

Deno.test("formatTable() escapes HTML and right-aligns numeric columns", () => {
  const { html } = formatTable([{ name: "<b>&", n: 3 }]);
  assert(html.startsWith("<table>") && html.endsWith("</table>"));
  assert(html.includes("<td>&lt;b&gt;&amp;</td>"), html);
  assert(html.includes('<td style="text-align:right">3</td>'), html);
  assert(html.includes('<th style="text-align:right">n</th>'), html);
});

Deno.test("formatTable() pads plain text into aligned columns", () => {
  const { text } = formatTable([{ a: "x", b: 1.5 }, { a: "longer", b: 10 }]);
  assertEquals(text, ["a         b", "------  ---", "x       1.5", "longer   10"].join("\n"));
});

Deno.test("formatTable() formats tiny numbers, objects and empty input", () => {
  const { markdown } = formatTable([{ v: 0.00001234, o: { k: 1 }, b: true }]);
  assert(markdown.includes('| 1.23e-5 | {"k":1} | true |'), markdown);
  assertEquals(formatTable([]).markdown, "|  |\n|  |");
});
