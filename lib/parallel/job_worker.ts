/**
 * A module Worker with its own tfjs and backend that runs pretraining jobs given as plain data —
 * twin-view runs (lib/pretext/twin_jobs.ts) and GAN runs (lib/pretext/gan_job.ts) — so a
 * notebook can train two things at once on the two cores. The main thread's side is
 * {@link runJobsInWorker} (lib/parallel/jobs.ts).
 * @module
 */
/// <reference lib="deno.worker" />
import { initBackend } from "../backend/mod.ts";
import { runTwinsJob, type TwinsJob } from "../pretext/twin_jobs.ts";
import { type GanJob, runGanJob } from "../pretext/gan_job.ts";
import { postedProgress } from "./posted_progress.ts";

/** The kinds of job this worker runs, by the `kind` of {@link runJobsInWorker}. */
const runners: Record<string, (job: unknown) => Promise<unknown>> = {
  twins: (job) => runTwinsJob(job as TwinsJob, postedProgress()),
  gan: (job) => runGanJob(job as GanJob, postedProgress()),
};

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { kind: string; backend: string; jobs: { label: string }[] };
  let label = "";
  try {
    const run = runners[message.kind];
    if (!run) throw new Error(`unknown job kind "${message.kind}" (${Object.keys(runners)})`);
    await initBackend(message.backend);
    const outcomes: unknown[] = [];
    for (const job of message.jobs) {
      label = job.label;
      outcomes.push(await run(job));
    }
    self.postMessage({ type: "result", outcomes });
  } catch (e) {
    self.postMessage({ type: "error", label, message: (e as Error).message });
  }
};
