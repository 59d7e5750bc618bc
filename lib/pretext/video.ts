/**
 * Pretext tasks in time, on Moving Fashion-MNIST clips (lib/data/moving_fashion.ts):
 *
 * - **Frame order** (Misra, Zitnick & Hebert 2016, "Shuffle and Learn"): is this clip in temporal
 *   order? Half the clips are shown in order, half with their frames shuffled. A clip played
 *   backwards is a valid clip of the opposite motion, so reversal counts as "in order" and is
 *   never drawn as a shuffle. To answer, a network must see how the garment moves between frames.
 * - **Masked-frame restoration** (the seed's "restore missing parts", in time): one interior frame
 *   is hidden (set to the mean pixel) and the network paints it from the frames around it; the
 *   loss counts the hidden frame only.
 *
 * The network sees a clip as one image with its frames as channels ([size, size, frames]): the
 * reference encoder with `frames` input channels ("early fusion", Karpathy et al. 2014). Its first
 * convolution compares the frames at each place, which is where motion is, and it costs little
 * more than one frame on our CPUs. A per-frame encoder with global pooling — the stored image
 * encoders — sees where a garment is only faintly and so cannot see where it goes: the notebook's
 * control for what time adds.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { clipFrames, type MovingFashion } from "../data/moving_fashion.ts";
import { buildClassifier, buildEncoder } from "../models/encoder.ts";
import { createRng, type Rng } from "../random.ts";
import { readAndDispose } from "../_read.ts";
import type { BatchSource } from "../train/fit.ts";

/** The reference encoder for clips: input [size, size, frames], 128 features. */
export function buildVideoEncoder(
  opts: { seed: number; frames: number; size?: number; name?: string },
): tf.LayersModel {
  const size = opts.size ?? 48;
  return buildEncoder({ seed: opts.seed, inputShape: [size, size, opts.frames], name: opts.name });
}

/** The frame-order network: the clip encoder + an MLP head → 2 logits (0: shuffled, 1: in order). */
export function buildOrderModel(
  encoder: tf.LayersModel,
  opts: { seed: number; hidden?: number; name?: string },
): tf.LayersModel {
  return buildClassifier(encoder, {
    seed: opts.seed,
    numClasses: 2,
    hidden: opts.hidden ?? 128,
    name: opts.name ?? `${encoder.name}_order`,
  });
}

/** Writes clip `i`'s frames (0..255, frame-major) into `x` at `row` as [size, size, frames] / 255. */
function writeChannels(
  frames: Uint8Array,
  order: ArrayLike<number>,
  area: number,
  x: Float32Array,
  row: number,
): void {
  const t = order.length;
  for (let p = 0; p < area; p++) {
    const at = row + p * t;
    for (let k = 0; k < t; k++) x[at + k] = frames[order[k] * area + p] / 255;
  }
}

/** Whether `order` is 0, 1, …, T−1 or its reverse. */
export function isInOrder(order: ArrayLike<number>): boolean {
  const t = order.length;
  let forward = true, backward = true;
  for (let k = 0; k < t; k++) {
    if (order[k] !== k) forward = false;
    if (order[k] !== t - 1 - k) backward = false;
  }
  return forward || backward;
}

/** A random frame order that is neither the identity nor its reverse. */
export function shuffledOrder(frames: number, rng: Rng): Int32Array {
  if (frames < 3) throw new Error(`shuffledOrder(): needs at least 3 frames, got ${frames}.`);
  const order = Int32Array.from({ length: frames }, (_, k) => k);
  do rng.shuffle(order); while (isInOrder(order));
  return order;
}

/**
 * The frame-order source over the clips `indices` of `set` (labels never read): each clip in
 * order (label 1; forwards or backwards, half each) or shuffled (label 0), half each, drawn fresh
 * every epoch (fixed per clip with `seed`). x: [batch, size, size, frames] in 0..1; y: int32.
 */
export function frameOrderSource(
  set: MovingFashion,
  indices: ArrayLike<number>,
  opts: { seed?: number } = {},
): BatchSource {
  const { frames, size } = set, area = size * size;
  const buffer = new Uint8Array(frames * area);
  const forward = Int32Array.from({ length: frames }, (_, k) => k);
  const backward = forward.slice().reverse();
  return {
    size: indices.length,
    batch(positions, batchRng) {
      const b = positions.length;
      const x = new Float32Array(b * area * frames), y = new Int32Array(b);
      for (let i = 0; i < b; i++) {
        const rng = opts.seed === undefined
          ? batchRng
          : createRng(opts.seed * 1_000_003 + positions[i]);
        clipFrames(set, indices[positions[i]], buffer);
        y[i] = rng.next() < 0.5 ? 1 : 0;
        const order = y[i] ? (rng.next() < 0.5 ? forward : backward) : shuffledOrder(frames, rng);
        writeChannels(buffer, order, area, x, i * area * frames);
      }
      return { x: tf.tensor4d(x, [b, size, size, frames]), y: tf.tensor1d(y, "int32") };
    },
  };
}

/** The interior frame (1..frames−2) a masked-frame source hides: the first draw of `rng`. */
function hiddenFrame(rng: Rng, frames: number): number {
  return 1 + rng.int(frames - 2);
}

/**
 * The masked-frame source over the clips `indices`: one interior frame (1..frames−2, fresh each
 * epoch; fixed per clip with `seed`) set to `fill` (0..1, e.g. the mean pixel) in the input; the
 * target is that frame, with loss weight 1 on each of its pixels — the layout of
 * `maskedMseLoss` (channels: frame, weight, hidden). x: [batch, size, size, frames];
 * y: [batch, size, size, 3].
 */
export function maskedFrameSource(
  set: MovingFashion,
  indices: ArrayLike<number>,
  opts: { fill: number; seed?: number },
): BatchSource {
  const { frames, size } = set, area = size * size;
  if (frames < 3) {
    throw new Error(
      `maskedFrameSource(): needs at least 3 frames (an interior one), got ${frames}.`,
    );
  }
  if (!(opts.fill >= 0 && opts.fill <= 1)) {
    throw new Error(`maskedFrameSource(): fill must be in 0..1, got ${opts.fill}.`);
  }
  const buffer = new Uint8Array(frames * area);
  const order = Int32Array.from({ length: frames }, (_, k) => k);
  return {
    size: indices.length,
    batch(positions, batchRng) {
      const b = positions.length;
      const x = new Float32Array(b * area * frames), y = new Float32Array(b * area * 3);
      for (let i = 0; i < b; i++) {
        const rng = opts.seed === undefined
          ? batchRng
          : createRng(opts.seed * 1_000_003 + positions[i]);
        clipFrames(set, indices[positions[i]], buffer);
        const hidden = hiddenFrame(rng, frames);
        const row = i * area * frames;
        writeChannels(buffer, order, area, x, row);
        for (let p = 0; p < area; p++) {
          x[row + p * frames + hidden] = opts.fill;
          const at = (i * area + p) * 3;
          y[at] = buffer[hidden * area + p] / 255;
          y[at + 1] = 1;
          y[at + 2] = 1;
        }
      }
      return {
        x: tf.tensor4d(x, [b, size, size, frames]),
        y: tf.tensor4d(y, [b, size, size, 3]),
      };
    },
  };
}

/** The clips `indices` as the network's input [n, size, size, frames] in 0..1, in order. */
export function clipBatch(set: MovingFashion, indices: ArrayLike<number>): tf.Tensor4D {
  const { frames, size } = set, area = size * size;
  const buffer = new Uint8Array(frames * area);
  const order = Int32Array.from({ length: frames }, (_, k) => k);
  const x = new Float32Array(indices.length * area * frames);
  for (let i = 0; i < indices.length; i++) {
    clipFrames(set, indices[i], buffer);
    writeChannels(buffer, order, area, x, i * area * frames);
  }
  return tf.tensor4d(x, [indices.length, size, size, frames]);
}

/** Held-out errors of a masked-frame model, beside two restorations that need no learning. */
export interface FrameRestorationError {
  /** Mean squared error of the model's frame (pixels 0..1). */
  model: number;
  /** Copying the frame before the hidden one. */
  copyPrevious: number;
  /** The average of the frames before and after it. */
  neighbourMean: number;
}

/**
 * The errors on the hidden frames of {@link maskedFrameSource}(`set`, `indices`, `opts`) (fixed
 * per clip by `opts.seed`): the model's, and copying / averaging the neighbouring frames.
 */
export async function frameRestorationError(
  model: tf.LayersModel,
  set: MovingFashion,
  indices: ArrayLike<number>,
  opts: { fill: number; seed: number },
): Promise<FrameRestorationError> {
  const source = maskedFrameSource(set, indices, opts);
  const { frames, size } = set, area = size * size;
  let sums = { model: 0, copyPrevious: 0, neighbourMean: 0 }, count = 0;
  const positions = Int32Array.from({ length: indices.length }, (_, i) => i);
  for (let start = 0; start < positions.length; start += 100) {
    const chunk = positions.subarray(start, start + 100);
    const { x, y } = source.batch(chunk, createRng(0));
    const out = await (model.predict(x) as tf.Tensor).data();
    const xs = await x.data(), ys = await y.data();
    tf.dispose([x, y]);
    for (let i = 0; i < chunk.length; i++) {
      const row = i * area * frames;
      // the frame the source hid: its first draw from the clip's seeded generator
      const hidden = hiddenFrame(createRng(opts.seed * 1_000_003 + chunk[i]), frames);
      for (let p = 0; p < area; p++) {
        const truth = ys[(i * area + p) * 3];
        const before = xs[row + p * frames + hidden - 1], after = xs[row + p * frames + hidden + 1];
        sums.model += (out[i * area + p] - truth) ** 2;
        sums.copyPrevious += (before - truth) ** 2;
        sums.neighbourMean += ((before + after) / 2 - truth) ** 2;
      }
      count += area;
    }
  }
  sums = {
    model: sums.model / count,
    copyPrevious: sums.copyPrevious / count,
    neighbourMean: sums.neighbourMean / count,
  };
  return sums;
}

/**
 * Clip `i` with frame `hidden` replaced by `fill`, the model's restoration of it, and the truth:
 * frames (0..1) for pictures.
 */
export async function restoreFrame(
  model: tf.LayersModel,
  set: MovingFashion,
  i: number,
  opts: { hidden: number; fill: number },
): Promise<{ input: Float32Array[]; truth: Float32Array; restored: Float32Array }> {
  const { frames, size } = set, area = size * size;
  const raw = clipFrames(set, i);
  const input = Array.from(
    { length: frames },
    (_, t) =>
      t === opts.hidden
        ? new Float32Array(area).fill(opts.fill)
        : Float32Array.from(raw.subarray(t * area, (t + 1) * area), (v) => v / 255),
  );
  const x = new Float32Array(area * frames);
  for (let p = 0; p < area; p++) for (let t = 0; t < frames; t++) x[p * frames + t] = input[t][p];
  const restored = await readAndDispose(
    tf.tidy(() => model.predict(tf.tensor4d(x, [1, size, size, frames])) as tf.Tensor),
  ) as Float32Array;
  const truth = Float32Array.from(
    raw.subarray(opts.hidden * area, (opts.hidden + 1) * area),
    (v) => v / 255,
  );
  return {
    input,
    truth,
    restored: Float32Array.from(restored, (v) => Math.min(1, Math.max(0, v))),
  };
}
