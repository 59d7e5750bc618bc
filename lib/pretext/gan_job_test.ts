import { assertEquals } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { generateImages, noiseBatch } from "./gan.ts";
import { type GanJob, ganModelsOf, runGanJob, runGanJobInWorker } from "./gan_job.ts";
import { createRng } from "../random.ts";

await initBackend("wasm");

const job = (): GanJob => ({
  label: "tiny GAN",
  generator: { seed: 0, noiseDim: 8, channels: [4, 4] },
  trunk: { seed: 0, channels: [4, 4, 8] },
  discriminator: { seed: 0 },
  real: {
    data: Float32Array.from({ length: 12 * 784 }, (_, i) => ((i * 37 + (i >> 4)) % 256) / 255),
    n: 12,
    dim: 784,
  },
  steps: 3,
  batchSize: 4,
  seed: 0,
  logEvery: 1,
  checkpoints: [0, 3],
  samples: { count: 2, seed: 7 },
});

Deno.test({
  name: "runGanJobInWorker() gives the same run as runGanJob() here, and ganModelsOf() rebuilds it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const inline = await runGanJob(job(), false);
    const inWorker = await runGanJobInWorker(job());
    assertEquals(inline.history.points.length, 3);
    assertEquals(inWorker.history.points, inline.history.points);
    assertEquals(inWorker.samples.map((s) => s.step), [0, 3]);
    assertEquals(
      inWorker.samples.map((s) => s.images.map((x) => Array.from(x))),
      inline.samples.map((s) => s.images.map((x) => Array.from(x))),
    );
    for (const key of ["generatorWeights", "discriminatorWeights"] as const) {
      assertEquals(
        inWorker[key].map((w) => Array.from(w.data)),
        inline[key].map((w) => Array.from(w.data)),
      );
    }
    // The rebuilt generator draws the last checkpoint's samples again; the trunk is D's.
    const { generator, trunk, discriminator } = ganModelsOf(job(), inWorker);
    const z = noiseBatch(2, 8, createRng(7));
    assertEquals(
      (await generateImages(generator, z)).map((x) => Array.from(x)),
      inWorker.samples[1].images.map((x) => Array.from(x)),
    );
    const trunkWeights = trunk.getWeights().map((w) => Array.from(w.dataSync()));
    const inDiscriminator = discriminator.getWeights().map((w) => Array.from(w.dataSync()));
    const key = (w: number[]) => JSON.stringify(w);
    const found = new Set(inDiscriminator.map(key));
    assertEquals(trunkWeights.filter((w) => !found.has(key(w))).length, 0); // the trunk is D's
    z.dispose();
    generator.dispose();
    discriminator.dispose();
  },
});

Deno.test({
  name: "runGanJobInWorker() rejects with the job's name and reason",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    let message = "";
    await runGanJobInWorker({ ...job(), label: "broken", batchSize: 0 })
      .catch((e) => (message = (e as Error).message));
    assertEquals(
      message,
      'GAN job "broken" failed in its worker: trainGan(broken): batchSize must be a positive integer, got 0.',
    );
  },
});
