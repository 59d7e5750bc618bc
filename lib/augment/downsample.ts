/**
 * Halving the resolution of uint8 square images, by two methods whose artefacts differ — the
 * counting task draws one at random per image so the network cannot tell a downsampled image
 * from a tile by its resampling statistics (Noroozi, Pirsiavash & Favaro 2017, section 3.3).
 * @module
 */

/** How {@link downsample2x} resamples: mean of each 2×2 block, or its top-left pixel. */
export type DownsampleMethod = "box" | "nearest";

/** The methods, for drawing one at random. */
export const DOWNSAMPLE_METHODS: readonly DownsampleMethod[] = ["box", "nearest"];

/**
 * A `size`×`size` image (row-major, even `size`) at half resolution.
 * @example
 * ```ts
 * import { downsample2x } from "./downsample.ts";
 * downsample2x(new Uint8Array([0, 2, 4, 6]), 2, "box"); // [3]
 * ```
 */
export function downsample2x(
  pixels: ArrayLike<number>,
  size: number,
  method: DownsampleMethod = "box",
): Uint8Array {
  if (pixels.length !== size * size || size % 2 !== 0) {
    throw new Error(
      `downsample2x(): expected an even size and ${size}×${size} pixels, got size ${size} and ` +
        `${pixels.length} pixels.`,
    );
  }
  const half = size / 2;
  const out = new Uint8Array(half * half);
  for (let r = 0; r < half; r++) {
    for (let c = 0; c < half; c++) {
      const at = 2 * r * size + 2 * c;
      out[r * half + c] = method === "nearest"
        ? pixels[at]
        : Math.round((pixels[at] + pixels[at + 1] + pixels[at + size] + pixels[at + size + 1]) / 4);
    }
  }
  return out;
}
