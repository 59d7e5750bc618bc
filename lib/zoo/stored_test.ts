import { assert, assertEquals } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { pretrain, zooImages } from "./pretrain.ts";
import { describeStored, storedReadouts, storedZoo } from "./stored.ts";
import type { ResultRow } from "../results/schema.ts";

await initBackend();

Deno.test("storedReadouts: the latest checkpoint's read-outs, named; or why there are none", async () => {
  const dir = await Deno.makeTempDir();
  const quiet = { progress: false, log: () => {} };
  await pretrain({ method: "counting", seed: 0, dir, epochs: 1, images: 128, ...quiet });
  const set = await zooImages(128);
  const data = { train: set, test: set };
  assertEquals(await storedZoo(dir), [{
    method: "counting",
    title: "Counting",
    seed: 0,
    epochs: [1],
  }]);
  const found = await storedReadouts(data, "counting", { mode: "standard", knn: {}, dir });
  assertEquals(found.methods.map((m) => m.name), [
    "Counting, 1 epoch (stored) + linear probe",
    "Counting, 1 epoch (stored) + kNN",
  ]);
  assert(found.note.includes("epoch 1 of a 30-epoch run") && found.note.includes("verified"));
  assertEquals(found.versusLive[1], {
    method: "Counting, 1 epoch (stored) + kNN",
    otherMethod: "Counting + kNN",
  });
  const tuned = await storedReadouts(data, "counting", {
    mode: "smoke",
    knn: {},
    dir,
    fineTune: {
      schedule: {
        batchSize: 8,
        maxEpochs: 1,
        patience: 1,
        maxImages: null,
        learningRates: [1e-3],
        augment: false,
      },
    },
  });
  assertEquals(tuned.methods.at(-1)!.name, "Counting, 1 epoch (stored) + fine-tune");
  const full = await storedReadouts(data, "counting", { mode: "full", knn: {}, dir });
  assertEquals(full.methods, []);
  assertEquals(full.versusLive, []);
  assertEquals(describeStored([], full), [full.note]);
  const row = (method: string, scores: number[]): ResultRow => ({
    method,
    family: "self-supervised",
    labelsPerClass: 10,
    metric: "accuracy",
    mean: scores.reduce((a, b) => a + b) / scores.length,
    std: 0.01,
    n: scores.length,
    scores,
    seeds: [0, 1, 2],
  });
  const lines = describeStored([
    row("Counting, 1 epoch (stored) + linear probe", [0.80, 0.81, 0.82]),
    row("Counting + linear probe", [0.70, 0.70, 0.71]),
  ], found);
  assert(
    lines.some((l) =>
      l.includes("**Counting, 1 epoch (stored) + linear probe**") &&
      l.includes("beats Counting + linear probe")
    ),
    lines.join("\n"),
  );
  assert(full.note.includes("Full mode retrains"));
  const none = await storedReadouts(data, "mae", { mode: "standard", knn: {}, dir });
  assertEquals(none.methods, []);
  assert(
    none.note.includes("no stored mae checkpoint for seed 0") &&
      none.note.includes("live run only"),
  );
  const bin = `${dir}/counting/seed-0/epoch-1.bin`;
  await Deno.writeFile(bin, (await Deno.readFile(bin)).subarray(0, 100));
  const broken = await storedReadouts(data, "counting", { mode: "standard", knn: {}, dir });
  assertEquals(broken.methods, []);
  assert(broken.note.includes("truncated or replaced"), broken.note);
});
