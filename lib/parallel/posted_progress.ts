/**
 * The progress display of code that runs in a Worker: its lines go to the main thread as
 * `{ type: "progress", text, ...tag }` messages, at most one every 500 ms (the main thread's
 * display shows the latest). Used by both workers (lib/parallel/worker.ts, job_worker.ts).
 * @module
 */
/// <reference lib="deno.worker" />
import type { ProgressDisplay } from "../show/mod.ts";

/** A {@link ProgressDisplay} that posts its lines to the main thread, throttled to 2 per second. */
export function postedProgress(tag: Record<string, unknown> = {}): ProgressDisplay {
  let last = 0;
  return {
    update(text: string) {
      const now = performance.now();
      if (now - last > 500) {
        last = now;
        self.postMessage({ type: "progress", text, ...tag });
      }
    },
    done() {},
  };
}
