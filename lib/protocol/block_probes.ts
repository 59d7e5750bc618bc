/**
 * Linear probes on each block of an encoder — the "which layer learns most" side experiment of
 * the image notebooks — with every read-out of the encoder computed in one pass over the images
 * ({@link modelSources}).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { blockFeatures, encoderBlocks } from "../models/blocks.ts";
import type { Family } from "../results/mod.ts";
import { type Method, modelSources, probeMethod, type ProtocolData } from "./protocol.ts";

/** Options of {@link blockProbes}. */
export interface BlockProbeOptions {
  /** Blocks to probe, 1-based (default: every conv-BN-ReLU block of the encoder). */
  blocks?: number[];
  /** Other read-outs of the same encoder (e.g. `pooledBlockFeatures`), probed as `${name} · key`. */
  readouts?: Record<string, tf.LayersModel>;
  /** Default "self-supervised". */
  family?: Family;
}

/**
 * Linear-probe methods named `${name} · block k` on each block of `encoder` (globally
 * average-pooled, `blockFeatures`), then one per extra read-out; the features of all of them come
 * from one pass of the images through the encoder.
 */
export function blockProbes(
  data: ProtocolData,
  name: string,
  encoder: tf.LayersModel,
  opts: BlockProbeOptions = {},
): Method[] {
  const blocks = opts.blocks ?? encoderBlocks(encoder).map((_, i) => i + 1);
  const readouts = Object.entries(opts.readouts ?? {});
  const models = [...blocks.map((b) => blockFeatures(encoder, b)), ...readouts.map(([, m]) => m)];
  const names = [
    ...blocks.map((b) => `${name} · block ${b}`),
    ...readouts.map(([k]) => `${name} · ${k}`),
  ];
  return modelSources(data, models).map((source, i) =>
    probeMethod(names[i], opts.family ?? "self-supervised", source)
  );
}
