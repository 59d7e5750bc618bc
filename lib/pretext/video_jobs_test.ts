import { assertEquals, assertRejects } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { randomGarments } from "../data/_test_util.ts";
import { movingFashion } from "../data/moving_fashion.ts";
import {
  runVideoPretextJob,
  runVideoPretextJobsInWorker,
  trainVideoPretext,
  type VideoPretextJob,
  videoPretextModelOf,
} from "./video_jobs.ts";

// wasm: one thread here and in the worker, so the two give the same bits
await initBackend("wasm");

const clips = movingFashion(randomGarments(12, 3), { clips: 8, seed: 1, frames: 4, size: 32 });
const job = (task: VideoPretextJob["task"]): VideoPretextJob => ({
  label: `tiny ${task}`,
  task,
  clips,
  encoder: { seed: 0, name: task === "frame order" ? "order" : "restore" },
  head: { seed: 0, hidden: 8 },
  fill: 0.3,
  fit: { epochs: 1, batchSize: 4, seed: 0, learningRate: 1e-3, cosine: true },
});
/** Where two weight lists first differ ("tensor k, value i"), or "same" (a cheap diff). */
function firstDifference(a: Float32Array[], b: Float32Array[]): string {
  if (a.length !== b.length) return `${a.length} vs ${b.length} tensors`;
  for (let k = 0; k < a.length; k++) {
    if (a[k].length !== b[k].length) return `tensor ${k}: ${a[k].length} vs ${b[k].length} values`;
    for (let i = 0; i < a[k].length; i++) {
      if (!Object.is(a[k][i], b[k][i])) return `tensor ${k}, value ${i}: ${a[k][i]} vs ${b[k][i]}`;
    }
  }
  return "same";
}
const bits = (w: { data: Float32Array }[]) => w.map((x) => x.data);

Deno.test({
  name: "runVideoPretextJobsInWorker() gives the runs of runVideoPretextJob() here; " +
    "videoPretextModelOf() rebuilds them",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const jobs = [job("frame order"), job("masked frame")];
    const inline = [
      await runVideoPretextJob(jobs[0], false),
      await runVideoPretextJob(jobs[1], false),
    ];
    const inWorker = await runVideoPretextJobsInWorker(jobs);
    for (let j = 0; j < jobs.length; j++) {
      assertEquals(inWorker[j].curve, inline[j].curve);
      assertEquals(firstDifference(bits(inWorker[j].weights), bits(inline[j].weights)), "same");
      assertEquals(inWorker[j].curve.length > 0, true);
    }
    // trained here, the model is the one the worker's weights rebuild
    const here = await trainVideoPretext(jobs[1], { progress: false });
    const rebuilt = videoPretextModelOf(jobs[1], inWorker[1]);
    const read = (m: typeof here.model) => m.getWeights().map((w) => w.dataSync() as Float32Array);
    assertEquals(firstDifference(read(rebuilt.model), read(here.model)), "same");
    assertEquals(rebuilt.model.outputs[0].shape, [null, 32, 32, 1]);
    here.model.dispose();
    rebuilt.model.dispose();
  },
});

Deno.test({
  name: "a video pretext job without fill, or of an unknown task, is refused by name",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { fill: _, ...noFill } = job("masked frame");
    await assertRejects(
      () => trainVideoPretext(noFill, { progress: false }),
      /video pretext job "tiny masked frame": a masked-frame job needs fill/,
    );
    const odd = { ...job("frame order"), task: "next frame" } as unknown as VideoPretextJob;
    let message = "";
    await runVideoPretextJobsInWorker([odd]).catch((e) => (message = (e as Error).message));
    assertEquals(
      message,
      'video pretext job "tiny frame order" failed in its worker: video pretext job "tiny frame ' +
        'order": unknown task "next frame"; use "frame order" or "masked frame".',
    );
  },
});
