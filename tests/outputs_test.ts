/**
 * What notebooks put in their outputs: image grids go in as PNG only (no per-pixel Vega-Lite
 * JSON), printed paths are repo-relative (`displayPath`), and the committed notebooks hold no
 * machine path and stay small. (Each site page's size is checked in site_test.ts, on the site
 * that test builds.)
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertThrows } from "../lib/_assert.ts";
import { imageGrid, isPngOnly } from "../lib/plot/specs.ts";
import { loadResults, type RunResults, saveResults } from "../lib/results/save.ts";
import { displayPath, repoRoot } from "../lib/show/paths.ts";
import { chartName, showChart } from "../lib/show/show.ts";
import { renderNotebook } from "../tools/site/notebook_page.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const VEGA_LITE = "application/vnd.vegalite.v5+json";
/** The largest committed notebook, in bytes (1.5 MiB, what GitHub shows as 1.5 MB). */
const MAX_NOTEBOOK_BYTES = 1.5 * 1024 * 1024;
/** A machine path in an output (not a URL's path such as `example.org/tmp/`). */
const MACHINE_PATH = /(?<![\w-])(?:file:\/\/|\/(?:work|root|home|tmp)\/)[^\s"'`)\]]*/g;

type Sent = { data: Record<string, unknown>; metadata: Record<string, unknown> };

/**
 * Runs `fn` with a stand-in `Deno.jupyter` (the kernel's API) that records what is broadcast;
 * restores the real one (absent outside the kernel) afterwards.
 */
async function inFakeKernel(fn: () => Promise<void>): Promise<Sent[]> {
  const sent: Sent[] = [];
  const fake = {
    broadcast: (type: string, content: Sent) => {
      assertEquals(type, "display_data");
      sent.push(content);
      return Promise.resolve();
    },
    display: () => Promise.resolve(),
  };
  const deno = Deno as unknown as { jupyter: unknown };
  deno.jupyter = fake;
  try {
    await fn();
  } finally {
    deno.jupyter = undefined;
  }
  return sent;
}

const pngBytes = (b64: unknown): Uint8Array =>
  Uint8Array.from(atob(String(b64)), (c) => c.charCodeAt(0));
const pngSize = (png: Uint8Array): [number, number] => {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
};

Deno.test("showChart(imageGrid(…)) sends a PNG only, at scale 1, no Vega-Lite", async () => {
  const pixels = new Uint8Array(28 * 28).map((_, i) => (i * 7) % 256);
  const spec = imageGrid(
    [0, 90, 180, 270].map((deg) => ({ pixels, width: 28, height: 28, row: "a", col: `${deg}°` })),
  );
  assert(isPngOnly(spec), "imageGrid marks its spec PNG-only");
  const sent = await inFakeKernel(() => showChart(spec, { title: "Rotations" }));
  assertEquals(sent.length, 1);
  const { data, metadata } = sent[0];
  assertEquals(Object.keys(data).sort(), ["image/png", "text/plain"]);
  assert(!JSON.stringify(sent[0]).includes('"flatten"'), "no per-pixel transform in the output");
  const png = pngBytes(data["image/png"]);
  assertEquals([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const [w, h] = pngSize(png);
  assertEquals(metadata, { "image/png": { width: w, height: h } }, "scale 1: CSS size = pixels");
  assertEquals(chartName(data["text/plain"]), "Rotations", "the site captions it by this name");
  assert(
    String(data["text/plain"]).startsWith("Rotations [PNG chart,"),
    String(data["text/plain"]),
  );
});

Deno.test("showChart() sends other charts as Vega-Lite + 2× PNG; pngOnly forces PNG", async () => {
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] },
    mark: "bar",
    encoding: { x: { field: "a", type: "ordinal" }, y: { field: "b", type: "quantitative" } },
  };
  assert(!isPngOnly(spec));
  const dir = await Deno.makeTempDir();
  try {
    const sent = await inFakeKernel(async () => {
      await showChart(spec, { title: "bars", savePath: `${dir}/results/bars.png` });
      await showChart(spec, { title: "bars", pngOnly: true });
    });
    const [both, pngOnly] = sent;
    assertEquals(Object.keys(both.data).sort(), [VEGA_LITE, "image/png", "text/plain"]);
    assertEquals((both.data[VEGA_LITE] as { title?: string }).title, "bars");
    const [w, h] = pngSize(pngBytes(both.data["image/png"]));
    assertEquals(both.metadata, { "image/png": { width: w / 2, height: h / 2 } }, "scale 2");
    assertEquals(
      both.data["text/plain"],
      `bars [Vega-Lite chart, ${w / 2}×${h / 2} px] saved to results/bars.png`,
      "the saved path is printed without the temporary directory",
    );
    assertEquals(chartName(both.data["text/plain"]), "bars");
    assertEquals(Object.keys(pngOnly.data).sort(), ["image/png", "text/plain"]);
  } finally {
    const { stagedOutputs, publishStaged } = await import("../lib/_write.ts");
    if (stagedOutputs().length) await publishStaged(); // into the temporary directory
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isPngOnly() holds for marked specs and specs too large to embed, not for others", () => {
  assert(isPngOnly({ usermeta: { pngOnly: true } }));
  assert(!isPngOnly({ usermeta: { pngOnly: false } }));
  assert(isPngOnly({ data: { values: Array.from({ length: 40_000 }, (_, i) => ({ i })) } }));
  assert(!isPngOnly(null) && !isPngOnly("spec"));
});

Deno.test("chartName() reads only showChart's description line", () => {
  assertEquals(
    chartName(["Loss [Vega-Lite chart, ", "600×300 px] saved to results/x.png"]),
    "Loss",
  );
  assertEquals(chartName("Faces [PNG chart, 84×84 px]"), "Faces");
  assertEquals(chartName("some printout [1, 2]"), undefined);
  assertEquals(chartName(undefined), undefined);
});

Deno.test("displayPath() prints paths relative to the repository root", () => {
  assertEquals(repoRoot(), ROOT, "the working directory is in this repository");
  assertEquals(displayPath(`${ROOT}/results/01_rotation.json`), "results/01_rotation.json");
  assertEquals(displayPath(`${ROOT}/results/cache`), "results/cache");
  assertEquals(displayPath(`${ROOT}/notebooks/../results/a.png`), "results/a.png");
  assertEquals(displayPath(new URL(`file://${ROOT}/lib/mod.ts`)), "lib/mod.ts");
  assertEquals(displayPath(`file://${ROOT}/lib/mod.ts`), "lib/mod.ts");
  assertEquals(displayPath(ROOT), ".");
  assertEquals(displayPath("results/x.json"), "results/x.json", "relative to the working dir");
  assertEquals(displayPath(`${ROOT}/not/yet/written.png`), "not/yet/written.png");
});

Deno.test("displayPath() keeps two components outside the repo; finds nested roots", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertEquals(displayPath(`${dir}/results/01_rotation.json`), "results/01_rotation.json");
    assertEquals(displayPath("/etc/hosts"), "etc/hosts");
    assertEquals(displayPath("/"), ".");
    await Deno.writeTextFile(join(dir, "deno.json"), "{}");
    assertEquals(repoRoot(join(dir, "a", "b")), dir);
    assertEquals(displayPath(`${dir}/a/b/c.png`), "a/b/c.png", "relative to the nearest deno.json");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("displayPath() names bad input and how to fix it", () => {
  assertThrows(() => displayPath(""), /non-empty string or a file: URL, got ""/);
  assertThrows(() => displayPath(42 as unknown as string), /got 42/);
  assertThrows(
    () => displayPath(new URL("https://example.org/a.png")),
    /https:\/\/example\.org\/a\.png is not a file: URL .*; pass a file path/,
  );
});

Deno.test("saveResults() returns a path to print and read back: relative in the repo", async () => {
  const sample: RunResults = {
    notebook: "00_test",
    mode: "smoke",
    seeds: [0],
    backend: "cpu",
    wallSeconds: 1,
    config: {},
    pretext: {},
    rows: [{
      method: "pixels + linear probe",
      family: "control",
      labelsPerClass: 10,
      metric: "accuracy",
      mean: 0.7,
      std: 0,
      n: 1,
    }],
  };
  const repo = await Deno.makeTempDir();
  const cwd = Deno.cwd();
  try {
    // Outside the working directory's repository: the absolute path, which reads back anywhere.
    const outside = await saveResults(sample, { dir: `${repo}/results` });
    assertEquals(outside, `${repo}/results/00_test.json`);
    // A repository (deno.json) whose notebooks/ is the working directory, as in the kernel.
    await Deno.writeTextFile(`${repo}/deno.json`, "{}");
    await Deno.mkdir(`${repo}/notebooks`);
    Deno.chdir(`${repo}/notebooks`);
    const saved = await saveResults(sample, { dir: `${repo}/results` });
    assertEquals(saved, "../results/00_test.json");
    assertEquals((await loadResults(saved)).notebook, "00_test");
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("loadResults() names a missing file repo-relative", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertRejects(
      () => loadResults(`${dir}/results/none.json`),
      /cannot read results file results\/none\.json: No such file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("site pages show PNG-only charts as captioned images, never live", async () => {
  const spec = imageGrid([{ pixels: new Uint8Array(4), width: 2, height: 2 }], { title: "Tiny" });
  const png = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47));
  const nb = {
    cells: [{ cell_type: "markdown", source: "## Samples" }, {
      cell_type: "code",
      source: "await showChart(grid)",
      outputs: [
        { // what showChart sends now
          output_type: "display_data",
          data: { "image/png": png, "text/plain": "Faces [PNG chart, 84×84 px]" },
        },
        { // a marked spec that reached an output anyway
          output_type: "display_data",
          data: {
            [VEGA_LITE]: spec,
            "image/png": png,
            "text/plain": "Tiny [Vega-Lite chart, 6×6 px]",
          },
        },
      ],
    }],
  };
  const written: string[] = [];
  const page = await renderNotebook(nb, "xx", (name) => {
    written.push(name);
    return Promise.resolve(`figures/${name}`);
  });
  assertEquals(written, ["xx-fig1.png", "xx-fig2.png"]);
  assertEquals(page.charts, 2);
  assert(!page.body.includes("vl-chart"), "no live chart");
  assert(page.body.includes(`<img src="figures/xx-fig1.png" alt="Figure 1. Faces">`), page.body);
  assert(page.body.includes("<figcaption>Figure 2. Tiny</figcaption>"), page.body);
});

interface NotebookOutput {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

function committedNotebooks(): string[] {
  return [...Deno.readDirSync(`${ROOT}/notebooks`)].map((e) => e.name)
    .filter((n) => n.endsWith(".ipynb") && !n.endsWith(".failed.ipynb")).sort();
}

/** The searchable text of one output: printouts, errors, and every non-image MIME part. */
function outputTexts(out: NotebookOutput): [string, string][] {
  const join = (x: unknown) => Array.isArray(x) ? x.join("") : String(x);
  const parts: [string, string][] = [];
  if (out.text !== undefined) parts.push([`stream`, join(out.text)]);
  if (out.output_type === "error") {
    parts.push(["error", `${out.ename}: ${out.evalue}\n${(out.traceback ?? []).join("\n")}`]);
  }
  for (const [mime, value] of Object.entries(out.data ?? {})) {
    if (mime.startsWith("image/") && mime !== "image/svg+xml") continue;
    parts.push([
      mime,
      typeof value === "string" || Array.isArray(value) ? join(value) : JSON.stringify(value),
    ]);
  }
  return parts;
}

Deno.test("committed notebooks: no machine paths in any output", () => {
  const found: string[] = [];
  for (const name of committedNotebooks()) {
    const nb = JSON.parse(Deno.readTextFileSync(`${ROOT}/notebooks/${name}`)) as {
      cells: { outputs?: NotebookOutput[] }[];
    };
    nb.cells.forEach((cell, i) => {
      for (const out of cell.outputs ?? []) {
        for (const [part, text] of outputTexts(out)) {
          for (const m of text.matchAll(MACHINE_PATH)) {
            found.push(`notebooks/${name} cells[${i}] (${part}): ${m[0].slice(0, 100)}`);
          }
        }
      }
    });
  }
  assertEquals(
    found,
    [],
    `${found.length} machine path(s) in committed notebook outputs; print paths with ` +
      "displayPath (lib/show/paths.ts) and re-run the notebooks:\n" + found.join("\n"),
  );
});

Deno.test("committed notebooks: each at most 1.5 MB", () => {
  const big = committedNotebooks().map((name) => ({
    name,
    bytes: Deno.statSync(`${ROOT}/notebooks/${name}`).size,
  })).filter((n) => n.bytes > MAX_NOTEBOOK_BYTES)
    .map((n) => `notebooks/${n.name}: ${(n.bytes / 1024 / 1024).toFixed(2)} MB`);
  assertEquals(
    big,
    [],
    "notebooks over 1.5 MB; charts too large to embed should be PNG only (isPngOnly, " +
      "lib/plot/specs.ts) — re-run them:\n" + big.join("\n"),
  );
});
