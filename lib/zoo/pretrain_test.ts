import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { readManifest } from "./checkpoint.ts";
import {
  loadStoredEncoder,
  pretrain,
  type PretrainOptions,
  storedEpochs,
  zooJobs,
  type ZooManifest,
} from "./pretrain.ts";
import { RECIPES } from "./recipes.ts";

await initBackend();
const quiet = { progress: false, log: () => {} };
const small = { seed: 1, images: 256, scheduleEpochs: 3, ...quiet };

const weightsSha = async (dir: string, method: string, seed: number, epoch: number) =>
  (await readManifest<ZooManifest>(`${dir}/${method}/seed-${seed}/epoch-${epoch}`)).weights.sha256;

for (const method of ["rotation", "simclr", "dcgan"]) {
  Deno.test(`${method}: resuming (at an epoch's end, or mid-epoch after an interruption) gives the same weights`, async () => {
    // the GAN trains on fewer images: a step is several times a CNN recipe's
    const images = method === "dcgan" ? 96 : small.images;
    const opts = (dir: string): PretrainOptions => ({ method, dir, epochs: 2, ...small, images });
    const straight = await Deno.makeTempDir();
    assertEquals((await pretrain(opts(straight))).status, "done");

    const resumed = await Deno.makeTempDir();
    await pretrain({ ...opts(resumed), epochs: 1 });
    await pretrain({ ...opts(resumed), resume: true });

    // stop one step into epoch 2 (the signal is checked after each step), then resume
    const interrupted = await Deno.makeTempDir();
    const controller = new AbortController();
    const first = await pretrain({
      ...opts(interrupted),
      signal: controller.signal,
      log: (line) => line.includes("epoch 1/2") && controller.abort(),
    });
    assertEquals([first.status, first.epochs, first.stepInEpoch], ["interrupted", 1, 1]);
    const state = await readManifest<ZooManifest>(`${interrupted}/${method}/seed-1/state`);
    assertEquals([state.epochs, state.stepInEpoch], [1, 1]);
    await pretrain({ ...opts(interrupted), resume: true });

    const want = await weightsSha(straight, method, 1, 2);
    assertEquals(await weightsSha(resumed, method, 1, 2), want);
    assertEquals(await weightsSha(interrupted, method, 1, 2), want);
    assertEquals(await storedEpochs(straight, method, 1), [1, 2]);
    const m = await readManifest<ZooManifest>(`${straight}/${method}/seed-1/epoch-2`);
    assertEquals(m.history.map((h) => h.epoch), [1, 2]);
    assert(m.history.every((h) => Number.isFinite(h.loss)));
    assertEquals(m.imagesSeen, 2 * m.stepsPerEpoch * RECIPES[method].config.batchSize);
    assertEquals(m.config.images, images);
  });
}

Deno.test("a stored encoder loads as the 28×28 encoder; another seed's file is refused", async () => {
  const dir = await Deno.makeTempDir();
  await pretrain({ method: "counting", dir, epochs: 1, ...small });
  const stored = await loadStoredEncoder(dir, "counting", 1, 1);
  assertEquals(stored.encoder.inputs[0].shape, [null, 28, 28, 1]);
  assertEquals(stored.encoder.outputs[0].shape, [null, 128]);
  assertEquals(stored.manifest.epochs, 1);
  await Deno.rename(`${dir}/counting/seed-1`, `${dir}/counting/seed-2`);
  await assertRejects(() => loadStoredEncoder(dir, "counting", 2, 1), /seed is 1, expected 2/);
  await assertRejects(() => loadStoredEncoder(dir, "counting", 2, 30), /no such file/);
});

Deno.test("pretrain refuses to overwrite a run, or to resume it with other settings", async () => {
  const dir = await Deno.makeTempDir();
  await pretrain({ method: "rotation", dir, epochs: 1, ...small });
  await assertRejects(
    () => pretrain({ method: "rotation", dir, epochs: 2, ...small }),
    /already holds a run: pass --resume/,
  );
  await assertRejects(
    () => pretrain({ method: "rotation", dir, epochs: 2, ...small, images: 300, resume: true }),
    /another configuration \(images: stored 256, now 300\)/,
  );
  await assertRejects(
    () => pretrain({ method: "rotation", dir, epochs: 4, ...small, resume: true }),
    /epochs 4 is beyond the schedule's 3/,
  );
  await assertRejects(
    () => pretrain({ method: "nope", dir, epochs: 1, ...small }),
    /unknown pretext method "nope"/,
  );
});

Deno.test("the zoo's job matrix: every method and seed once, first seeds first", () => {
  const jobs = zooJobs();
  assertEquals(jobs.map((j) => j.job), jobs.map((_, i) => i));
  assertEquals(new Set(jobs.map((j) => `${j.method}/${j.seed}`)).size, jobs.length);
  assertEquals(new Set(jobs.map((j) => j.method)), new Set(Object.keys(RECIPES)));
  const firsts = jobs.filter((j) => j.seed === 0).map((j) => j.job);
  assertEquals(firsts, firsts.map((_, i) => i));
});

Deno.test("without its state (a fresh checkout) a run goes on from its last checkpoint, and says so", async () => {
  const dir = await Deno.makeTempDir();
  const opts: PretrainOptions = { method: "rotation", dir, epochs: 1, ...small };
  await pretrain(opts);
  await Deno.remove(`${dir}/rotation/seed-1/state.json`);
  await Deno.remove(`${dir}/rotation/seed-1/state.bin`);
  await assertRejects(
    () => pretrain({ ...opts, epochs: 2 }),
    /already holds checkpoints: pass --resume/,
  );
  const lines: string[] = [];
  const outcome = await pretrain({ ...opts, epochs: 2, resume: true, log: (l) => lines.push(l) });
  assertEquals([outcome.status, outcome.epochs], ["done", 2]);
  assert(lines.some((l) => /going on from .*epoch-1 \(weights exact; Adam's moments/.test(l)));
  const m = await readManifest<ZooManifest>(`${dir}/rotation/seed-1/epoch-2`);
  assertEquals(m.restarts, [1]);
  assertEquals(m.history.map((h) => h.epoch), [1, 2]);
  // the restart's weights are epoch 1's, exactly: epoch 2 from there differs from a straight run
  const straight = await Deno.makeTempDir();
  await pretrain({ ...opts, dir: straight, epochs: 2 });
  assertEquals(
    await weightsSha(dir, "rotation", 1, 1),
    await weightsSha(straight, "rotation", 1, 1),
  );
  assert(await weightsSha(dir, "rotation", 1, 2) !== await weightsSha(straight, "rotation", 1, 2));
  const plain = await readManifest<ZooManifest>(`${straight}/rotation/seed-1/epoch-2`);
  assertEquals(plain.restarts, undefined);
});

Deno.test("layerwise: each checkpoint is a greedy run of its own; an interrupted one is trained again on --resume", async () => {
  const opts = (dir: string): PretrainOptions => ({
    method: "layerwise",
    dir,
    epochs: 3,
    ...small,
  });
  const straight = await Deno.makeTempDir();
  assertEquals((await pretrain(opts(straight))).status, "done");
  assertEquals(await storedEpochs(straight, "layerwise", 1), [1, 3]);
  const m = await readManifest<ZooManifest>(`${straight}/layerwise/seed-1/epoch-3`);
  // three stages of three epochs, numbered on across the stages
  assertEquals(m.history.map((h) => h.epoch), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertEquals(m.imagesSeen, 3 * 3 * m.stepsPerEpoch * 128);
  const stored = await loadStoredEncoder(straight, "layerwise", 1, 3);
  assertEquals(stored.encoder.outputs[0].shape, [null, 128]);

  // stop during the run to epoch 3: epoch 1 stays, no state is written, --resume trains epoch 3
  const interrupted = await Deno.makeTempDir();
  const controller = new AbortController();
  const first = await pretrain({
    ...opts(interrupted),
    signal: controller.signal,
    log: (line) => line.includes("1 epoch(s) per stage") && controller.abort(),
  });
  assertEquals([first.status, first.epochs], ["interrupted", 1]);
  await assertRejects(() => pretrain(opts(interrupted)), /already holds checkpoints/);
  const lines: string[] = [];
  await pretrain({ ...opts(interrupted), resume: true, log: (l) => lines.push(l) });
  assert(!lines.some((l) => l.includes("going on from")), "a greedy run has no state to restart");
  assertEquals(await storedEpochs(interrupted, "layerwise", 1), [1, 3]);
  assertEquals(
    await weightsSha(interrupted, "layerwise", 1, 3),
    await weightsSha(straight, "layerwise", 1, 3),
  );
});
