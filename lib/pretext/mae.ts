/**
 * Masked image modelling at small scale (He et al. 2022, "Masked Autoencoders Are Scalable Vision
 * Learners"), convolutional variant: the image is cut into square patches, a high ratio of them is
 * hidden at random, and the network reconstructs the hidden patches from the visible ones, with
 * the loss on the hidden patches only.
 *
 * MAE's encoder is a Vision Transformer that never sees the hidden patches (they are dropped from
 * the token sequence). Here the encoder is the suite's reference CNN, so the hidden patches stay in
 * the image, replaced by a fill value (SimMIM-style, Xie et al. 2022, with a constant for the mask
 * token), and the decoder is lib/models/decoder.ts. Batches and loss are those of the context
 * encoder (lib/pretext/inpainting.ts): only the mask differs.
 * @module
 */
import type { ImageSet } from "../data/mod.ts";
import { patchGrid, patchMaskToPixels, randomPatchMask } from "../augment/masks.ts";
import { assembleTiles } from "../augment/jigsaw.ts";
import type { BatchSource } from "../train/fit.ts";
import { maskedImageSource, type MaskedSourceOptions, type MaskFn } from "./inpainting.ts";

/** Geometry of the patches: a `size`×`size` image cut into `patchSize`×`patchSize` patches. */
export interface PatchGeometry {
  size: number;
  patchSize: number;
}

/**
 * Cuts a `size`×`size` image (row-major) into patches: [patches, patchSize²] flattened, patches
 * in row-major grid order, each patch row-major — the token layout of a ViT.
 * @example
 * ```ts
 * import { patchify } from "./mae.ts";
 * patchify(Array.from({ length: 16 }, (_, i) => i), { size: 4, patchSize: 2 }).slice(4, 8); // [2, 3, 6, 7]
 * ```
 */
export function patchify(pixels: ArrayLike<number>, geometry: PatchGeometry): Float32Array {
  const { size, patchSize } = geometry;
  const grid = patchGrid("patchify()", size, patchSize);
  if (pixels.length !== size * size) {
    throw new Error(`patchify(): expected ${size}×${size} pixels, got ${pixels.length}.`);
  }
  const out = new Float32Array(size * size);
  let k = 0;
  for (let gr = 0; gr < grid; gr++) {
    for (let gc = 0; gc < grid; gc++) {
      for (let r = 0; r < patchSize; r++) {
        const at = (gr * patchSize + r) * size + gc * patchSize;
        for (let c = 0; c < patchSize; c++) out[k++] = pixels[at + c];
      }
    }
  }
  return out;
}

/** The inverse of {@link patchify}: patches [patches, patchSize²] back to the image. */
export function unpatchify(patches: ArrayLike<number>, geometry: PatchGeometry): Float32Array {
  const { size, patchSize } = geometry;
  const grid = patchGrid("unpatchify()", size, patchSize);
  if (patches.length !== size * size) {
    throw new Error(
      `unpatchify(): expected ${grid * grid} patches of ${patchSize}×${patchSize} = ` +
        `${size * size} values, got ${patches.length}.`,
    );
  }
  const out = new Float32Array(size * size);
  let k = 0;
  for (let gr = 0; gr < grid; gr++) {
    for (let gc = 0; gc < grid; gc++) {
      for (let r = 0; r < patchSize; r++) {
        const at = (gr * patchSize + r) * size + gc * patchSize;
        for (let c = 0; c < patchSize; c++) out[at + c] = patches[k++];
      }
    }
  }
  return out;
}

/** MAE's mask as a {@link MaskFn}: `round(ratio · patches)` random patches hidden per draw. */
export function maeMask(ratio: number, geometry: PatchGeometry): MaskFn {
  const grid = patchGrid("maeMask()", geometry.size, geometry.patchSize);
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new Error(
      `maeMask(): ratio must be in [0, 1] (e.g. 0.75: 75 % of patches hidden), got ${ratio}.`,
    );
  }
  return (rng) => patchMaskToPixels(randomPatchMask(grid * grid, ratio, rng), geometry);
}

/** Options of {@link maeSource}. */
export interface MaeSourceOptions extends Omit<MaskedSourceOptions, "mask" | "contextWeight"> {
  /** Fraction of the patches hidden (MAE: 0.75). */
  ratio: number;
  /** Side of a patch in pixels; must divide the image side. */
  patchSize: number;
}

/**
 * The MAE source over the (unlabeled) images `indices`: inputs with `ratio` of their patches set
 * to `fill`, a fresh random set per example and epoch (fixed per position with `seed`); the loss
 * weight is 1 on the hidden patches and 0 elsewhere, as the paper.
 */
export function maeSource(
  set: ImageSet,
  indices: ArrayLike<number>,
  opts: MaeSourceOptions,
): BatchSource {
  const { ratio, patchSize, ...rest } = opts;
  return maskedImageSource(set, indices, {
    ...rest,
    mask: maeMask(ratio, { size: set.height, patchSize }),
    contextWeight: 0,
  });
}

/**
 * A picture of an image (pixels 0..1, row-major) as its patches spread apart by `gap` pixels of
 * `background` (0..1) — the sequence of tokens a ViT would see, laid out on their grid. Returns
 * the picture (0..1, quantised to 1/255) and its side.
 * @example
 * ```ts
 * import { spreadPatches } from "./mae.ts";
 * spreadPatches(new Float32Array(784).fill(1), { size: 28, patchSize: 4 }).size; // 7·4 + 6·1 = 34
 * ```
 */
export function spreadPatches(
  pixels: ArrayLike<number>,
  geometry: PatchGeometry,
  opts: { gap?: number; background?: number } = {},
): { pixels: Float32Array; size: number } {
  const flat = patchify(pixels, geometry);
  const area = geometry.patchSize ** 2;
  const toByte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  const tiles = Array.from(
    { length: flat.length / area },
    (_, p) => Uint8Array.from(flat.subarray(p * area, (p + 1) * area), toByte),
  );
  const picture = assembleTiles(tiles, {
    grid: geometry.size / geometry.patchSize,
    gap: opts.gap ?? 1,
    background: toByte(opts.background ?? 1),
  });
  return { pixels: Float32Array.from(picture.pixels, (v) => v / 255), size: picture.size };
}
