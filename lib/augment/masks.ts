/**
 * Masks that hide part of a square image, for the pretext tasks that restore missing information:
 * the central square and the random blocks of Context Encoders (Pathak et al. 2016) and the random
 * patch masking of masked autoencoders (He et al. 2022). Pure; randomness is passed in (`rng`).
 *
 * Convention: a mask is a `Uint8Array` of 0/1, row-major, where **1 = hidden** (missing, to be
 * predicted) and 0 = visible. A pixel mask has `size`² entries; a patch mask has one entry per
 * patch, in row-major patch order.
 * @module
 */
import type { Rng } from "../random.ts";

function checkSize(where: string, size: number): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`${where}: size must be a positive integer (the image side), got ${size}.`);
  }
}

/**
 * The central `maskSize`×`maskSize` square of a `size`×`size` image (Context Encoders' "central
 * region": half the side, a quarter of the area, in the paper). Centred; when `size − maskSize` is
 * odd the extra row and column go below and to the right.
 * @example
 * ```ts
 * import { centralSquareMask } from "./masks.ts";
 * centralSquareMask(4, { maskSize: 2 }); // [0,0,0,0, 0,1,1,0, 0,1,1,0, 0,0,0,0]
 * ```
 */
export function centralSquareMask(size: number, opts: { maskSize: number }): Uint8Array {
  checkSize("centralSquareMask()", size);
  const { maskSize } = opts;
  if (!Number.isInteger(maskSize) || maskSize < 0 || maskSize > size) {
    throw new Error(
      `centralSquareMask(): maskSize must be an integer in 0..${size} (the image side), got ` +
        `${maskSize}.`,
    );
  }
  const mask = new Uint8Array(size * size);
  const top = Math.floor((size - maskSize) / 2);
  for (let r = top; r < top + maskSize; r++) {
    mask.fill(1, r * size + top, r * size + top + maskSize);
  }
  return mask;
}

/** Options of {@link randomBlocksMask}. */
export interface RandomBlocksOptions {
  /** Side of each square block in pixels. */
  blockSize: number;
  /** Blocks are added until at least this fraction of the image is hidden (0 < coverage ≤ 1). */
  coverage: number;
}

/**
 * Context Encoders' "random block" masks: square blocks of `blockSize` at uniformly random
 * positions (they may overlap), added one by one until at least `coverage` of the image is hidden
 * (the paper hides up to a quarter of the image this way). Deterministic given `rng`'s state.
 * @example
 * ```ts
 * import { createRng } from "../random.ts";
 * import { randomBlocksMask } from "./masks.ts";
 * const mask = randomBlocksMask(28, createRng(0), { blockSize: 7, coverage: 0.25 });
 * mask.reduce((s, v) => s + v, 0) >= 196; // true: at least a quarter of 784 pixels
 * ```
 */
export function randomBlocksMask(size: number, rng: Rng, opts: RandomBlocksOptions): Uint8Array {
  checkSize("randomBlocksMask()", size);
  const { blockSize, coverage } = opts;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > size) {
    throw new Error(
      `randomBlocksMask(): blockSize must be an integer in 1..${size} (the image side), got ` +
        `${blockSize}.`,
    );
  }
  if (!(coverage > 0 && coverage <= 1)) {
    throw new Error(
      `randomBlocksMask(): coverage must be in (0, 1] (the fraction of the image to hide), got ` +
        `${coverage}.`,
    );
  }
  const mask = new Uint8Array(size * size);
  const target = Math.ceil(coverage * size * size);
  let hidden = 0;
  while (hidden < target) {
    const top = rng.int(size - blockSize + 1), left = rng.int(size - blockSize + 1);
    for (let r = top; r < top + blockSize; r++) {
      for (let c = left; c < left + blockSize; c++) {
        if (!mask[r * size + c]) hidden++, mask[r * size + c] = 1;
      }
    }
  }
  return mask;
}

/**
 * MAE's random masking: of `patches` patches, exactly `round(ratio · patches)` are hidden, chosen
 * uniformly without replacement (a shuffle, as the paper's per-sample noise argsort). Returns the
 * patch mask (1 = hidden), in row-major patch order.
 * @example
 * ```ts
 * import { createRng } from "../random.ts";
 * import { randomPatchMask } from "./masks.ts";
 * randomPatchMask(49, 0.75, createRng(0)).reduce((s, v) => s + v, 0); // 37 of 49 patches
 * ```
 */
export function randomPatchMask(patches: number, ratio: number, rng: Rng): Uint8Array {
  if (!Number.isInteger(patches) || patches < 1) {
    throw new Error(`randomPatchMask(): patches must be a positive integer, got ${patches}.`);
  }
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new Error(
      `randomPatchMask(): ratio must be in [0, 1] (the fraction of patches to hide, e.g. 0.75), ` +
        `got ${ratio}.`,
    );
  }
  const order = rng.shuffle(Int32Array.from({ length: patches }, (_, i) => i));
  const mask = new Uint8Array(patches);
  for (let k = 0; k < Math.round(ratio * patches); k++) mask[order[k]] = 1;
  return mask;
}

/**
 * A patch mask (one entry per `patchSize`×`patchSize` patch, row-major over the
 * `size / patchSize` grid) as a pixel mask of the `size`×`size` image.
 * @example
 * ```ts
 * import { patchMaskToPixels } from "./masks.ts";
 * patchMaskToPixels([0, 1, 0, 0], { size: 4, patchSize: 2 }); // [0,0,1,1, 0,0,1,1, 0,0,0,0, 0,0,0,0]
 * ```
 */
export function patchMaskToPixels(
  patchMask: ArrayLike<number>,
  opts: { size: number; patchSize: number },
): Uint8Array {
  const { size, patchSize } = opts;
  const grid = patchGrid("patchMaskToPixels()", size, patchSize);
  if (patchMask.length !== grid * grid) {
    throw new Error(
      `patchMaskToPixels(): a ${size}×${size} image has ${grid}×${grid} = ${grid * grid} patches ` +
        `of ${patchSize}×${patchSize}, but the patch mask has ${patchMask.length} entries.`,
    );
  }
  const mask = new Uint8Array(size * size);
  for (let p = 0; p < patchMask.length; p++) {
    if (!patchMask[p]) continue;
    const top = Math.floor(p / grid) * patchSize, left = (p % grid) * patchSize;
    for (let r = top; r < top + patchSize; r++) {
      mask.fill(1, r * size + left, r * size + left + patchSize);
    }
  }
  return mask;
}

/** Patches per side of a `size`×`size` image; throws unless `patchSize` divides `size`. */
export function patchGrid(where: string, size: number, patchSize: number): number {
  checkSize(where, size);
  if (!Number.isInteger(patchSize) || patchSize < 1 || size % patchSize !== 0) {
    throw new Error(
      `${where}: patchSize must be a positive integer dividing the image side ${size} (e.g. 4 or ` +
        `7 for 28), got ${patchSize}.`,
    );
  }
  return size / patchSize;
}

/**
 * The image with its hidden pixels replaced by `fill` (floats; `scale` divides the input first,
 * e.g. 255 for uint8 pixels → 0..1). `mask` null hides nothing.
 * @example
 * ```ts
 * import { applyMask } from "./masks.ts";
 * applyMask([0, 255, 255, 0], [0, 1, 0, 0], { fill: 0.5, scale: 255 }); // [0, 0.5, 1, 0]
 * ```
 */
export function applyMask(
  pixels: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  opts: { fill: number; scale?: number },
): Float32Array {
  if (mask && mask.length !== pixels.length) {
    throw new Error(
      `applyMask(): the mask has ${mask.length} entries but the image ${pixels.length} pixels; ` +
        `build the mask for the image's size.`,
    );
  }
  const scale = opts.scale ?? 1;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < out.length; i++) out[i] = mask?.[i] ? opts.fill : pixels[i] / scale;
  return out;
}
