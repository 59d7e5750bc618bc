/**
 * Rotation by multiples of 90°, on uint8 square images (exact: no interpolation, so the pretext
 * task cannot be solved from resampling artefacts).
 * @module
 */

/**
 * Rotates a square `size`×`size` image (row-major) by `quarterTurns` × 90° counter-clockwise.
 * @example
 * ```ts
 * import { rotate90 } from "./rotate.ts";
 * rotate90(new Uint8Array([1, 2, 3, 4]), 2, 1); // [2, 4, 1, 3]
 * ```
 */
export function rotate90(
  pixels: ArrayLike<number>,
  size: number,
  quarterTurns: number,
): Uint8Array {
  if (pixels.length !== size * size) {
    throw new Error(
      `rotate90(): expected ${size}×${size} = ${size * size} pixels, got ${pixels.length}.`,
    );
  }
  const k = ((quarterTurns % 4) + 4) % 4;
  const out = new Uint8Array(size * size);
  const last = size - 1;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const v = pixels[r * size + c];
      // Destination of (r, c) after k counter-clockwise quarter turns.
      if (k === 0) out[r * size + c] = v;
      else if (k === 1) out[(last - c) * size + r] = v;
      else if (k === 2) out[(last - r) * size + (last - c)] = v;
      else out[c * size + (last - r)] = v;
    }
  }
  return out;
}
