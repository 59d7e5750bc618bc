/**
 * Moving Fashion-MNIST: the recipe of Moving MNIST (Srivastava, Mansimov & Salakhutdinov 2015) on
 * garments — short clips in which one or two Fashion-MNIST images glide across a small black
 * canvas, bouncing off its borders. No video dataset can be downloaded on our machines; this one
 * is built, deterministically, from the images we already have.
 *
 * - **Canvas.** 48×48 by default: room for a 28×28 garment to travel 20 pixels each way, at about
 *   three times the cost of a 28×28 image per frame (64×64, Moving MNIST's size, would be five).
 * - **Motion.** Each garment starts at a random position with a random direction (uniform angle)
 *   and speed (`speed` pixels per frame); at a border its velocity component is reflected.
 *   Positions are real-valued and drawn rounded; two garments overlap by the brighter pixel.
 * - **Labels** (per clip, for downstream tasks only): the main garment's class, and its direction
 *   of motion at the first frame in 8 bins of 45° (0: right, 2: up, 4: left, 6: down; image rows
 *   grow downwards, so "up" is decreasing row) — a property no single frame shows.
 * - **Lazy.** A set holds each clip's parameters (garments, start, velocity: a few numbers) and
 *   draws frames on demand ({@link clipFrames}), so memory stays bounded whatever the set's size.
 *   Clip `i` of a set depends only on the set's seed and `i`.
 *
 * @example
 * ```ts
 * import { movingFashion, clipFrames } from "./moving_fashion.ts";
 * import { loadFashionMnist } from "./fashion_mnist.ts";
 * const { train } = await loadFashionMnist({ limitTrain: 100 });
 * const clips = movingFashion(train, { clips: 8, seed: 0 });
 * const frames = clipFrames(clips, 0); // Uint8Array of 10 × 48 × 48 pixels
 * console.log(frames.length, clips.direction[0], clips.garment[0]);
 * ```
 * @module
 */
import { createRng } from "../random.ts";
import type { ImageSet } from "./fashion_mnist.ts";

/** Options of {@link movingFashion}. */
export interface MovingFashionOptions {
  /** Number of clips. */
  clips: number;
  /** Seed of every clip's garments, start and velocity. */
  seed: number;
  /** Frames per clip (default 10). */
  frames?: number;
  /** Side of the canvas in pixels (default 48). */
  size?: number;
  /** Garments per clip: the main one (labels) and, with 2, a distractor (default 1). */
  garments?: 1 | 2;
  /** Speed range in pixels per frame (default [1.5, 3.5]). */
  speed?: [number, number];
}

/** One garment's path: its image, start position (top-left corner) and velocity. */
export interface GarmentPath {
  /** Index of the garment in the source set. */
  image: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/** A set of clips: parameters held, frames drawn on demand. */
export interface MovingFashion {
  source: ImageSet;
  n: number;
  frames: number;
  size: number;
  /** The garments of each clip, the main one first. */
  paths: GarmentPath[][];
  /** The main garment's class, per clip. */
  garment: Uint8Array;
  /** The main garment's direction at the first frame, 0..7 (45° bins, counter-clockwise). */
  direction: Uint8Array;
}

/** The 8 direction bins' names, in label order. */
export const DIRECTION_NAMES: readonly string[] = [
  "right",
  "up-right",
  "up",
  "up-left",
  "left",
  "down-left",
  "down",
  "down-right",
];

/** The 45° bin of a velocity (image coordinates: y grows downwards), 0 = right, 2 = up. */
export function directionBin(vx: number, vy: number): number {
  const angle = Math.atan2(-vy, vx); // counter-clockwise from "right", with "up" positive
  return ((Math.round(angle / (Math.PI / 4)) % 8) + 8) % 8;
}

/**
 * Clips over the images of `source` (its labels give the garment label; use the training pool
 * for training clips and the test set for test clips). Throws, naming the option, on a canvas
 * smaller than a garment, no frames, or a bad speed range.
 */
export function movingFashion(source: ImageSet, opts: MovingFashionOptions): MovingFashion {
  const frames = opts.frames ?? 10, size = opts.size ?? 48, garments = opts.garments ?? 1;
  const [slow, fast] = opts.speed ?? [1.5, 3.5];
  const side = source.height;
  if (!(Number.isInteger(size) && size >= side)) {
    throw new Error(
      `movingFashion(): size must be a whole number ≥ ${side} (a garment), got ${size}.`,
    );
  }
  if (!(Number.isInteger(frames) && frames >= 2)) {
    throw new Error(`movingFashion(): frames must be a whole number ≥ 2, got ${frames}.`);
  }
  if (!(Number.isInteger(opts.clips) && opts.clips >= 1)) {
    throw new Error(`movingFashion(): clips must be a whole number ≥ 1, got ${opts.clips}.`);
  }
  if (!(slow > 0 && fast >= slow && fast <= size - side || size === side)) {
    throw new Error(
      `movingFashion(): speed must be [min, max] with 0 < min ≤ max ≤ ${size - side} (the room ` +
        `a garment has), got [${slow}, ${fast}].`,
    );
  }
  const paths: GarmentPath[][] = [];
  const garment = new Uint8Array(opts.clips), direction = new Uint8Array(opts.clips);
  const room = size - side;
  for (let i = 0; i < opts.clips; i++) {
    const rng = createRng(opts.seed * 1_000_003 + i * 7_919 + 17);
    const clip: GarmentPath[] = [];
    for (let g = 0; g < garments; g++) {
      const angle = rng.next() * 2 * Math.PI;
      const speed = slow + rng.next() * (fast - slow);
      clip.push({
        image: rng.int(source.n),
        x: rng.next() * room,
        y: rng.next() * room,
        vx: room ? speed * Math.cos(angle) : 0,
        vy: room ? -speed * Math.sin(angle) : 0,
      });
    }
    paths.push(clip);
    garment[i] = source.labels[clip[0].image];
    direction[i] = directionBin(clip[0].vx, clip[0].vy);
  }
  return { source, n: opts.clips, frames, size, paths, garment, direction };
}

/**
 * A garment's top-left corner at each frame: moving by its velocity, reflected at the borders
 * (0 and `room`), so it never leaves the canvas.
 */
export function pathPositions(path: GarmentPath, frames: number, room: number): [number, number][] {
  let { x, y, vx, vy } = path;
  const out: [number, number][] = [];
  for (let t = 0; t < frames; t++) {
    out.push([x, y]);
    x += vx, y += vy;
    if (x < 0) x = -x, vx = -vx;
    if (x > room) x = 2 * room - x, vx = -vx;
    if (y < 0) y = -y, vy = -vy;
    if (y > room) y = 2 * room - y, vy = -vy;
  }
  return out;
}

/**
 * The frames of clip `i`: `frames × size × size` pixels (0..255), frame-major then row-major. With
 * `out`, written there (reused buffers keep batch building allocation-free).
 */
export function clipFrames(set: MovingFashion, i: number, out?: Uint8Array): Uint8Array {
  const { frames, size, source } = set;
  const side = source.height, pixels = side * side, area = size * size;
  const frame = out ?? new Uint8Array(frames * area);
  if (frame.length !== frames * area) {
    throw new Error(`clipFrames(): out must hold ${frames * area} pixels, got ${frame.length}.`);
  }
  frame.fill(0);
  for (const path of set.paths[i]) {
    const image = source.images.subarray(path.image * pixels, (path.image + 1) * pixels);
    pathPositions(path, frames, size - side).forEach(([x, y], t) => {
      const left = Math.round(x), top = Math.round(y), base = t * area;
      for (let r = 0; r < side; r++) {
        const row = base + (top + r) * size + left;
        for (let c = 0; c < side; c++) {
          const v = image[r * side + c];
          if (v > frame[row + c]) frame[row + c] = v;
        }
      }
    });
  }
  return frame;
}
