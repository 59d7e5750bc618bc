/**
 * A module Worker with its own tfjs and backend that runs pretraining jobs given as plain data
 * (lib/pretext/twin_jobs.ts), so a notebook can train two things at once on the two cores.
 * @module
 */
/// <reference lib="deno.worker" />
import { initBackend } from "../backend/mod.ts";
import { runTwinsJob, type TwinsJob, type TwinsJobOutcome } from "../pretext/twin_jobs.ts";

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { type: "twins"; backend: string; jobs: TwinsJob[] };
  let label = "";
  try {
    await initBackend(message.backend);
    let last = 0;
    const progress = {
      update(text: string) {
        const now = performance.now();
        if (now - last > 500) {
          last = now;
          self.postMessage({ type: "progress", text });
        }
      },
      done() {},
    };
    const outcomes: TwinsJobOutcome[] = [];
    for (const job of message.jobs) {
      label = job.label;
      outcomes.push(await runTwinsJob(job, progress));
    }
    self.postMessage({ type: "result", outcomes });
  } catch (e) {
    self.postMessage({ type: "error", label, message: (e as Error).message });
  }
};
