/**
 * A module Worker with its own tfjs and backend, running {@link trainAndScore} tasks for the main
 * thread (lib/parallel/pool.ts). Multithreaded wasm does not work under Deno; one tfjs per worker
 * uses the second core.
 * @module
 */
/// <reference lib="deno.worker" />
import { initBackend } from "../backend/mod.ts";
import type { ImageSet } from "../data/mod.ts";
import { trainAndScore, type TrainTask } from "../eval/train_and_score.ts";
import { postedProgress } from "./posted_progress.ts";

let data: { train: ImageSet; test: ImageSet } | null = null;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data;
  try {
    if (message.type === "init") {
      await initBackend(message.backend);
      data = message.data;
      self.postMessage({ type: "ready" });
    } else if (message.type === "train") {
      if (!data) throw new Error("worker got a task before init");
      const task: TrainTask = message.task;
      const outcome = await trainAndScore(task, data, postedProgress({ id: message.id }));
      self.postMessage({ type: "result", id: message.id, outcome });
    }
  } catch (e) {
    const error = e as Error;
    self.postMessage({ type: "error", id: message.id, message: error.message, stack: error.stack });
  }
};
