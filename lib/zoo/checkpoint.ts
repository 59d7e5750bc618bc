/**
 * The zoo's checkpoint files: a weights file (`<name>.bin`: the tensors' float32 values, one after
 * another, little-endian) and its manifest (`<name>.json`: what was trained, how, by which code,
 * for how long, how it did on its pretext task, and the tensors' names, shapes and offsets, with
 * the weights file's size and SHA-256).
 *
 * Writing goes through the suite's atomic publish (weights first, manifest last), so a reader sees
 * a complete pair or the previous one. Reading checks the manifest's format, the weights file's
 * size and SHA-256, and the tensors against what the caller expects, and fails with a message
 * that names the file and what differs: a truncated or edited weights file is never loaded.
 *
 * @example
 * ```ts
 * import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * const tensors = [{ name: "model/0", shape: [2], data: new Float32Array([1, 2]) }];
 * await writeCheckpoint(`${dir}/epoch-1`, { method: "demo" }, tensors);
 * const back = await readCheckpoint(`${dir}/epoch-1`, { tensors: [{ name: "model/0", shape: [2] }] });
 * console.log(back.tensors[0].data); // Float32Array [1, 2]
 * ```
 * @module
 */
import { hashBytes } from "../_hash.ts";
import { publishFiles } from "../_write.ts";

/** The manifest's format tag; a reader refuses any other. */
export const CHECKPOINT_FORMAT = "ssl-suite-checkpoint/1";

/** One named tensor's values. */
export interface NamedValues {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Where a tensor lies in the weights file. */
export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 values from the start of the file. */
  offset: number;
}

/** What every manifest holds besides the caller's fields. */
export interface ManifestBase {
  format: typeof CHECKPOINT_FORMAT;
  weights: { file: string; bytes: number; sha256: string };
  tensors: TensorEntry[];
  createdAt: string;
}

/** A checkpoint as read back: its manifest and its verified tensors. */
export interface Checkpoint<M> {
  manifest: M & ManifestBase;
  tensors: NamedValues[];
}

/** What a reader expects of a checkpoint (checked before any value is used). */
export interface CheckpointExpectation {
  /** Tensors in order: names and shapes must match (e.g. the model the values go into). */
  tensors?: { name: string; shape: number[] }[];
  /** Manifest fields that must equal these values (e.g. the method and seed). */
  fields?: Record<string, unknown>;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Writes `<base>.bin` and `<base>.json` (parents created): the tensors' values, and `fields` plus
 * the format, the tensor table and the weights file's size and SHA-256. Atomic: the pair appears
 * together or not at all.
 */
export async function writeCheckpoint<M extends object>(
  base: string,
  fields: M,
  tensors: NamedValues[],
): Promise<M & ManifestBase> {
  let offset = 0;
  const table: TensorEntry[] = tensors.map((t) => {
    if (t.data.length !== size(t.shape)) {
      throw new Error(
        `writeCheckpoint(${base}): tensor ${t.name} has ${t.data.length} values for shape ` +
          `[${t.shape}]`,
      );
    }
    const entry = { name: t.name, shape: [...t.shape], offset };
    offset += t.data.length;
    return entry;
  });
  const values = new Float32Array(offset);
  tensors.forEach((t, i) => values.set(t.data, table[i].offset));
  const bytes = new Uint8Array(values.buffer);
  const file = `${base.split("/").at(-1)}.bin`;
  const manifest = {
    ...fields,
    format: CHECKPOINT_FORMAT,
    weights: { file, bytes: bytes.length, sha256: await hashBytes(bytes) },
    tensors: table,
    createdAt: new Date().toISOString(),
  } as M & ManifestBase;
  await publishFiles([
    [`${base}.bin`, bytes],
    [`${base}.json`, JSON.stringify(manifest, null, 1) + "\n"],
  ], { mkdir: true });
  return manifest;
}

/** Reads and parses `<base>.json`, checking only that it is a manifest of this format. */
export async function readManifest<M>(base: string): Promise<M & ManifestBase> {
  const path = `${base}.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`checkpoint ${path}: no such file (train it with \`deno task pretrain\`).`);
    }
    throw e;
  }
  let manifest: M & ManifestBase;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`checkpoint ${path}: not valid JSON (${(e as Error).message}).`);
  }
  if (manifest?.format !== CHECKPOINT_FORMAT) {
    throw new Error(
      `checkpoint ${path}: format ${
        JSON.stringify(manifest?.format)
      }, expected "${CHECKPOINT_FORMAT}".`,
    );
  }
  return manifest;
}

/**
 * Reads `<base>.json` and `<base>.bin` and verifies them: the weights file's size and SHA-256
 * against the manifest, the tensor table against the file, and `expect` (names and shapes in
 * order; manifest fields). Throws an Error naming the file and what differs; nothing is returned
 * from a file that fails a check.
 */
export async function readCheckpoint<M>(
  base: string,
  expect: CheckpointExpectation = {},
): Promise<Checkpoint<M>> {
  const manifest = await readManifest<M>(base);
  const where = `checkpoint ${base}.bin`;
  for (const [key, value] of Object.entries(expect.fields ?? {})) {
    const got = (manifest as Record<string, unknown>)[key];
    if (JSON.stringify(got) !== JSON.stringify(value)) {
      throw new Error(
        `checkpoint ${base}.json: ${key} is ${JSON.stringify(got)}, expected ${
          JSON.stringify(value)
        }.`,
      );
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(`${base}.bin`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`${where}: missing (its manifest ${base}.json is there).`);
    }
    throw e;
  }
  if (bytes.length !== manifest.weights.bytes) {
    throw new Error(
      `${where}: ${bytes.length} bytes, the manifest says ${manifest.weights.bytes} ` +
        `(truncated or replaced); retrain it or restore the file.`,
    );
  }
  const sha = await hashBytes(bytes);
  if (sha !== manifest.weights.sha256) {
    throw new Error(
      `${where}: SHA-256 ${sha.slice(0, 12)}… differs from the manifest's ` +
        `${manifest.weights.sha256.slice(0, 12)}… (the weights were edited or corrupted); ` +
        `retrain it or restore the file.`,
    );
  }
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const tensors = manifest.tensors.map((t) => {
    const end = t.offset + size(t.shape);
    if (t.offset < 0 || end > values.length) {
      throw new Error(`${where}: tensor ${t.name} lies outside the file.`);
    }
    return { name: t.name, shape: t.shape, data: values.slice(t.offset, end) };
  });
  if (expect.tensors) {
    const want = expect.tensors;
    if (want.length !== tensors.length) {
      throw new Error(
        `${where}: ${tensors.length} tensors, the model expects ${want.length}: a different ` +
          `architecture (retrain, or build the model the checkpoint was made for).`,
      );
    }
    want.forEach((w, i) => {
      const got = tensors[i];
      if (got.name !== w.name || got.shape.join() !== w.shape.join()) {
        throw new Error(
          `${where}: tensor ${i} is ${got.name} [${got.shape}], the model expects ${w.name} ` +
            `[${w.shape}]: a different architecture (retrain, or build the model it was made for).`,
        );
      }
    });
  }
  return { manifest, tensors };
}
