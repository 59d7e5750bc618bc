/**
 * A pool of module Workers, each with its own tfjs on the same backend, that run independent
 * training runs of the protocol side by side (one per core): same backend, same seed, same ops as
 * running the task inline. A worker's kernels run on one thread; inline, a native backend's may run
 * on two, so its float sums can differ in the last bits, which early stopping can amplify into a
 * different epoch (with the wasm backend, one thread everywhere, the numbers are identical, as the tests check).
 * @module
 */
import { suiteWorkers } from "../config/env.ts";

/**
 * What a worker runs: the export `exportName` of the module at `module` (a URL), called as
 * `fn(task, data, progress)` on the worker's own tfjs — so the pool imports nothing above it.
 */
export interface PoolJob {
  module: string;
  exportName: string;
}

interface Pending {
  resolve: (outcome: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (text: string) => void;
}

/** Workers that run tasks of {@link PoolJob}s; create with {@link createPool}, end with `close()`. */
export interface WorkerPool {
  size: number;
  /** Runs `task` with `job`'s function on the next free worker; resolves with what it returns. */
  // deno-lint-ignore no-explicit-any
  run<Outcome = any>(
    job: PoolJob,
    task: unknown,
    onProgress?: (text: string) => void,
  ): Promise<Outcome>;
  close(): void;
}

/** The worker count: `$SUITE_WORKERS`, else 2 (the machines' two cores); 0 means inline. */
export function defaultWorkers(): number {
  return suiteWorkers();
}

/**
 * Starts `size` workers, hands each the data (structured-cloneable: the images, or a set's plain
 * form; every job's function is given it), and waits until all are ready.
 */
export async function createPool(
  size: number,
  data: { train: unknown; test: unknown },
  opts: { backend: string },
): Promise<WorkerPool> {
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const waiting: (() => void)[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;

  const ready = Array.from({ length: size }, () => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent) => {
        const m = event.data;
        if (m.type === "ready") {
          idle.push(worker);
          resolve();
          return;
        }
        const job = pending.get(m.id);
        if (!job) {
          if (m.type === "error") reject(new Error(`worker failed to start: ${m.message}`));
          return;
        }
        if (m.type === "progress") job.onProgress?.(m.text);
        else {
          pending.delete(m.id);
          idle.push(worker);
          waiting.shift()?.();
          if (m.type === "result") job.resolve(m.outcome);
          else job.reject(new Error(m.message));
        }
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        const error = new Error(`a training worker crashed: ${event.message}`);
        reject(error);
        for (const job of pending.values()) job.reject(error);
        pending.clear();
      };
      worker.postMessage({ type: "init", backend: opts.backend, data });
    });
  });
  try {
    await Promise.all(ready);
  } catch (e) {
    workers.forEach((w) => w.terminate());
    throw e;
  }

  return {
    size,
    async run(job, task, onProgress) {
      while (!idle.length) {
        if (closed) throw new Error("the worker pool is closed");
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      const worker = idle.shift()!;
      const id = nextId++;
      return await new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (outcome: unknown) => void, reject, onProgress });
        worker.postMessage({ type: "run", id, job, task });
      });
    },
    close() {
      closed = true;
      workers.forEach((w) => w.terminate());
      waiting.splice(0).forEach((wake) => wake());
    },
  };
}
