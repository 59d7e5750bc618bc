/**
 * Test assertions. `@std/assert` lives on JSR, which these machines cannot reach, so the tests use
 * Deno's built-in `node:assert/strict` under std-like names.
 * @module
 */
import assertNode from "node:assert/strict";

export function assert(condition: unknown, message?: string): asserts condition {
  assertNode.ok(condition, message);
}
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assertNode.deepStrictEqual(actual, expected, message);
}
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-7): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}
export function assertThrows(fn: () => unknown, pattern?: RegExp): void {
  assertNode.throws(fn, pattern ?? Error);
}
export async function assertRejects(fn: () => Promise<unknown>, pattern?: RegExp): Promise<void> {
  await assertNode.rejects(fn, pattern ?? Error);
}
