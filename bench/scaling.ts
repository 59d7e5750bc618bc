/**
 * Benchmark: how a pretext run's time and memory grow with the number of unlabeled images.
 * RotNet's pretext task (01_rotation: batches of 64 images × 4 rotations, Adam, the `fit` loop) on
 * 5k, 10k, 20k and 60k Fashion-MNIST training images. Prints JSON.
 *
 * Per size it times `--steps` steps (after `--warmup`), and reports seconds per step, the epoch
 * time that implies (steps per epoch × seconds per step), the tensor count and the RSS after the
 * run. With `--full-epoch N` it also runs one complete epoch over N images, measured, to check the
 * extrapolation. The images are held once, as uint8 (47 MB for 60k), and converted per batch, so
 * memory should not grow with the number of images a run uses.
 *
 * Usage: `deno run -A bench/scaling.ts [--sizes 5000,10000,20000,60000] [--steps 20] [--warmup 3]
 * [--full-epoch 5000]`
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/mod.ts";
import { loadFashionMnist, sampleIndices } from "../lib/data/mod.ts";
import { buildClassifier, buildEncoder } from "../lib/models/mod.ts";
import { rotationSource } from "../lib/pretext/rotation.ts";
import { fit } from "../lib/train/fit.ts";
import { flag } from "./_flags.ts";

const BATCH = 64; // images per step (× 4 rotations), as 01_rotation

/** Trains a fresh RotNet for `steps` steps over `images` unlabeled images; seconds taken. */
async function train(
  set: Awaited<ReturnType<typeof loadFashionMnist>>["train"],
  images: number,
  steps: number,
): Promise<number> {
  const model = buildClassifier(buildEncoder({ seed: 0 }), { seed: 0, numClasses: 4, hidden: 128 });
  const indices = sampleIndices(set.n, images, { seed: 1234 });
  const started = performance.now();
  await fit(model, rotationSource(set, indices), {
    epochs: 1,
    stepsPerEpoch: steps,
    batchSize: BATCH,
    seed: 0,
    progress: false,
  });
  const seconds = (performance.now() - started) / 1000;
  model.dispose();
  return seconds;
}

if (import.meta.main) {
  const args = Deno.args;
  const sizes = flag(args, "--sizes", "5000,10000,20000,60000").split(",").map(Number);
  const steps = Number(flag(args, "--steps", "20"));
  const warmup = Number(flag(args, "--warmup", "3"));
  const fullEpoch = Number(flag(args, "--full-epoch", "5000"));
  const backend = await initBackend();
  const rssMiB = () => Math.round(Deno.memoryUsage().rss / 2 ** 20);
  const rssBefore = rssMiB();
  const fm = await loadFashionMnist();
  const datasetMiB = Math.round((fm.train.images.byteLength + fm.test.images.byteLength) / 2 ** 20);
  const rssLoaded = rssMiB();
  await train(fm.train, sizes[0], warmup); // compile and warm the kernels
  const rows = [];
  for (const images of sizes) {
    const seconds = await train(fm.train, images, steps);
    const perStep = seconds / steps;
    const stepsPerEpoch = Math.ceil(images / BATCH);
    rows.push({
      images,
      secondsPerStep: Math.round(perStep * 1000) / 1000,
      stepsPerEpoch,
      epochSecondsImplied: Math.round(perStep * stepsPerEpoch),
      tensors: tf.memory().numTensors,
      rssMiB: rssMiB(),
    });
  }
  let measured = null;
  if (fullEpoch > 0) {
    const stepsPerEpoch = Math.ceil(fullEpoch / BATCH);
    const seconds = await train(fm.train, fullEpoch, stepsPerEpoch);
    measured = {
      images: fullEpoch,
      steps: stepsPerEpoch,
      epochSeconds: Math.round(seconds),
      rssMiB: rssMiB(),
    };
  }
  console.log(JSON.stringify(
    {
      bench: "scaling",
      backend,
      batch: `${BATCH} images × 4 rotations`,
      datasetMiB,
      rssMiB: { start: rssBefore, afterLoading: rssLoaded, end: rssMiB() },
      rows,
      fullEpoch: measured,
    },
    null,
    2,
  ));
}
