/**
 * Which data a run read: each loader records the directory and the SHA-256 of the files it read
 * (e.g. `loadFashionMnist`), and `saveResults` writes them into the results file (`data`), so a
 * result says which copy of the data computed it.
 * @module
 */
import type { DatasetProvenance } from "../results/schema.ts";

const used = new Map<string, DatasetProvenance>();

/** Records that this process read `name` from `provenance.dir` (the latest read wins). */
export function recordDataset(name: string, provenance: DatasetProvenance): void {
  used.set(name, provenance);
}

/** The datasets this process has read, by name (empty when none was recorded). */
export function datasetsUsed(): Record<string, DatasetProvenance> {
  return Object.fromEntries(used);
}
