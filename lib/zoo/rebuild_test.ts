import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { readManifest } from "./checkpoint.ts";
import { checkZoo, pretrain, runDir, type ZooManifest } from "./pretrain.ts";
import { rebuildWeights, weightsAbsent, withWeights } from "./rebuild.ts";
import { storedZoo } from "./stored.ts";

await initBackend();
const quiet = { progress: false, log: () => {} };

async function smallRun() {
  const dir = await Deno.makeTempDir();
  await pretrain({
    method: "rotation",
    seed: 1,
    epochs: 3,
    scheduleEpochs: 3,
    images: 256,
    dir,
    ...quiet,
  });
  return { dir, where: runDir(dir, "rotation", 1) };
}

Deno.test("a checkpoint without its weights is named, not read, and rebuilt to the same bytes", async () => {
  const { dir, where } = await smallRun();
  const original = await Deno.readFile(`${where}/epoch-1.bin`);
  await Deno.remove(`${where}/epoch-1.bin`);

  const entries = await checkZoo(dir);
  assertEquals(entries.map((e) => [e.epochs, e.problem, e.weightsAbsent ?? false]), [
    [1, null, true],
    [3, null, false],
  ]);
  assertEquals(weightsAbsent(entries), [{ method: "rotation", seed: 1, epochs: [1] }]);

  const split = await withWeights(dir, await storedZoo(dir));
  assertEquals(split.runs.map((r) => [r.method, r.seed, r.epochs]), [["rotation", 1, [3]]]);
  assertEquals(split.absent.map((r) => r.epochs), [[1]]);
  assert(split.note.includes("RotNet seed 1 epoch 1"), split.note);
  assert(split.note.includes("deno task pretrain --rebuild"), split.note);

  const written = await rebuildWeights(dir, entries, quiet);
  assertEquals(written, [`${where}/epoch-1`]);
  assertEquals(await Deno.readFile(`${where}/epoch-1.bin`), original);
  assertEquals((await checkZoo(dir)).filter((e) => e.problem || e.weightsAbsent), []);
  assertEquals((await withWeights(dir, await storedZoo(dir))).note, "");
});

Deno.test("a rebuild that does not match its manifest writes nothing and says where it is", async () => {
  const { dir, where } = await smallRun();
  await Deno.remove(`${where}/epoch-1.bin`);
  const manifest = await readManifest<ZooManifest>(`${where}/epoch-1`);
  manifest.weights.sha256 = "0".repeat(64);
  await Deno.writeTextFile(`${where}/epoch-1.json`, JSON.stringify(manifest));
  await assertRejects(
    async () => await rebuildWeights(dir, await checkZoo(dir), quiet),
    new RegExp(`the rebuilt ${where}/epoch-1\\.bin differs from its manifest \\(SHA-256`),
  );
  assertEquals(await Deno.stat(`${where}/epoch-1.bin`).then(() => true, () => false), false);
});

Deno.test("an epoch after a restart from a checkpoint is refused: a fresh run cannot give it", async () => {
  const { dir, where } = await smallRun();
  await Deno.remove(`${where}/epoch-3.bin`);
  const manifest = await readManifest<ZooManifest>(`${where}/epoch-3`);
  await Deno.writeTextFile(`${where}/epoch-3.json`, JSON.stringify({ ...manifest, restarts: [1] }));
  await assertRejects(
    async () => await rebuildWeights(dir, await checkZoo(dir), quiet),
    /went on from its epoch-1 checkpoint with Adam's moments reset/,
  );
});
