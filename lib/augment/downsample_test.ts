import { assertEquals, assertThrows } from "../_assert.ts";
import { downsample2x } from "./downsample.ts";

Deno.test("downsample2x() averages 2×2 blocks (box) or keeps their top-left pixel (nearest)", () => {
  const image = Uint8Array.from([
    [0, 2, 10, 10],
    [4, 6, 10, 11],
    [1, 1, 255, 255],
    [1, 2, 255, 254],
  ].flat());
  assertEquals(Array.from(downsample2x(image, 4, "box")), [3, 10, 1, 255]);
  assertEquals(Array.from(downsample2x(image, 4, "nearest")), [0, 10, 1, 255]);
});

Deno.test("downsample2x() rejects odd sizes and wrong pixel counts", () => {
  assertThrows(() => downsample2x(new Uint8Array(9), 3), /even size/);
  assertThrows(() => downsample2x(new Uint8Array(10), 4), /got size 4 and 10 pixels/);
});
