/**
 * A module Worker with its own tfjs and backend that runs pretraining jobs given as plain data —
 * e.g. twin-view runs (lib/pretext/twin_jobs.ts), GAN runs (lib/pretext/gan_job.ts) or video
 * pretext runs (lib/pretext/video_jobs.ts) — so a notebook can train two things at once on the two
 * cores. Each message names the module and export that runs its jobs, so this file imports no
 * experiment code. The main thread's side is {@link runJobsInWorker} (lib/parallel/jobs.ts).
 * @module
 */
/// <reference lib="deno.worker" />
import { initBackend } from "../backend/mod.ts";
import type { JobRunner } from "./jobs.ts";
import { postedProgress } from "./posted_progress.ts";

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { runner: JobRunner; backend: string; jobs: { label: string }[] };
  let label = "";
  try {
    const { module, exportName } = message.runner;
    const run = (await import(module))[exportName];
    if (typeof run !== "function") {
      throw new Error(`${module} has no function export "${exportName}"`);
    }
    await initBackend(message.backend);
    const outcomes: unknown[] = [];
    for (const job of message.jobs) {
      label = job.label;
      outcomes.push(await run(job, postedProgress()));
    }
    self.postMessage({ type: "result", outcomes });
  } catch (e) {
    self.postMessage({ type: "error", label, message: (e as Error).message });
  }
};
