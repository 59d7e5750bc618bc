import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { randomGarments } from "../data/_test_util.ts";
import { clipFrames, movingFashion } from "../data/moving_fashion.ts";
import { buildEncoder } from "../models/encoder.ts";
import { createRng } from "../random.ts";
import { buildVideoEncoder } from "../pretext/video.ts";
import { clipFeatures, clipPcaSource, clipSet, clipSource, frameAverageSource } from "./clips.ts";
import { probeMethod, runProtocol, trainedMethod } from "./protocol.ts";

await initBackend();

const opts = { frames: 4, size: 32 };
const trainClips = movingFashion(randomGarments(40, 4), { clips: 60, seed: 1, ...opts });
const testClips = movingFashion(randomGarments(40, 4), { clips: 30, seed: 2, ...opts });
const data = {
  train: clipSet(trainClips, trainClips.garment),
  test: clipSet(testClips, testClips.garment),
};

Deno.test("clipSet: labelled batches of clips, predictions for every clip, no augmentation", async () => {
  const { x, y } = data.train.labeledSource([3, 5], {}).batch(
    Int32Array.from([0, 1]),
    createRng(0),
  );
  assertEquals([x.shape, y.shape], [[2, 32, 32, 4], [2]]);
  assertEquals(Array.from(await y.data()), [trainClips.garment[3], trainClips.garment[5]]);
  tf.dispose([x, y]);
  assertThrows(() => data.train.labeledSource([0], { augment: true }), /not augmented/);
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [32, 32, 4] }), tf.layers.dense({ units: 10 })],
  });
  assertEquals((await data.test.predict(model)).length, 30);
  assertThrows(() => clipSet(trainClips, new Uint8Array(3)), /3 labels for 60 clips/);
});

Deno.test("frameAverageSource: the image encoder's features averaged over each clip's frames", async () => {
  const encoder = buildEncoder({ seed: 0, inputShape: [32, 32, 1] });
  const features = await frameAverageSource(data, encoder).test();
  assertEquals([features.n, features.dim], [30, 128]);
  const frames = Float32Array.from(clipFrames(testClips, 0), (v) => v / 255);
  const perFrame = await (encoder.predict(tf.tensor4d(frames, [4, 32, 32, 1])) as tf.Tensor).data();
  for (const d of [0, 17, 127]) {
    const mean = (perFrame[d] + perFrame[128 + d] + perFrame[256 + d] + perFrame[384 + d]) / 4;
    assertAlmostEquals(features.data[d], mean, 1e-4);
  }
});

Deno.test("clip encoder and clip PCA sources give one row per clip", async () => {
  const video = buildVideoEncoder({ seed: 0, frames: 4, size: 32 });
  assertEquals((await clipFeatures(video, testClips)).dim, 128);
  // computed once per model and clip set: the garment and direction labellings share them
  assert(clipFeatures(video, testClips) === clipFeatures(video, testClips));
  const pca = await clipPcaSource(data, { components: 8 }).train();
  assertEquals([pca.n, pca.dim], [60, 8]);
  assertEquals((await clipSource(data, video).test()).n, 30);
});

Deno.test("runProtocol on clips: a probe and a network trained from scratch on the clips, on a worker as inline", async () => {
  const video = buildVideoEncoder({ seed: 0, frames: 4, size: 32 });
  const schedule = {
    batchSize: 16,
    maxEpochs: 2,
    patience: 1,
    maxImages: null,
    learningRates: [2e-3],
    augment: false,
  };
  const run = (inline: boolean) =>
    runProtocol(data, [
      probeMethod("clip encoder + linear probe", "control", clipSource(data, video)),
      trainedMethod("supervised (from scratch)", "supervised", {
        architecture: { kind: "reference", inputShape: [32, 32, 4] },
        schedule,
        inline,
      }),
    ], { budgets: [2], seeds: [0, 1], progress: false, workers: 2 });
  const pooled = await run(false);
  assertEquals(pooled.rows.map((r) => r.method), [
    "clip encoder + linear probe",
    "supervised (from scratch)",
  ]);
  assert(pooled.rows.every((r) => r.mean >= 0 && r.mean <= 1));
  const inline = await run(true);
  assertEquals(pooled.runs.map((r) => r.accuracy), inline.runs.map((r) => r.accuracy));
});
