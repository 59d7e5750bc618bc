import sys
from nbgen import NB
nb = NB(); md = nb.md; code = nb.code

md("""
# The shared baselines: what labels alone, pixels, PCA and an untrained network achieve

**What this notebook is:** the rows every image notebook compares its pretext task against, computed once. Each of `01_rotation` … `09_gan_features` scores its self-supervised encoder under the same matched protocol — same label budgets, same seeds, same labeled subsets, same 5,000 test images — against the same controls (raw pixels, an untrained copy of the reference encoder), the same unsupervised baseline (PCA) and the same supervised baseline (the reference encoder trained from scratch on the labeled subset only). Those rows do not depend on any pretext task, so the suite computes them here, first, and the other notebooks reuse them through the run cache (`lib/eval/run_cache.ts`: a run is reused only when its inputs and the code that computes it are identical). **Data:** Fashion-MNIST, labeled subsets drawn from the 60,000-image training split. **Budget:** standard mode about 6 minutes on 2 CPU cores when it computes everything (the wall time is recorded in `results/00_baselines.json`), seconds when its runs are stored; `SUITE_MODE=smoke` runs end to end in under a minute.

**Question:** before any pretext task — how good is each way of using few labels on this data, and how far is the suite's standard-mode supervised baseline from a fully trained network?
""")
md("""
## Introduction

A self-supervised result means little on its own: "72 % with 10 labels per class" is good or bad only next to what the same labels buy without pretraining. The suite therefore reports four reference rows at every label budget:

| family | method | what it tells |
|---|---|---|
| control | raw pixels + linear probe | what a linear classifier gets from the input itself; a pretext encoder should beat it |
| control | the reference encoder at its random initialisation (seed 0, the starting point of every pretext run) + linear probe | what the *architecture* gives before any training: the floor a pretext task must lift |
| unsupervised | PCA-64 fitted on the unlabeled pool + linear probe | the classic unsupervised representation (the scikit-learn reference pipeline) |
| supervised | the reference encoder trained from scratch on the labeled subset only | what the labels alone buy, with the same network and schedule as fine-tuning |

(and, for the notebooks that report kNN, the untrained encoder + weighted kNN). What we expect: with few labels a linear probe on a fixed representation should beat a network trained from scratch (it has far fewer parameters to fit); with many labels the trained network should win — *if it is trained long enough*. That last condition is the second thing this notebook measures: standard mode caps every supervised and fine-tuning run at 100 optimizer steps, to keep each notebook within its 10-minute budget, and below we train the same network for longer with all labels to show what that cap costs.
""")
md("## Setup")
code("""
import {
  accuracyVsLabels, applyOverrides, buildEncoder, byMode, comparisonTable, describeAgainstFamilies, groupedBars,
  initBackend, knnMethod, loadFashionMnist, modelSource, pcaFeatures, pixelSource, probeMethod, resultsDir,
  runProtocol, saveResults, showChart, showMarkdown, showTable, suiteMode, trainedMethod,
} from "../lib/mod.ts";
const started = performance.now();
""")
md("""
### Configuration

One cell, mode-aware: `SUITE_MODE=smoke|standard|full` picks the sizes; `SUITE_OVERRIDES='{"longerSteps": [300]}'` changes any key for one run. The protocol keys (seeds, budgets, data sizes, the supervised schedule, PCA, kNN) are those of every image notebook (`01_rotation`'s config cell): change one here and the other notebooks will not find these runs in the cache, but compute their own. The whole config is saved with the results.
""")
code("""
const mode = suiteMode();
type Budget = number | "all";
const config = applyOverrides({
  seeds: byMode({ smoke: [0], standard: [0, 1, 2], full: [0, 1, 2, 3, 4] }),
  budgets: byMode<Budget[]>({ smoke: [10, "all"], standard: [10, 100, 1000, "all"], full: [10, 100, 1000, "all"] }),
  trainImages: byMode({ smoke: 400, standard: 60000, full: 60000 }), // the labeled pool: "all" = every one
  testImages: byMode({ smoke: 300, standard: 5000, full: 10000 }), // every method is scored on these
  supervisedEpochs: 30, // passes over small labeled subsets (10/class = 100 images needs many)…
  supervisedMaxSteps: byMode({ smoke: 4, standard: 100, full: 3000 }), // …capped for large subsets (time budget)
  supervisedBatch: 64,
  supervisedLearningRate: 2e-3,
  pcaComponents: 64, // as the scikit-learn reference (PCA-64 + logistic regression)
  knnK: 20, // DINO's kNN protocol: k = 20, T = 0.07
  knnTemperature: 0.07,
  longerSteps: byMode({ smoke: [8], standard: [300, 1000], full: [10000] }), // the supervised network with all labels, trained longer (seed 0)
});
const backend = await initBackend();
console.log({ mode, backend, ...config });
""")
md("## Data")
code("""
const fm = await loadFashionMnist({ limitTrain: config.trainImages, limitTest: config.testImages });
const data = { train: fm.train, test: fm.test };
console.log(`labeled pool ${data.train.n} images, test ${data.test.n} images, ${fm.classNames.length} classes: ${fm.classNames.join(", ")}`);
""")
md("""
## The baselines, under the matched protocol

`runProtocol` (lib/eval/protocol.ts) is the call every image notebook makes. For each label budget (10, 100, 1000 labels per class and all labels) and each seed it draws one stratified labeled subset, and every method sees that subset; all are scored on the same test images. The linear probe is a multinomial logistic regression on standardised frozen features fitted to convergence with L-BFGS (scikit-learn's objective, C = 1): deterministic, so with all labels it is run once. The supervised network gets Adam with cosine decay, 30 passes over the labeled subset but at most `supervisedMaxSteps` steps of 64 images; its runs are independent and run two at a time on worker threads.

**Trained longer.** Beside it, on a third worker, the same supervised network with all labels (seed 0) is trained for the steps in `longerSteps`, everything else unchanged — the cost of the standard-mode cap.
""")
code("""
const schedule = {
  batchSize: config.supervisedBatch, epochs: config.supervisedEpochs,
  maxSteps: config.supervisedMaxSteps, learningRate: config.supervisedLearningRate,
};
const protocol = { budgets: config.budgets, seeds: config.seeds, cache: true }; // cache: the other image notebooks reuse these runs, see lib/eval/run_cache.ts
const randomEncoder = buildEncoder({ seed: 0, name: "random" }); // every pretext encoder's starting point, never trained
const features = {
  pixels: pixelSource(data),
  pca: pcaFeatures(data, { components: config.pcaComponents }),
  random: modelSource(data, randomEncoder),
};
const knn = { k: config.knnK, temperature: config.knnTemperature };
const longer = runProtocol(data, config.longerSteps.map((steps) =>
  trainedMethod(`supervised (from scratch), ${steps} steps`, "supervised", { schedule: { ...schedule, maxSteps: steps } })
), { budgets: ["all"], seeds: [0], cache: true, workers: 1, label: "trained longer" }); // not awaited: runs beside the protocol
const { rows, runs } = await runProtocol(data, [
  probeMethod("pixels + linear probe", "control", features.pixels),
  probeMethod("random encoder + linear probe", "control", features.random),
  knnMethod("random encoder + kNN", "control", features.random, knn),
  probeMethod(`PCA-${config.pcaComponents} + linear probe`, "unsupervised", features.pca),
  trainedMethod("supervised (from scratch)", "supervised", { schedule }),
], { ...protocol, label: "baselines" });
const longerRuns = (await longer).runs;
""")
md("## Results")
code("""
await showTable(comparisonTable(rows), { title: "Fashion-MNIST test accuracy (mean ± std over seeds)" });
await showChart(accuracyVsLabels(rows, { title: "The shared baselines: test accuracy vs labels per class" }), {
  savePath: `${resultsDir()}/00_baselines_accuracy.png`,
});
""")
md("""
### What the step cap costs

The supervised network with all labels, seed 0: the protocol's run (`supervisedMaxSteps` steps) and the same run trained longer. Each point is one run: the cosine schedule decays to zero at its last step, so a longer run is a different schedule, not a later checkpoint of the same one.
""")
code("""
const all = runs.find((r) => r.method === "supervised (from scratch)" && r.labelsPerClass === "all" && r.seed === 0)!;
const stepCurve = [
  { steps: schedule.maxSteps, accuracy: all.accuracy },
  ...longerRuns.map((r, i) => ({ steps: config.longerSteps[i], accuracy: r.accuracy })),
];
const bestProbe = rows.filter((r) => r.labelsPerClass === "all" && r.method.endsWith("linear probe")).reduce((a, b) => (b.mean > a.mean ? b : a));
await showChart(groupedBars([
  ...stepCurve.map((p) => ({ x: `${p.steps} steps`, series: "supervised (from scratch)", value: p.accuracy })),
  { x: bestProbe.method.replace(" + linear probe", ""), series: "best linear probe", value: bestProbe.mean },
], { title: "All labels: supervised by training steps (seed 0) vs the best probe", yTitle: "test accuracy", format: ".1%", width: 420 }));
const wallSeconds = (performance.now() - started) / 1000;
const saved = await saveResults({
  notebook: "00_baselines", mode, seeds: config.seeds, backend, wallSeconds, config,
  pretext: { task: "none: the baselines every image notebook shares", stepCurve, runs: [...runs, ...longerRuns] },
  rows,
});
console.log(`wrote ${saved} after ${wallSeconds.toFixed(0)} s`);
""")
md("""
## Conclusion

The numbers of this run (generated from the rows above, so they always match the table):
""")
code("""
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const pixels = rows.filter((r) => r.method === "pixels + linear probe");
const sklearn: Record<string, number> = { "10": 0.703, "100": 0.784, "1000": 0.822 }; // scikit-learn, logistic regression on raw pixels (the foundation issue's reference points)
await showMarkdown([
  ...describeAgainstFamilies(rows, "supervised (from scratch)"), "",
  `- **Pixels vs the scikit-learn reference** (logistic regression on raw pixels): ${pixels.filter((r) => sklearn[String(r.labelsPerClass)] !== undefined).map((r) => `${r.labelsPerClass}/class ${pct(r.mean)} vs ${pct(sklearn[String(r.labelsPerClass)])}`).join("; ")}.`,
  `- **Trained longer, all labels (seed 0):** ${stepCurve.map((p) => `${p.steps} steps ${pct(p.accuracy)}`).join(", ")}; Zalando's 2-conv CNN reaches 92.5 % with all labels and long training.`,
].join("\\n"));
""")
md("""
**Reading the numbers (standard mode, 3 seeds).**

- **Few labels: a fixed representation beats training.** At 10 and 100 labels per class the linear probe on raw pixels is the best row (68.8 % and 78.8 %), ahead of the reference network trained on the same labels (68.0 %, 75.4 %): a linear model has 7,850 parameters to fit, the network ≈ 94,000, and 100 or 1,000 images do not pin them down. This is the regime where self-supervised pretraining should pay off: it is how a network can start from something better than random.
- **An untrained network is a strong feature extractor.** The reference encoder at its random initialisation, with a linear probe, reaches 66–84 % — close to pixels at small budgets and above them from 1000 labels per class (82.4 % vs 80.1 %). Random convolutions, ReLU and pooling already give features that are locally invariant. Every pretext notebook measures its gain *over this row*, because that is what its training added; the gains are often small.
- **PCA** is the weakest probe with 10 labels per class (60.1 %: 64 directions of largest variance, fitted without labels, are not the directions that separate classes) and the best with 1000 labels or more (83.0 %, 83.8 %).
- **Many labels: the supervised row is capped, not beaten.** With 1000 or all labels the network trained from scratch stays near 76 %, below every probe, because standard mode gives it only 100 steps of 64 images (6,400 images seen, whatever the budget). The run trained longer shows what the cap costs (the chart above): read the supervised and fine-tuning rows of every notebook at large budgets as "what 100 steps buy", and `SUITE_MODE=full` (3,000 steps) as the fair comparison there. Faster training (the fast-CPU-training issue) would go into exactly this.
- **kNN on the untrained encoder** trails its linear probe by 1–14 points: random features are usable by a linear classifier but their cosine neighbourhoods are not organised by class.

Our pixel probe is within two points of scikit-learn's logistic regression at 10–1000 labels per class; the differences come from the test subset (5,000 images here) and from the subsets drawn.

### Exercises
1. Raise `supervisedMaxSteps` to 1000 (`SUITE_OVERRIDES='{"supervisedMaxSteps": 1000}'`). At which budget does the supervised network overtake the probes? (Every other notebook's cache then misses: their supervised rows are computed afresh, with the same override.)
2. Replace PCA-64 by PCA-16 and PCA-256. Which label budgets prefer fewer components, and why?
3. Try a random encoder with a different seed. How much do the control rows move — is seed 0 a lucky initialisation?
""")
nb.save(sys.argv[1])
