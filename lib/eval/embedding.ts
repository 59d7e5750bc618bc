/**
 * 2-D pictures of feature spaces: a PCA projection (linear and deterministic, so differences
 * between panels come from the features, not from a stochastic embedding's randomness).
 * @module
 */
import type { EmbeddingPoint } from "../plot/specs.ts";
import type { Features } from "./features.ts";
import { fitPca, pcaTransform } from "./pca.ts";

/** Projects `features` to 2-D with PCA and labels each point with its class name. */
export async function embed2d(
  features: Features,
  labels: ArrayLike<number>,
  opts: { panel: string; classNames: readonly string[]; seed?: number },
): Promise<EmbeddingPoint[]> {
  const projected = await pcaTransform(
    await fitPca(features, { components: 2, seed: opts.seed ?? 0 }),
    features,
  );
  return Array.from({ length: features.n }, (_, i) => ({
    x: projected.data[2 * i],
    y: projected.data[2 * i + 1],
    label: opts.classNames[labels[i]] ?? String(labels[i]),
    panel: opts.panel,
  }));
}
