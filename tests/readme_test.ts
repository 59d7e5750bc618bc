import { assertEquals } from "../lib/_assert.ts";
import {
  loadAllResults,
  loadBench,
  loadZoo,
  resultsBlock,
  withResults,
  withSpeed,
  withTimes,
  withZoo,
} from "../tools/readme_results.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("README.md's results block matches results/ (regenerate with deno task readme)", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  assertEquals(withResults(readme, resultsBlock(await loadAllResults())), readme);
});

Deno.test("README.md's wall-time table matches results/ (deno task readme)", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  assertEquals(withTimes(readme, await loadAllResults()), readme);
});

Deno.test("README.md's speed block matches bench/results/train_step.json (deno task readme)", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  assertEquals(withSpeed(readme, await loadBench()), readme);
});

Deno.test("README.md's zoo block matches the committed checkpoints/ (deno task readme)", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  assertEquals(withZoo(readme, await loadZoo()), readme);
});

Deno.test("README.md gives the two commands and how to add a notebook", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  for (const needle of ["bin/suite", "bin/test", "## Adding a notebook"]) {
    assertEquals(readme.includes(needle), true, `README mentions ${needle}`);
  }
});
