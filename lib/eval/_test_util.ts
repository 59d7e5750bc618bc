/**
 * A fixture for the protocol and run-cache tests: tiny synthetic "images" in which class c has a
 * bright c-th band of rows, so every method can learn something in a few steps.
 * @module
 */
import type { ImageSet } from "../data/mod.ts";
import { createRng } from "../random.ts";

/** `n` banded 28×28 images of 3 classes (i mod 3), noise drawn from `seed`. */
export function bandedImages(n: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const images = new Uint8Array(n * 784), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let p = 0; p < 784; p++) {
      const band = Math.floor(p / 28 / 9) === labels[i];
      images[i * 784 + p] = Math.min(255, (band ? 150 : 20) + Math.floor(rng.next() * 60));
    }
  }
  return { images, labels, n, height: 28, width: 28 };
}
