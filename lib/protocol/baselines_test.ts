import { assertEquals } from "../_assert.ts";
import { baselineMethods } from "./baselines.ts";
import type { FeatureSource } from "./protocol.ts";

const source = (): FeatureSource => {
  const none = () => Promise.reject(new Error("not computed in this test"));
  return { train: none, test: none };
};
const features = { pixels: source(), pca: source(), random: source() };
const schedule = {
  batchSize: 64,
  maxEpochs: 30,
  patience: 5,
  maxImages: null,
  learningRates: [2e-3],
  augment: true,
};

Deno.test("baselineMethods(): the shared rows, named and grouped as every notebook reports them", () => {
  const methods = baselineMethods(features, { pcaComponents: 64, schedule });
  assertEquals(methods.map((m) => [m.name, m.family, m.deterministic]), [
    ["pixels + linear probe", "control", true],
    ["random encoder + linear probe", "control", true],
    ["PCA-64 + linear probe", "unsupervised", true],
    ["supervised (from scratch)", "supervised", false],
  ]);
});

Deno.test("baselineMethods(): kNN on the untrained encoder only when asked, after its probe", () => {
  const methods = baselineMethods(features, { pcaComponents: 16, schedule, knn: { k: 20 } });
  assertEquals(methods.map((m) => m.name), [
    "pixels + linear probe",
    "random encoder + linear probe",
    "random encoder + kNN",
    "PCA-16 + linear probe",
    "supervised (from scratch)",
  ]);
});
