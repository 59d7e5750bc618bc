import { assertEquals, assertThrows } from "../_assert.ts";
import { checkResultsDir, validateKnobs } from "./knobs.ts";
import { applyOverrides } from "./mode.ts";

const KNOBS = [
  "SUITE_MODE",
  "SUITE_WORKERS",
  "BACKEND",
  "SUITE_THREADS",
  "SUITE_CACHE",
  "RESULTS_DIR",
  "SUITE_OVERRIDES",
];

/** Runs `fn` with the knobs set as given (others unset, RESULTS_DIR a fresh temp dir by default). */
function withKnobs(env: Record<string, string>, fn: (tmp: string) => void): void {
  const saved = Object.fromEntries(KNOBS.map((k) => [k, Deno.env.get(k)]));
  const tmp = Deno.makeTempDirSync({ prefix: "knobs-" });
  try {
    for (const k of KNOBS) Deno.env.delete(k);
    Deno.env.set("RESULTS_DIR", `${tmp}/results`);
    for (const [k, v] of Object.entries(env)) Deno.env.set(k, v.replaceAll("$TMP", tmp));
    fn(tmp);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Deno.env.delete(k);
      else Deno.env.set(k, v);
    }
    removeWithRetry(tmp);
  }
}

/** A file landing in `dir` during removal (seen once in CI: "Directory not empty") gets a retry. */
function removeWithRetry(dir: string): void {
  for (let attempt = 1;; attempt++) {
    try {
      Deno.removeSync(dir, { recursive: true });
      return;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

Deno.test("validateKnobs() accepts the defaults and creates a missing RESULTS_DIR", () => {
  withKnobs({}, (tmp) => {
    const knobs = validateKnobs();
    assertEquals(knobs.workers, 2);
    assertEquals(knobs.resultsDir, `${tmp}/results`);
    assertEquals(knobs.cacheDir, `${tmp}/results/cache`);
    assertEquals(Deno.statSync(`${tmp}/results`).isDirectory, true);
    assertEquals([...Deno.readDirSync(`${tmp}/results`)], [], "the write check leaves nothing");
  });
});

Deno.test("the config cell's applyOverrides() rejects every bad knob before any work, naming it", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ SUITE_MODE: "fast" }, /SUITE_MODE="fast" is not a valid mode/],
    [{ SUITE_WORKERS: "two" }, /SUITE_WORKERS="two" is not valid/],
    [{ SUITE_WORKERS: "-1" }, /SUITE_WORKERS="-1" is not valid/],
    [{ BACKEND: "tpu" }, /BACKEND: unknown backend "tpu"/],
    [{ SUITE_THREADS: "0" }, /SUITE_THREADS="0" is not valid/],
    [{ SUITE_CACHE: "maybe" }, /SUITE_CACHE="maybe" is not valid/],
    [{ SUITE_OVERRIDES: '{"epoch": 1}' }, /SUITE_OVERRIDES names "epoch"/],
  ];
  for (const [env, message] of cases) {
    withKnobs(env, () => assertThrows(() => applyOverrides({ epochs: 1 }), message));
  }
});

Deno.test("RESULTS_DIR that is a file, or under a file, is an error naming RESULTS_DIR", () => {
  withKnobs({ RESULTS_DIR: "$TMP/file" }, (tmp) => {
    Deno.writeTextFileSync(`${tmp}/file`, "x");
    assertThrows(() => applyOverrides({}), /RESULTS_DIR=.*\/file is a file, not a directory/);
  });
  withKnobs({ RESULTS_DIR: "$TMP/file/results" }, (tmp) => {
    Deno.writeTextFileSync(`${tmp}/file`, "x");
    assertThrows(
      () => applyOverrides({}),
      /RESULTS_DIR=.*\/file\/results does not exist and cannot be created.*Fix: point RESULTS_DIR/,
    );
  });
  withKnobs({}, (tmp) => {
    Deno.mkdirSync(`${tmp}/results`);
    Deno.writeTextFileSync(`${tmp}/results/cache`, "x");
    assertThrows(() => validateKnobs(), /run cache .*\/cache .* is a file.*SUITE_CACHE=off/);
  });
});

Deno.test({
  name: "a read-only RESULTS_DIR is an error naming RESULTS_DIR",
  ignore: Deno.uid() === 0, // root writes into read-only directories
  fn: () => {
    withKnobs({}, (tmp) => {
      Deno.mkdirSync(`${tmp}/results`, { mode: 0o555 });
      try {
        assertThrows(() => checkResultsDir(), /RESULTS_DIR=.*\/results is not writable/);
      } finally {
        Deno.chmodSync(`${tmp}/results`, 0o755);
      }
    });
  },
});
