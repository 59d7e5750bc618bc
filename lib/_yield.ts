/**
 * Lets the event loop run (worker messages, displays) in the middle of a long computation on the
 * main thread. Cheap: a macrotask hop, a few microseconds.
 * @module
 */

/** Resolves on the next macrotask. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
