/**
 * The augmentations that make the two "views" of an image for contrastive and non-contrastive
 * learning (SimCLR, Chen et al. 2020; VICReg, Bardes et al. 2022), for grey-scale square images
 * with pixels in 0..1: random resized crop, horizontal flip, brightness/contrast jitter, Gaussian
 * blur, Gaussian noise and random erasing. Each is pure (a new array; the input is untouched) and
 * its randomness comes from the seeded {@link Rng} passed in, so a view is reproducible.
 *
 * @example
 * ```ts
 * import { augmentView, DEFAULT_VIEWS } from "./views.ts";
 * import { createRng } from "../random.ts";
 * const image = new Float32Array(28 * 28).fill(0.5);
 * const view = augmentView(image, 28, createRng(0), DEFAULT_VIEWS); // Float32Array(784)
 * ```
 * @module
 */
import type { Rng } from "../random.ts";

/** A rectangle of an image, in pixels: top-left corner and size (may be fractional). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function checkImage(fn: string, image: ArrayLike<number>, size: number): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`${fn}(): size must be a positive integer, got ${size}.`);
  }
  if (image.length !== size * size) {
    throw new Error(
      `${fn}(): expected a ${size}×${size} image (${size * size} pixels), got ${image.length} ` +
        "pixels; pass one image at a time, row-major.",
    );
  }
}

function checkRange(fn: string, name: string, range: readonly [number, number], lo: number) {
  if (!(range[0] >= lo && range[1] >= range[0])) {
    throw new Error(
      `${fn}(): ${name} must be [min, max] with ${lo} ≤ min ≤ max, got [${range.join(", ")}].`,
    );
  }
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Resamples the `box` of a `size`×`size` image to the full `size`×`size` grid (bilinear, pixel
 * centres aligned; outside the image the nearest edge pixel is used). The full box is the
 * identity.
 */
export function cropResize(image: ArrayLike<number>, size: number, box: Box): Float32Array {
  checkImage("cropResize", image, size);
  if (!(box.width > 0 && box.height > 0)) {
    throw new Error(
      `cropResize(): box must have a positive width and height, got ${box.width}×${box.height}.`,
    );
  }
  const out = new Float32Array(size * size);
  const sx = box.width / size;
  const sy = box.height / size;
  const last = size - 1;
  for (let r = 0; r < size; r++) {
    const fy = Math.min(last, Math.max(0, box.y + (r + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(last, y0 + 1);
    const wy = fy - y0;
    for (let c = 0; c < size; c++) {
      const fx = Math.min(last, Math.max(0, box.x + (c + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(last, x0 + 1);
      const wx = fx - x0;
      const top = image[y0 * size + x0] * (1 - wx) + image[y0 * size + x1] * wx;
      const bottom = image[y1 * size + x0] * (1 - wx) + image[y1 * size + x1] * wx;
      out[r * size + c] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** Options of {@link randomResizedCrop}: as torchvision's `RandomResizedCrop`. */
export interface CropOptions {
  /** Fraction of the image's area the crop covers (default [0.35, 1]; SimCLR: [0.08, 1]). */
  scale?: readonly [number, number];
  /** Aspect ratio width/height of the crop (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
}

/**
 * A random crop (area fraction in `scale`, aspect ratio log-uniform in `ratio`) resized back to
 * `size`×`size`. After 10 draws that do not fit, the whole image (as torchvision's fallback).
 */
export function randomResizedCrop(
  image: ArrayLike<number>,
  size: number,
  rng: Rng,
  opts: CropOptions = {},
): Float32Array {
  const scale = opts.scale ?? [0.35, 1];
  const ratio = opts.ratio ?? [3 / 4, 4 / 3];
  checkRange("randomResizedCrop", "scale", scale, 0);
  checkRange("randomResizedCrop", "ratio", ratio, 1e-6);
  if (scale[1] > 1) throw new Error(`randomResizedCrop(): scale max must be ≤ 1, got ${scale[1]}.`);
  const area = size * size;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + rng.next() * (scale[1] - scale[0]));
    const logRatio = Math.log(ratio[0]) + rng.next() * (Math.log(ratio[1]) - Math.log(ratio[0]));
    const aspect = Math.exp(logRatio);
    const width = Math.sqrt(target * aspect);
    const height = Math.sqrt(target / aspect);
    if (width <= size && height <= size && width >= 1 && height >= 1) {
      const x = rng.next() * (size - width);
      const y = rng.next() * (size - height);
      return cropResize(image, size, { x, y, width, height });
    }
  }
  return cropResize(image, size, { x: 0, y: 0, width: size, height: size });
}

/** Mirrors the image left–right. */
export function flipHorizontal(image: ArrayLike<number>, size: number): Float32Array {
  checkImage("flipHorizontal", image, size);
  const out = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) out[r * size + c] = image[r * size + (size - 1 - c)];
  }
  return out;
}

/**
 * Brightness and contrast, the grey-scale part of SimCLR's colour jitter: pixels are pushed away
 * from (contrast > 1) or towards (< 1) the image's mean, then scaled by `brightness`; clipped to
 * 0..1.
 */
export function adjustBrightnessContrast(
  image: ArrayLike<number>,
  brightness: number,
  contrast: number,
): Float32Array {
  if (!(brightness >= 0 && contrast >= 0)) {
    throw new Error(
      `adjustBrightnessContrast(): brightness and contrast must be ≥ 0, got ${brightness} and ${contrast}.`,
    );
  }
  let mean = 0;
  for (let i = 0; i < image.length; i++) mean += image[i];
  mean /= image.length || 1;
  return Float32Array.from(image, (v) => clamp01(((v - mean) * contrast + mean) * brightness));
}

/** A normalised 1-D Gaussian kernel of radius ⌈2σ⌉. */
export function gaussianKernel(sigma: number): Float32Array {
  if (!(sigma > 0)) throw new Error(`gaussianKernel(): sigma must be > 0, got ${sigma}.`);
  const radius = Math.max(1, Math.ceil(2 * sigma));
  const k = Float32Array.from(
    { length: 2 * radius + 1 },
    (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const sum = k.reduce((s, v) => s + v, 0);
  return k.map((v) => v / sum);
}

/** Separable Gaussian blur (edges: nearest pixel repeated). */
export function gaussianBlur(image: ArrayLike<number>, size: number, sigma: number): Float32Array {
  checkImage("gaussianBlur", image, size);
  const k = gaussianKernel(sigma);
  const radius = (k.length - 1) / 2;
  const at = (i: number) => (i < 0 ? 0 : i >= size ? size - 1 : i);
  const rows = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let j = -radius; j <= radius; j++) s += k[j + radius] * image[r * size + at(c + j)];
      rows[r * size + c] = s;
    }
  }
  const out = new Float32Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let j = -radius; j <= radius; j++) s += k[j + radius] * rows[at(r + j) * size + c];
      out[r * size + c] = s;
    }
  }
  return out;
}

/** Adds independent Gaussian noise of standard deviation `std` to every pixel; clipped to 0..1. */
export function gaussianNoise(image: ArrayLike<number>, std: number, rng: Rng): Float32Array {
  if (!(std >= 0)) throw new Error(`gaussianNoise(): std must be ≥ 0, got ${std}.`);
  return Float32Array.from(image, (v) => clamp01(v + std * rng.normal()));
}

/** Sets the pixels of `box` (integer corners) to `value` — random erasing's step. */
export function eraseBox(
  image: ArrayLike<number>,
  size: number,
  box: Box,
  value = 0,
): Float32Array {
  checkImage("eraseBox", image, size);
  const out = Float32Array.from(image);
  const x0 = Math.max(0, Math.round(box.x)), y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(size, Math.round(box.x + box.width)),
    y1 = Math.min(size, Math.round(box.y + box.height));
  for (let r = y0; r < y1; r++) out.fill(value, r * size + x0, r * size + Math.max(x0, x1));
  return out;
}

/**
 * Random erasing (Zhong et al. 2020): a rectangle covering a fraction in `scale` of the image,
 * aspect ratio in [0.3, 3.3], set to 0 (the background of Fashion-MNIST).
 */
export function randomErase(
  image: ArrayLike<number>,
  size: number,
  rng: Rng,
  opts: { scale?: readonly [number, number] } = {},
): Float32Array {
  const scale = opts.scale ?? [0.02, 0.2];
  checkRange("randomErase", "scale", scale, 0);
  const target = size * size * (scale[0] + rng.next() * (scale[1] - scale[0]));
  const aspect = Math.exp(Math.log(0.3) + rng.next() * (Math.log(3.3) - Math.log(0.3)));
  const width = Math.min(size, Math.sqrt(target * aspect));
  const height = Math.min(size, Math.sqrt(target / aspect));
  const x = rng.next() * (size - width);
  const y = rng.next() * (size - height);
  return eraseBox(image, size, { x, y, width, height });
}

/**
 * Which augmentations a view gets and how strong they are. Each is applied with its probability
 * `p`; an omitted (or `false`) entry is never applied — the ablations remove one at a time.
 */
export interface ViewOptions {
  /** Random resized crop (always applied when present). */
  crop?: CropOptions | false;
  /** Probability of a horizontal flip. */
  flip?: number | false;
  /** Brightness/contrast jitter: factors drawn in [1 − strength, 1 + strength]. */
  color?: { p: number; strength: number } | false;
  /** Gaussian blur with σ drawn in `sigma`. */
  blur?: { p: number; sigma: readonly [number, number] } | false;
  /** Additive Gaussian noise. */
  noise?: { p: number; std: number } | false;
  /** Random erasing. */
  erase?: { p: number; scale?: readonly [number, number] } | false;
}

/**
 * The suite's default views for 28×28 Fashion-MNIST: SimCLR's recipe (crop, flip, colour jitter
 * p = 0.8, blur p = 0.5) adapted to small grey-scale images — a milder minimum crop (35 % of the
 * area: an 8 % crop of a 28×28 image is a 8×8 patch, often background), jitter strength 0.4, blur
 * σ up to 1 pixel — plus light noise and random erasing.
 */
export const DEFAULT_VIEWS: Readonly<ViewOptions> = Object.freeze({
  crop: { scale: [0.35, 1] as const },
  flip: 0.5,
  color: { p: 0.8, strength: 0.4 },
  blur: { p: 0.5, sigma: [0.1, 1] as const },
  noise: { p: 0.2, std: 0.05 },
  erase: { p: 0.25, scale: [0.02, 0.15] as const },
});

/** The names of the augmentations of {@link ViewOptions}, in the order they are applied. */
export const VIEW_AUGMENTATIONS = ["crop", "flip", "color", "blur", "noise", "erase"] as const;

/** `views` without the named augmentations (for ablations). Throws on an unknown name. */
export function withoutAugmentations(
  views: Readonly<ViewOptions>,
  names: readonly string[],
): ViewOptions {
  const out: ViewOptions = { ...views };
  for (const name of names) {
    if (!(VIEW_AUGMENTATIONS as readonly string[]).includes(name)) {
      throw new Error(
        `withoutAugmentations(): unknown augmentation "${name}"; known: ${
          VIEW_AUGMENTATIONS.join(", ")
        }.`,
      );
    }
    out[name as (typeof VIEW_AUGMENTATIONS)[number]] = false;
  }
  return out;
}

/**
 * One random view of `image` (pixels in 0..1): crop → flip → colour → blur → noise → erase, each
 * as configured in `views`. Same rng state → same view.
 */
export function augmentView(
  image: ArrayLike<number>,
  size: number,
  rng: Rng,
  views: Readonly<ViewOptions> = DEFAULT_VIEWS,
): Float32Array {
  checkImage("augmentView", image, size);
  let x: Float32Array = views.crop
    ? randomResizedCrop(image, size, rng, views.crop)
    : Float32Array.from(image);
  if (views.flip && rng.next() < views.flip) x = flipHorizontal(x, size);
  if (views.color && rng.next() < views.color.p) {
    const s = views.color.strength;
    const brightness = 1 - s + 2 * s * rng.next();
    const contrast = 1 - s + 2 * s * rng.next();
    x = adjustBrightnessContrast(x, brightness, contrast);
  }
  if (views.blur && rng.next() < views.blur.p) {
    const [lo, hi] = views.blur.sigma;
    x = gaussianBlur(x, size, lo + (hi - lo) * rng.next());
  }
  if (views.noise && rng.next() < views.noise.p) x = gaussianNoise(x, views.noise.std, rng);
  if (views.erase && rng.next() < views.erase.p) {
    x = randomErase(x, size, rng, { scale: views.erase.scale });
  }
  return x;
}
