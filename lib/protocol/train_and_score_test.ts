import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { bandedImages } from "../eval/_test_util.ts";
import { stratifiedSubset } from "../data/mod.ts";
import {
  checkSchedule,
  epochCap,
  trainAndScore,
  type TrainSchedule,
  type TrainTask,
} from "./train_and_score.ts";

await initBackend("wasm");

const data = { train: bandedImages(60, 1), test: bandedImages(20, 2) };
const schedule: TrainSchedule = {
  batchSize: 16,
  maxEpochs: 6,
  patience: 2,
  maxImages: null,
  learningRates: [1e-2, 1e-3],
  augment: true,
};
const task = (over: Partial<TrainTask> = {}): TrainTask => ({
  label: "test",
  seed: 0,
  subset: stratifiedSubset(data.train.labels, 5, { seed: 0, numClasses: 3 }),
  encoderWeights: null,
  numClasses: 3,
  schedule,
  ...over,
});

Deno.test("epochCap(): maxEpochs, fewer when the image cap binds, at least one", () => {
  assertEquals(epochCap(100, schedule), 6);
  assertEquals(epochCap(100, { ...schedule, maxImages: 250 }), 2);
  assertEquals(epochCap(1000, { ...schedule, maxImages: 250 }), 1);
});

Deno.test("checkSchedule() names the field that cannot run", () => {
  assertThrows(() => checkSchedule({ ...schedule, patience: 0 }), /patience/);
  assertThrows(() => checkSchedule({ ...schedule, learningRates: [] }), /learningRates/);
  assertThrows(() => checkSchedule({ ...schedule, maxImages: 0.5 }), /maxImages/);
});

Deno.test("trainAndScore(): holds out a fifth of the subset, records what it chose, repeats", async () => {
  const first = await trainAndScore(task(), data, false);
  const { selected } = first;
  // 5 labelled images per class: one per class held out.
  assertEquals(selected.validationImages + selected.trainImages, task().subset.length);
  assert(selected.validationImages >= 1 && selected.validationImages < selected.trainImages);
  assert(schedule.learningRates.includes(selected.learningRate));
  assert(selected.epoch >= 1 && selected.epoch <= selected.epochsRun);
  assert(selected.epochsRun <= schedule.maxEpochs);
  assertEquals(
    selected.stoppedBy,
    selected.epochsRun < schedule.maxEpochs ? "patience" : "maxEpochs",
  );
  assert(first.accuracy >= 0 && first.accuracy <= 1);
  const again = await trainAndScore(task(), data, false);
  assertEquals(again.accuracy, first.accuracy);
  assertEquals(again.selected, selected);
});

Deno.test("trainAndScore(): an image cap that binds is reported as such", async () => {
  const capped = { ...schedule, learningRates: [1e-2], patience: 10, maxImages: 60 };
  const { selected } = await trainAndScore(task({ schedule: capped }), data, false);
  assertEquals(selected.stoppedBy, "maxImages");
  assertEquals(selected.epochsRun, epochCap(selected.trainImages, capped));
});
