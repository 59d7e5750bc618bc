import * as tf from "@tensorflow/tfjs";
import { assertEquals } from "../_assert.ts";
import { createRng } from "../random.ts";
import type { ImageSet } from "../data/mod.ts";
import { rotate90 } from "../augment/rotate.ts";
import { rotationSource } from "./rotation.ts";

await tf.setBackend("cpu");

Deno.test("rotationSource() yields every image under all four rotations with balanced labels", () => {
  const n = 3;
  const images = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256);
  const set: ImageSet = { images, labels: new Uint8Array(n), n, height: 28, width: 28 };
  const source = rotationSource(set, [2, 0]);
  assertEquals(source.size, 2);
  const { x, y } = source.batch(Int32Array.from([1, 0]), createRng(0));
  assertEquals(x.shape, [8, 28, 28, 1]);
  assertEquals(Array.from(y.dataSync()), [0, 0, 1, 1, 2, 2, 3, 3]);
  // Example 2 (k = 1, first position → image 0) is image 0 rotated once.
  const got = Array.from(x.slice([2], [1]).dataSync(), (v) => Math.round(v * 255));
  assertEquals(got, Array.from(rotate90(images.subarray(0, 784), 28, 1)));
  tf.dispose([x, y]);
});
