import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertThrows } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import type { ImageSet } from "../data/mod.ts";
import {
  runTwinsJob,
  runTwinsJobsInWorker,
  twinLoss,
  type TwinLossSpec,
  twinModelOf,
  type TwinsJob,
} from "./twin_jobs.ts";

await initBackend("wasm");

function images(n: number, salt: number): ImageSet {
  return {
    images: Uint8Array.from({ length: n * 784 }, (_, i) => (i * 37 + salt * 11 + (i >> 5)) % 256),
    labels: Uint8Array.from({ length: n }, (_, i) => i % 2),
    n,
    height: 28,
    width: 28,
  };
}

const job = (loss: TwinLossSpec): TwinsJob => ({
  set: images(16, 0),
  indices: Int32Array.from({ length: 16 }, (_, i) => i),
  loss,
  encoderSeed: 0,
  channels: [4, 4, 8],
  head: { hidden: [8], units: 4, seed: 0 },
  epochs: 1,
  stepsPerEpoch: 2,
  batchSize: 4,
  learningRate: 1e-3,
  seed: 0,
  label: "tiny",
  monitor: { bank: images(8, 1), queries: images(4, 2), knn: { k: 3 } },
});

Deno.test("twinLoss() builds NT-Xent and VICReg from data and names an unknown kind", () => {
  const x = tf.randomNormal([4, 2, 4], 0, 1, "float32", 1);
  const ntxent = twinLoss({ kind: "nt-xent", temperature: 0.5 })(x, x);
  const vicreg = twinLoss({ kind: "vicreg", invariance: 25, variance: 25, covariance: 1 })(x, x);
  assertEquals([ntxent.shape, vicreg.shape], [[], []]);
  tf.dispose([x, ntxent, vicreg]);
  assertThrows(
    () => twinLoss({ kind: "byol" } as unknown as TwinLossSpec),
    /unknown loss kind "byol"/,
  );
});

Deno.test({
  name:
    "runTwinsJobsInWorker() gives the same run as runTwinsJob() here, and twinModelOf() rebuilds it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const jobs = [
      job({ kind: "nt-xent", temperature: 0.5 }),
      job({ kind: "vicreg", invariance: 25, variance: 0, covariance: 1 }),
    ];
    const inline = [await runTwinsJob(jobs[0], false), await runTwinsJob(jobs[1], false)];
    const inWorker = await runTwinsJobsInWorker(jobs);
    for (let j = 0; j < jobs.length; j++) {
      assertEquals(inWorker[j].history.map((h) => h.loss), inline[j].history.map((h) => h.loss));
      assertEquals(inWorker[j].monitor, inline[j].monitor);
      assertEquals(inWorker[j].curve, inline[j].curve);
      assertEquals(
        inWorker[j].weights.map((w) => Array.from(w.data)),
        inline[j].weights.map((w) => Array.from(w.data)),
      );
    }
    const model = twinModelOf(jobs[0], inWorker[0]);
    const got = model.getWeights().map((w) => Array.from(w.dataSync()));
    assertEquals(got, inline[0].weights.map((w) => Array.from(w.data)));
    model.dispose();
  },
});

Deno.test({
  name: "runTwinsJobsInWorker() rejects with the failing job's name and reason",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const bad = { ...job({ kind: "nt-xent", temperature: -1 }), label: "broken" };
    let message = "";
    await runTwinsJobsInWorker([bad]).catch((e) => (message = (e as Error).message));
    assertEquals(
      message.startsWith('twin-view job "broken" failed in its worker: ntXentLoss()'),
      true,
    );
  },
});
