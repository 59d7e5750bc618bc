import { assertEquals, assertThrows } from "../_assert.ts";
import { rotate90 } from "./rotate.ts";

Deno.test("rotate90() turns a 2×2 image counter-clockwise", () => {
  const img = [1, 2, 3, 4]; // 1 2 / 3 4
  assertEquals(Array.from(rotate90(img, 2, 0)), [1, 2, 3, 4]);
  assertEquals(Array.from(rotate90(img, 2, 1)), [2, 4, 1, 3]);
  assertEquals(Array.from(rotate90(img, 2, 2)), [4, 3, 2, 1]);
  assertEquals(Array.from(rotate90(img, 2, 3)), [3, 1, 4, 2]);
});

Deno.test("rotate90() four quarter turns are the identity; one turn is not", () => {
  const img = Uint8Array.from({ length: 9 }, (_, i) => i);
  let x: Uint8Array = img;
  for (let i = 0; i < 4; i++) x = rotate90(x, 3, 1);
  assertEquals(Array.from(x), Array.from(img));
  assertEquals(Array.from(rotate90(img, 3, -1)), Array.from(rotate90(img, 3, 3)));
});

Deno.test("rotate90() rejects an image of the wrong size", () => {
  assertThrows(() => rotate90([1, 2, 3], 2, 1), /expected 2×2 = 4 pixels, got 3/);
});
