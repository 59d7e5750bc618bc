import { assert, assertEquals } from "../_assert.ts";
import type { ResultRow, Results } from "./schema.ts";
import { downstreamTask, OVERVIEW_NOTEBOOKS, SUITE_NOTEBOOKS } from "./suite_map.ts";
import {
  formatMetric,
  headlineFinding,
  leaderboards,
  leaderboardTable,
  loadResultsDir,
  runInfo,
  suiteStatus,
} from "./summary.ts";

const row = (
  method: string,
  family: ResultRow["family"],
  labelsPerClass: ResultRow["labelsPerClass"],
  mean: number,
  metric = "accuracy",
): ResultRow => ({ method, family, labelsPerClass, metric, mean, std: 0.01, n: 3 });

function results(notebook: string, rows: ResultRow[], extra: Partial<Results> = {}): Results {
  return {
    notebook,
    mode: "standard",
    seeds: [0, 1, 2],
    backend: "wasm",
    versions: { deno: "2.9.6", tfjs: "4.22.0" },
    gitSha: "unknown",
    wallSeconds: 600,
    createdAt: "2026-11-27T10:00:00.000Z",
    config: {},
    pretext: {},
    rows,
    ...extra,
  };
}

const rotation = results("01_rotation", [
  row("RotNet + linear probe", "self-supervised", 10, 0.67),
  row("pixels + linear probe", "control", 10, 0.69),
  row("RotNet + linear probe", "self-supervised", "all", 0.84),
  row("pixels + linear probe", "control", "all", 0.83),
]);
const jigsaw = results("02_jigsaw", [
  row("pixels + linear probe", "control", 10, 0.70),
  row("Jigsaw + linear probe", "self-supervised", 10, 0.72),
], { mode: "smoke" });

Deno.test("suite map: stems are unique, numbered, and tasks come from it or a task field", () => {
  const stems = SUITE_NOTEBOOKS.map((n) => n.stem);
  assertEquals(new Set(stems).size, stems.length);
  assert(stems.every((s) => /^\d\d_[a-z_]+$/.test(s)));
  assert(!stems.some((s) => OVERVIEW_NOTEBOOKS.includes(s)));
  assertEquals(downstreamTask({ notebook: "10_word_context" }), "text classification");
  assertEquals(downstreamTask({ notebook: "01_rotation", task: "CIFAR" }), "CIFAR");
  assertEquals(downstreamTask({ notebook: "42_new" }), "other");
});

Deno.test("leaderboards() groups by task, shows shared baselines once, from the best run", () => {
  const boards = leaderboards([rotation, jigsaw]);
  assertEquals(boards.length, 1);
  const [board] = boards;
  assertEquals(board.task, "Fashion-MNIST classification");
  assertEquals(board.notebooks, ["01_rotation", "02_jigsaw"]);
  const pixels = board.rows.filter((r) => r.method === "pixels + linear probe");
  assertEquals(pixels.map((r) => r.notebook), ["01_rotation", "01_rotation"]); // standard > smoke
  assertEquals(board.rows[0].family, "control"); // grouped by family
  const table = leaderboardTable(board);
  assertEquals(table.map((t) => t.method), [
    "pixels + linear probe",
    "RotNet + linear probe",
    "Jigsaw + linear probe",
  ]);
  assertEquals(table[2]["all labels"], "–");
  assertEquals(table[1]["10/class"], "67.0 ± 1.0 %");
});

Deno.test("leaderboards() keeps each metric apart; formatMetric() shows non-accuracy plainly", () => {
  const paradigm = results("50_demo", [row("MLP", "supervised", "all", 3.21, "rmse")]);
  const boards = leaderboards([rotation, paradigm]);
  assertEquals(boards.map((b) => `${b.task}/${b.metric}`), [
    "Fashion-MNIST classification/accuracy",
    "other/rmse",
  ]);
  assertEquals(formatMetric(row("x", "supervised", 1, 3.2104, "rmse")), "3.210 ± 0.010");
});

Deno.test("headlineFinding() compares the best self-supervised row with the best other one", () => {
  assertEquals(
    headlineFinding(rotation.rows),
    "10/class: RotNet + linear probe 67.0 ± 1.0 % ties pixels + linear probe 69.0 ± 1.0 % " +
      "(−2.0 points; no interval: fewer than 2 seeds); " +
      "all labels: RotNet + linear probe 84.0 ± 1.0 % ties pixels + linear probe 83.0 ± 1.0 % " +
      "(+1.0 points; no interval: fewer than 2 seeds)",
  );
  const seeded = (r: ResultRow, scores: number[]): ResultRow => ({
    ...r,
    seeds: [0, 1, 2],
    scores,
  });
  assertEquals(
    headlineFinding([
      seeded(row("VICReg + linear probe", "self-supervised", 10, 0.839), [0.83, 0.85, 0.837]),
      seeded(row("PCA-64 + linear probe", "unsupervised", 10, 0.838), [0.84, 0.835, 0.839]),
      seeded(row("supervised (from scratch)", "supervised", 10, 0.8), [0.79, 0.8, 0.81]),
    ]),
    "10/class: VICReg + linear probe 83.9 ± 1.0 % ties PCA-64 + linear probe 83.8 ± 1.0 % " +
      "(+0.1 points, 95 % CI −1.0 … +1.5)",
  );
  const [win] = headlineFinding([
    seeded(row("VICReg + linear probe", "self-supervised", 10, 0.9), [0.89, 0.9, 0.91]),
    seeded(row("PCA-64 + linear probe", "unsupervised", 10, 0.8), [0.79, 0.8, 0.81]),
  ]).split(" (");
  assertEquals(
    win,
    "10/class: VICReg + linear probe 90.0 ± 1.0 % beats PCA-64 + linear probe 80.0 ± 1.0 %",
  );
});

Deno.test("suiteStatus() lists every planned notebook and marks missing ones as not yet run", () => {
  const status = suiteStatus([rotation]);
  assertEquals(status.length, SUITE_NOTEBOOKS.length);
  const of = (entries: typeof status, stem: string) => entries.find((s) => s.notebook === stem)!;
  assertEquals(of(status, "01_rotation").status, "standard run, 2026-11-27");
  assert(of(status, "01_rotation").finding.includes("RotNet"));
  assertEquals(of(status, "02_jigsaw").status, "not yet run");
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/02_jigsaw.ipynb`, "{}");
  const withDir = suiteStatus([], { notebooksDir: dir });
  assertEquals(of(withDir, "02_jigsaw").status, "not yet run");
  assertEquals(of(withDir, "03_counting").status, "not yet run (notebook not written yet)");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("loadResultsDir() validates every file and names the bad ones", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/01_rotation.json`, JSON.stringify(rotation));
  await Deno.writeTextFile(`${dir}/02_jigsaw.json`, "{ not json");
  await Deno.writeTextFile(`${dir}/03_counting.json`, JSON.stringify({ ...rotation, rows: [] }));
  await Deno.writeTextFile(`${dir}/04_other.json`, JSON.stringify(jigsaw));
  const { results: ok, problems } = await loadResultsDir(dir);
  assertEquals(ok.map((r) => r.notebook), ["01_rotation"]);
  assertEquals(problems.map((p) => p.file.split("/").pop()), [
    "02_jigsaw.json",
    "03_counting.json",
    "04_other.json",
  ]);
  assert(problems[0].error.includes("not valid JSON"));
  assert(problems[1].error.includes(`"rows" must be a non-empty array`));
  assert(problems[2].error.includes(`says notebook "02_jigsaw"`));
  assertEquals(await loadResultsDir(`${dir}/missing`), { results: [], problems: [] });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runInfo() reports runtime and code version per result", () => {
  const [info] = runInfo([rotation]);
  assertEquals([info.notebook, info.minutes, info.code, info.codeStatus, info.reused], [
    "01_rotation",
    10,
    "unknown",
    "unknown",
    "–",
  ]);
  const runs = [{ reused: { computedBy: "x", createdAt: "", seconds: 1 } }, {}, {}];
  assertEquals(runInfo([{ ...rotation, pretext: { runs } }])[0].reused, "1 of 3");
});
