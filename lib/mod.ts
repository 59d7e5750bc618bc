/**
 * Everything a notebook needs, in one import: `import { … } from "./mod.ts";`.
 * @module
 */
export * from "./random.ts";
export * from "./config/mode.ts";
export * from "./backend/mod.ts";
export * from "./data/mod.ts";
export * from "./augment/rotate.ts";
export * from "./pretext/rotation.ts";
export * from "./models/mod.ts";
export * from "./train/mod.ts";
export * from "./eval/mod.ts";
export * from "./protocol/mod.ts";
export * from "./results/mod.ts";
export * from "./results/describe.ts";
export * from "./plot/mod.ts";
export * from "./show/mod.ts";
export * from "./parallel/pool.ts";
export * from "./augment/jigsaw.ts";
export * from "./augment/downsample.ts";
export * from "./pretext/jigsaw.ts";
export * from "./pretext/counting.ts";
export * from "./data/tabular.ts";
export * from "./eval/kmeans.ts";
export * from "./eval/regression.ts";
export * from "./eval/mlp_regressor.ts";
export * from "./pretext/tiny_cbow.ts";
export * from "./results/suite_map.ts";
export * from "./results/code_version.ts";
export * from "./results/summary.ts";
export * from "./data/stdlib_datasets.ts";
export * from "./data/text.ts";
export * from "./data/corpora.ts";
export * from "./models/word_vectors.ts";
export * from "./pretext/word2vec.ts";
export * from "./eval/metrics.ts";
export * from "./eval/text_features.ts";
export * from "./eval/truncated_svd.ts";
export * from "./data/language_tasks.ts";
export * from "./plot/word_map.ts";
export * from "./augment/views.ts";
export * from "./pretext/twin_views.ts";
export * from "./augment/masks.ts";
export * from "./models/decoder.ts";
export * from "./pretext/inpainting.ts";
export * from "./pretext/mae.ts";
export * from "./models/dense_stack.ts";
export * from "./pretext/layerwise.ts";
export * from "./models/dcgan.ts";
export * from "./models/pooled_blocks.ts";
export * from "./pretext/gan.ts";
export * from "./pretext/twin_jobs.ts";
export * from "./pretext/gan_job.ts";

export * from "./zoo/mod.ts";
export * from "./data/moving_fashion.ts";
export * from "./pretext/video.ts";
