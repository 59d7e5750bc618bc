/**
 * Feature matrices: what probes, kNN and PCA consume. Row-major float32, `n` rows of `dim`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readAndDispose, weightsOf } from "../_read.ts";
import { yieldToEventLoop } from "../_yield.ts";
import type { ImageSet } from "../data/mod.ts";
import { toFloatBatch } from "../data/mod.ts";

/** `n` feature vectors of length `dim`, row-major. */
export interface Features {
  data: Float32Array;
  n: number;
  dim: number;
}

/** Raw pixels scaled to 0..1 as features (the "pixels" control). */
export function pixelFeatures(set: ImageSet): Features {
  const dim = set.height * set.width;
  const data = new Float32Array(set.n * dim);
  for (let i = 0; i < data.length; i++) data[i] = set.images[i] / 255;
  return { data, n: set.n, dim };
}

/** The rows `indices` of `features`. */
export function selectRows(features: Features, indices: ArrayLike<number>): Features {
  const { dim } = features;
  const data = new Float32Array(indices.length * dim);
  for (let i = 0; i < indices.length; i++) {
    const at = indices[i] * dim;
    data.set(features.data.subarray(at, at + dim), i * dim);
  }
  return { data, n: indices.length, dim };
}

/**
 * Runs a frozen model (inference mode: BatchNorm uses its moving statistics) over every image of
 * `set` in batches and returns its outputs as features (a model with several outputs: the first;
 * {@link modelOutputs} gives them all).
 */
export async function modelFeatures(
  model: tf.LayersModel,
  set: ImageSet,
  opts: { batchSize?: number } = {},
): Promise<Features> {
  return (await modelOutputs(model, set, opts))[0];
}

/**
 * Like {@link modelFeatures}, for every output of `model`: one pass over the images gives one
 * feature matrix per output (e.g. a model whose outputs are several read-outs of one encoder).
 */
export async function modelOutputs(
  model: tf.LayersModel,
  set: ImageSet,
  opts: { batchSize?: number } = {},
): Promise<Features[]> {
  const batchSize = opts.batchSize ?? 500;
  const outputs = model.outputs.length;
  const data: Float32Array[] = [];
  const dims: number[] = [];
  const { height, width } = set;
  for (let start = 0; start < set.n; start += batchSize) {
    await yieldToEventLoop();
    const count = Math.min(batchSize, set.n - start);
    const idx = Int32Array.from({ length: count }, (_, i) => start + i);
    const outs = tf.tidy(() => {
      const x = tf.tensor4d(toFloatBatch(set, idx), [count, height, width, 1]);
      const y = model.predict(x) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(y) ? y : [y]).map((t) => t.reshape([count, -1]));
    });
    for (const [k, out] of outs.entries()) {
      if (!data[k]) {
        dims[k] = out.shape[1]!;
        data[k] = new Float32Array(set.n * dims[k]);
      }
      data[k].set(await readAndDispose(out), start * dims[k]);
    }
  }
  return Array.from({ length: outputs }, (_, k) => ({
    data: data[k] ?? new Float32Array(0),
    n: set.n,
    dim: dims[k] ?? 0,
  }));
}

/**
 * What a frozen model's features are a function of, without computing them: its architecture
 * (layer classes, configurations and connections; layer and model names left out, so two copies
 * built under different names are the same) and the values of all its weights (batch-norm
 * statistics included). The run cache keys frozen-feature runs by it.
 */
export async function modelIdentity(
  model: tf.LayersModel,
): Promise<{ architecture: unknown; weights: unknown }> {
  const topology = model.toJSON(null, false) as unknown as Record<string, unknown>;
  return { architecture: withoutNames(topology), weights: await weightsOf(model) };
}

/** A layers-model topology with each layer's name replaced by its position (recursively). */
function withoutNames(topology: Record<string, unknown>): unknown {
  const config = topology.config as Record<string, unknown> | undefined;
  const layers = config?.layers as Record<string, unknown>[] | undefined;
  if (!config || !Array.isArray(layers)) return topology;
  const index = new Map(layers.map((l, i) => [l.name as string, i]));
  const rename = (v: unknown): unknown =>
    typeof v === "string" && index.has(v) ? index.get(v) : Array.isArray(v) ? v.map(rename) : v;
  return {
    class: topology.class_name,
    layers: layers.map((layer) => {
      const { name: _, ...layerConfig } = (layer.config ?? {}) as Record<string, unknown>;
      return {
        class: layer.class_name,
        config: "layers" in layerConfig
          ? withoutNames({ class_name: layer.class_name, config: layerConfig })
          : layerConfig,
        inbound: rename(layer.inbound_nodes),
      };
    }),
    inputs: rename(config.input_layers),
    outputs: rename(config.output_layers),
  };
}

/** Per-dimension mean and standard deviation (population), for standardising. */
export function featureStats(features: Features): { mean: Float64Array; std: Float64Array } {
  const { data, n, dim } = features;
  const mean = new Float64Array(dim), std = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += data[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= Math.max(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const d = data[i * dim + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j] / Math.max(n, 1));
  return { mean, std };
}

/** (x - mean) / std per dimension; dimensions with std ≈ 0 become 0. */
export function standardize(
  features: Features,
  stats: { mean: Float64Array; std: Float64Array },
): Features {
  const { data, n, dim } = features;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const s = stats.std[j];
      out[i * dim + j] = s > 1e-8 ? (data[i * dim + j] - stats.mean[j]) / s : 0;
    }
  }
  return { data: out, n, dim };
}
