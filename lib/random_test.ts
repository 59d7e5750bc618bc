import { assert, assertEquals, assertThrows } from "./_assert.ts";
import { createRng } from "./random.ts";

Deno.test("createRng() gives the same numbers for the same seed", () => {
  const a = createRng(7), b = createRng(7);
  for (let i = 0; i < 100; i++) assertEquals(a.next(), b.next());
});

Deno.test("createRng() gives different streams for different seeds", () => {
  assert(createRng(1).next() !== createRng(2).next());
});

Deno.test("createRng().int() stays in range and covers it", () => {
  const rng = createRng(3);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const k = rng.int(10);
    assert(k >= 0 && k < 10);
    seen.add(k);
  }
  assertEquals(seen.size, 10);
});

Deno.test("createRng().normal() has mean ≈ 0 and std ≈ 1", () => {
  const rng = createRng(4);
  let s = 0, s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    s += x;
    s2 += x * x;
  }
  assert(Math.abs(s / n) < 0.03);
  assert(Math.abs(Math.sqrt(s2 / n) - 1) < 0.03);
});

Deno.test("createRng().shuffle() is a seeded permutation", () => {
  const a = createRng(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
  const b = createRng(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
  assertEquals(a, b);
  assertEquals([...a].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
});

Deno.test("createRng() rejects a non-integer seed with a clear message", () => {
  assertThrows(() => createRng(0.5), /seed must be an integer/);
});
