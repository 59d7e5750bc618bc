/**
 * RotNet's pretext task (Gidaris, Singh & Komodakis 2018): rotate each image by 0°, 90°, 180° and
 * 270° and predict which rotation was applied. The labels come from the data itself; to solve the
 * task the network must know what upright objects look like.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../data/mod.ts";
import { rotate90 } from "../augment/rotate.ts";
import type { BatchSource } from "../train/fit.ts";

/** The four rotations, in label order. */
export const ROTATION_LABELS: readonly string[] = ["0°", "90°", "180°", "270°"];

/**
 * A batch source for the rotation task over the (unlabeled) images `indices`: each batch holds
 * every chosen image under all four rotations, as in the paper (so a batch of b images is 4·b
 * examples, and the classes are exactly balanced). Targets: rotation ids 0..3.
 */
export function rotationSource(set: ImageSet, indices: ArrayLike<number>): BatchSource {
  const size = set.height;
  const pixels = size * size;
  return {
    size: indices.length,
    batch(positions) {
      const b = positions.length;
      const x = new Float32Array(4 * b * pixels);
      const y = new Int32Array(4 * b);
      for (let i = 0; i < b; i++) {
        const at = indices[positions[i]] * pixels;
        const image = set.images.subarray(at, at + pixels);
        for (let k = 0; k < 4; k++) {
          const rotated = rotate90(image, size, k);
          const row = (k * b + i) * pixels;
          for (let p = 0; p < pixels; p++) x[row + p] = rotated[p] / 255;
          y[k * b + i] = k;
        }
      }
      return {
        x: tf.tensor4d(x, [4 * b, size, size, 1]),
        y: tf.tensor1d(y, "int32"),
      };
    },
  };
}
