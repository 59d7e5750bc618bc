import { assert, assertEquals } from "../_assert.ts";
import { publishStaged } from "../_write.ts";
import { inJupyter, progressDisplay, showChart, showMarkdown, showTable } from "./show.ts";

const SPEC = {
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] },
  mark: "bar",
  encoding: {
    x: { field: "a", type: "ordinal" },
    y: { field: "b", type: "quantitative" },
  },
};

Deno.test("inJupyter() is false outside the kernel", () => {
  assertEquals(inJupyter(), false);
});

Deno.test("showChart() outside the kernel is a no-op without savePath", async () => {
  await showChart(SPEC, { title: "nothing to see" });
});

Deno.test("showChart() stages PNG, SVG and spec JSON for savePath; publishing writes them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const png = `${dir}/a/b/chart.png`;
    await showChart(SPEC, { title: "saved", savePath: png });
    await showChart(SPEC, { title: "saved", savePath: `${dir}/c/chart.svg` });
    await showChart(SPEC, { title: "saved", savePath: `${dir}/chart.vl.json` });
    assertEquals([...Deno.readDirSync(dir)], [], "nothing written before publishing");
    await publishStaged();
    const bytes = await Deno.readFile(png);
    assertEquals([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert(bytes.length > 1000);
    const svg = await Deno.readTextFile(`${dir}/c/chart.svg`);
    assert(svg.startsWith("<svg") && svg.includes(">saved</text>"));
    const json = JSON.parse(await Deno.readTextFile(`${dir}/chart.vl.json`));
    assertEquals(json.title, "saved");
    assertEquals(json.mark, "bar");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("showTable() and showMarkdown() print outside the kernel without throwing", async () => {
  await showTable([{ method: "RotNet", acc: 0.91 }], { title: "probe" });
  await showMarkdown("## heading");
});

Deno.test("progressDisplay() throttles, then done() flushes the last text", async () => {
  const p = progressDisplay({ intervalMs: 20 });
  for (let i = 0; i < 100; i++) p.update(`step ${i}`);
  await new Promise((resolve) => setTimeout(resolve, 40)); // the pending redraw fires
  p.update("almost");
  p.done("finished");
  p.update("ignored after done");
  p.done();
  progressDisplay().done(); // never updated: draws nothing
});
