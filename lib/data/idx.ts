/**
 * Readers for the IDX format that MNIST-style datasets ship in, and a gzip decoder built on the
 * web-standard `DecompressionStream`. Every failure names the file and says how to fix it.
 *
 * An IDX file is a 4-byte big-endian magic number `0x000008NN` (`0x08` = unsigned bytes, `NN` =
 * number of dimensions), then one big-endian uint32 per dimension, then the payload in row-major
 * order. Images are `0x00000803` (`[n, rows, cols]`), labels `0x00000801` (`[n]`).
 *
 * @example
 * ```ts
 * import { gunzip, parseIdx } from "./idx.ts";
 * const name = "t10k-labels-idx1-ubyte.gz";
 * const bytes = await Deno.readFile(`/usr/share/datasets/fashion-mnist/${name}`);
 * const { dims, data } = parseIdx(await gunzip(bytes, name), { name, ndims: 1 });
 * // dims = [10000], data = 10000 labels
 * ```
 * @module
 */

/**
 * The most {@link gunzip} decompresses by default: 256 MiB (Fashion-MNIST's largest file holds
 * 47 MB), so a damaged or hostile file ends in an error, not an out-of-memory.
 */
export const MAX_GUNZIP_BYTES = 256 * 1024 * 1024;

/** What to do when a dataset file is damaged. */
const FIX = "Delete it and re-run `bash bin/setup` to fetch a fresh copy.";

/** A parsed IDX file. */
export interface IdxArray {
  /** Size of each dimension, outermost first (e.g. `[60000, 28, 28]`). */
  dims: number[];
  /** The payload, row-major, one byte per element. A view into the input bytes (no copy). */
  data: Uint8Array;
}

/** Options for {@linkcode parseIdx}. */
export interface ParseIdxOptions {
  /** File name (or path) to put in error messages. */
  name: string;
  /**
   * Number of dimensions the file must have: 3 for images (magic `0x00000803`), 1 for labels
   * (magic `0x00000801`). When omitted, either is accepted.
   */
  ndims?: number;
}

function hex32(n: number): string {
  return "0x" + (n >>> 0).toString(16).padStart(8, "0");
}

/**
 * Parses an uncompressed IDX file of unsigned bytes.
 *
 * Checks the magic number, the number of dimensions, and that the file is exactly as long as its
 * header says (a truncated file or one with trailing bytes is an error, not a silent partial read).
 *
 * @param bytes The whole file, already decompressed (see {@linkcode gunzip}).
 * @param opts `name` for error messages; optionally the expected `ndims`.
 * @returns The dimensions and a view of the payload.
 * @throws {Error} On a wrong magic number, wrong number of dimensions, or wrong length.
 *
 * @example
 * ```ts
 * import { parseIdx } from "./idx.ts";
 * const file = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
 * const { dims, data } = parseIdx(file, { name: "labels", ndims: 1 }); // [2], [7, 3]
 * ```
 */
export function parseIdx(bytes: Uint8Array, opts: ParseIdxOptions): IdxArray {
  const { name, ndims: wantDims } = opts;
  if (wantDims !== undefined && !(Number.isInteger(wantDims) && wantDims >= 1 && wantDims <= 255)) {
    throw new Error(`parseIdx(): ndims must be an integer in 1..255, got ${wantDims}`);
  }
  const expected = wantDims === undefined
    ? `${hex32(0x801)} (labels) or ${hex32(0x803)} (images)`
    : hex32(0x800 | wantDims);
  if (bytes.byteLength < 4) {
    throw new Error(
      `${name}: not an IDX file: only ${bytes.byteLength} bytes, too short for the 4-byte ` +
        `magic number (expected ${expected}). ${FIX}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const ndims = magic & 0xff;
  const magicOk = (magic & 0xffffff00) === 0x800 &&
    (wantDims === undefined ? ndims === 1 || ndims === 3 : ndims === wantDims);
  if (!magicOk) {
    throw new Error(
      `${name}: bad IDX magic number ${hex32(magic)}, expected ${expected}. ` +
        `The file is not the IDX file it is named after, or is damaged. ${FIX}`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.byteLength < headerBytes) {
    throw new Error(
      `${name}: truncated IDX header: ${ndims} dimensions need ${headerBytes} header bytes, ` +
        `the file has ${bytes.byteLength}. ${FIX}`,
    );
  }
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expectedBytes = headerBytes + count;
  if (bytes.byteLength !== expectedBytes) {
    const what = bytes.byteLength < expectedBytes ? "truncated" : "has trailing bytes";
    throw new Error(
      `${name}: IDX file ${what}: dims [${dims.join(", ")}] need ${expectedBytes} bytes ` +
        `(header ${headerBytes} + payload ${count}), the file has ${bytes.byteLength}. ${FIX}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/**
 * Decompresses a gzip file with `DecompressionStream("gzip")`.
 *
 * A truncated or corrupt file (or one that is not gzip at all) gives an error that names the file
 * and says how to fix it, with the stream's own error as `cause`.
 *
 * @param bytes The compressed bytes.
 * @param name File name (or path) to put in error messages.
 * @param opts `maxBytes`: the most the output may hold (default {@link MAX_GUNZIP_BYTES}); a
 * stream that decompresses to more is an error, not an out-of-memory.
 * @returns The decompressed bytes.
 * @throws {Error} When `bytes` is not a complete, valid gzip stream, or decompresses to more than
 * `maxBytes`.
 *
 * @example
 * ```ts
 * import { gunzip } from "./idx.ts";
 * const path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
 * const raw = await gunzip(await Deno.readFile(path), path); // 10008 bytes
 * ```
 */
export async function gunzip(
  bytes: Uint8Array,
  name: string,
  opts: { maxBytes?: number } = {},
): Promise<Uint8Array> {
  const maxBytes = opts.maxBytes ?? MAX_GUNZIP_BYTES;
  if (bytes.byteLength === 0) {
    throw new Error(`${name}: the file is empty (an interrupted download?). ${FIX}`);
  }
  if (bytes.byteLength < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0"));
    throw new Error(
      `${name}: not a gzip file (starts with bytes ${start.join(" ")}, expected 1f 8b). ${FIX}`,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    // Copy into a fresh ArrayBuffer-backed array so the Blob accepts any input view.
    const stream = new Blob([new Uint8Array(bytes)]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    for await (const chunk of stream) {
      total += chunk.byteLength;
      if (total > maxBytes) break; // leaving the loop cancels the stream
      chunks.push(chunk);
    }
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new Error(
      `${name}: corrupt or truncated gzip file (${bytes.byteLength} bytes; decoder said: ` +
        `${detail}). ${FIX}`,
      { cause },
    );
  }
  if (total > maxBytes) {
    throw new Error(
      `${name}: decompresses to more than ${maxBytes} bytes, more than any dataset file the suite ` +
        `reads (a damaged or wrong file). ${FIX}`,
    );
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
