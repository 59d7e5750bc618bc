/**
 * Scores of a classifier beyond accuracy: precision, recall and F1 of one positive class (spam),
 * as a {@link Scorer} the protocol's methods report through.
 * @module
 */
import { accuracy } from "./linear_probe.ts";

/** Turns predicted classes and true labels into the values of named metrics. */
export interface Scorer {
  /** Metric names, the main one first (e.g. `["accuracy"]`). */
  metrics: string[];
  score(predicted: ArrayLike<number>, labels: ArrayLike<number>): Record<string, number>;
}

/** The default scorer: accuracy alone. */
export const accuracyScorer: Scorer = {
  metrics: ["accuracy"],
  score: (predicted, labels) => ({ accuracy: accuracy(predicted, labels) }),
};

/** Accuracy and the positive class's precision, recall and F1 (0 where undefined: no positives). */
export function binaryScores(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { positive?: number } = {},
): { accuracy: number; precision: number; recall: number; f1: number } {
  if (predicted.length !== labels.length) {
    throw new Error(`binaryScores(): ${predicted.length} predictions but ${labels.length} labels.`);
  }
  const positive = opts.positive ?? 1;
  let tp = 0, fp = 0, fn = 0, right = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = predicted[i] === positive, t = labels[i] === positive;
    if (predicted[i] === labels[i]) right++;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? 2 * precision * recall / (precision + recall) : 0;
  return { accuracy: labels.length ? right / labels.length : 0, precision, recall, f1 };
}

/**
 * A scorer reporting accuracy (the main metric), then `F1 (<name>)`, `precision (<name>)` and
 * `recall (<name>)`, where `<name>` names the positive class (e.g. "spam").
 */
export function binaryScorer(opts: { positive?: number; name: string }): Scorer {
  const f1 = `F1 (${opts.name})`, precision = `precision (${opts.name})`;
  const recall = `recall (${opts.name})`;
  return {
    metrics: ["accuracy", f1, precision, recall],
    score(predicted, labels) {
      const s = binaryScores(predicted, labels, opts);
      return { [f1]: s.f1, accuracy: s.accuracy, [precision]: s.precision, [recall]: s.recall };
    },
  };
}
