/**
 * Reading a tensor's values back. lib/ reads only asynchronously (`await tensor.data()`): on the
 * `webgpu` backend a synchronous read (`dataSync`) needs a 2-D `OffscreenCanvas`, which Deno does
 * not have; on `wasm` and `cpu` the two give the same values.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** The values of `t` (awaited, so it works on every backend); `t` is disposed afterwards. */
export async function readAndDispose<R extends tf.Rank>(
  t: tf.Tensor<R>,
): Promise<tf.DataTypeMap[tf.NumericDataType]> {
  try {
    return await t.data() as tf.DataTypeMap[tf.NumericDataType];
  } finally {
    t.dispose();
  }
}

/** A weight tensor as plain data (structured-clone friendly). */
export interface WeightData {
  shape: number[];
  data: Float32Array;
}

/** Copies a model's weights out as plain data. */
export function weightsOf(model: tf.LayersModel): Promise<WeightData[]> {
  return Promise.all(
    model.getWeights().map(async (w) => ({ shape: w.shape, data: await w.data() as Float32Array })),
  );
}
