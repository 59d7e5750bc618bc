/**
 * A module Worker with its own tfjs and backend, running the protocol's training tasks for the
 * main thread (lib/parallel/pool.ts): each message names the module and export to run
 * (e.g. lib/protocol/train_and_score.ts's `trainAndScore`), so this file imports no experiment
 * code. Multithreaded wasm does not work under Deno; one tfjs per worker uses the second core.
 * @module
 */
/// <reference lib="deno.worker" />
import { initBackend } from "../backend/mod.ts";
import { postedProgress } from "./posted_progress.ts";

let data: { train: unknown; test: unknown } | null = null;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data;
  try {
    if (message.type === "init") {
      await initBackend(message.backend);
      data = message.data;
      self.postMessage({ type: "ready" });
    } else if (message.type === "run") {
      if (!data) throw new Error("worker got a task before init");
      const { module, exportName } = message.job;
      const fn = (await import(module))[exportName];
      if (typeof fn !== "function") {
        throw new Error(`worker: ${module} has no function export "${exportName}"`);
      }
      const outcome = await fn(message.task, data, postedProgress({ id: message.id }));
      self.postMessage({ type: "result", id: message.id, outcome });
    }
  } catch (e) {
    const error = e as Error;
    self.postMessage({ type: "error", id: message.id, message: error.message, stack: error.stack });
  }
};
