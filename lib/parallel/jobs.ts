/**
 * Runs pretraining jobs (plain data in, plain data out) one after another in a module Worker
 * (lib/parallel/job_worker.ts) with its own tfjs on this thread's backend, so this thread stays
 * free for other work. Same backend, same seeds, same ops; the worker's kernels run on one thread
 * where this thread's may run on two, so a native backend's sums can differ in the last bits (the
 * wasm backend, one thread everywhere, gives identical numbers, as the tests check).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { progressDisplay } from "../show/mod.ts";

/**
 * What a job runs: the module (a URL, usually the defining module's `import.meta.url`) and the
 * name of its export, a function `(job, progress) => Promise<outcome>` of plain data. The worker
 * imports it by name, so this file and the worker import no experiment code.
 */
export interface JobRunner {
  module: string;
  exportName: string;
}

/**
 * Resolves with the outcomes of `jobs` (each run by `runner`), in order. Progress shows in a
 * display of its own. A failing job rejects with its error, naming the job.
 */
export function runJobsInWorker<Job extends { label: string }, Outcome>(
  runner: JobRunner,
  jobs: Job[],
  what: string,
): Promise<Outcome[]> {
  const worker = new Worker(new URL("./job_worker.ts", import.meta.url), { type: "module" });
  const progress = progressDisplay({ initial: `(worker) ${jobs.length} ${what} run(s): starting` });
  return new Promise<Outcome[]>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent) => {
      const m = event.data;
      if (m.type === "progress") progress.update(`(worker) ${m.text}`);
      else if (m.type === "result") resolve(m.outcomes);
      else reject(new Error(`${what} job "${m.label}" failed in its worker: ${m.message}`));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      reject(new Error(`the ${what} jobs' worker crashed: ${event.message}`));
    };
    worker.postMessage({ runner, backend: tf.getBackend(), jobs });
  }).finally(() => {
    progress.done(`${jobs.length} ${what} run(s) done in a worker`);
    worker.terminate();
  });
}
