/**
 * The map of the suite: which notebook reproduces which pretext family, on which downstream task.
 * The paradigms overview, the summary notebook, the static site and the tests all read it, so a
 * new notebook is registered once, here.
 *
 * @example
 * ```ts
 * import { downstreamTask, SUITE_NOTEBOOKS } from "./suite_map.ts";
 * const rotation = SUITE_NOTEBOOKS.find((n) => n.stem === "01_rotation")!;
 * if (rotation.downstream !== downstreamTask({ notebook: "01_rotation" })) throw new Error();
 * ```
 * @module
 */

/** The downstream task of the image notebooks. */
export const FASHION_MNIST_TASK = "Fashion-MNIST classification";
/** The downstream task of the language notebooks. */
export const TEXT_TASK = "text classification";

/** One planned notebook of the suite. */
export interface SuiteNotebook {
  /** File stem: `notebooks/<stem>.ipynb`, `results/<stem>.json`. */
  stem: string;
  /** The pretext task it reproduces. */
  pretext: string;
  /** The family of pretext tasks it belongs to. */
  family: string;
  /** The paper(s) it follows. */
  paper: string;
  /** The downstream task its comparison is scored on. */
  downstream: string;
}

/** Every comparison notebook of the suite, in order (whether or not it exists yet). */
export const SUITE_NOTEBOOKS: readonly SuiteNotebook[] = [
  {
    stem: "00_baselines",
    pretext: "none: the baselines every image notebook shares",
    family: "baselines (control, unsupervised, supervised)",
    paper: "—",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "01_rotation",
    pretext: "rotation prediction (RotNet)",
    family: "image transformation prediction",
    paper: "Gidaris et al. 2018",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "02_jigsaw",
    pretext: "jigsaw puzzles",
    family: "spatial context",
    paper: "Noroozi & Favaro 2016",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "03_counting",
    pretext: "counting visual primitives",
    family: "equivariance / counting",
    paper: "Noroozi et al. 2017",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "04_inpainting",
    pretext: "context encoders (inpainting)",
    family: "generative: reconstruct missing pixels",
    paper: "Pathak et al. 2016",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "05_masked_autoencoder",
    pretext: "masked autoencoding (MAE)",
    family: "generative: masked image modelling",
    paper: "He et al. 2022",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "06_contrastive",
    pretext: "contrastive instance discrimination (SimCLR)",
    family: "contrastive",
    paper: "Chen et al. 2020",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "07_non_contrastive",
    pretext: "two views without negatives (VICReg)",
    family: "non-contrastive",
    paper: "Bardes et al. 2022",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "08_layerwise_autoencoder",
    pretext: "greedy layer-wise autoencoders",
    family: "generative: reconstruction (pre-deep-learning era)",
    paper: "Bengio et al. 2007; Vincent et al. 2008",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "09_gan_features",
    pretext: "GAN discriminator features (DCGAN)",
    family: "adversarial",
    paper: "Radford et al. 2016",
    downstream: FASHION_MNIST_TASK,
  },
  {
    stem: "10_word_context",
    pretext: "word context prediction (word2vec)",
    family: "language: neighbouring words",
    paper: "Mikolov et al. 2013",
    downstream: TEXT_TASK,
  },
  {
    stem: "11_masked_words",
    pretext: "predicting a masked word from its context (CBOW)",
    family: "language: masked language modelling",
    paper: "Mikolov et al. 2013 (CBOW; BERT's objective, Devlin et al. 2019)",
    downstream: TEXT_TASK,
  },
  {
    stem: "12_video",
    pretext: "frame order (Shuffle and Learn) and masked-frame restoration on moving garments",
    family: "temporal: order and restoration in time",
    paper: "Misra et al. 2016; Srivastava et al. 2015 (Moving MNIST)",
    downstream: "Moving Fashion-MNIST: garment class and direction of motion",
  },
  {
    stem: "13_pretraining_length",
    pretext: "every image pretext task, pretrained long (the checkpoint zoo)",
    family: "pretraining length: downstream accuracy against pretraining epochs",
    paper: "the papers of 01–07; model zoos as in solo-learn, lightly, VISSL",
    downstream: FASHION_MNIST_TASK,
  },
];

/**
 * Notebooks that are not comparisons and write no `results/<stem>.json`: the paradigms overview
 * (its three demos have no label budgets) and the summary (it reads the others' results).
 */
export const OVERVIEW_NOTEBOOKS: readonly string[] = ["00_paradigms", "99_summary"];

/**
 * The downstream task a results file is scored on: its own `task` field when it has one, else the
 * suite map's entry for its notebook, else "other".
 */
export function downstreamTask(results: { notebook: string; task?: unknown }): string {
  if (typeof results.task === "string" && results.task) return results.task;
  return SUITE_NOTEBOOKS.find((n) => n.stem === results.notebook)?.downstream ?? "other";
}
