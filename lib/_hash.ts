/**
 * SHA-256 of bytes and of JSON-like values: what the run cache keys runs by and data provenance
 * records files by. A leaf module (it imports nothing), so hashing data never pulls in the
 * protocol.
 * @module
 */

/** Lower-case hex of a digest. */
export function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

const byteHashes = new WeakMap<ArrayBufferView, Promise<string>>();

/** SHA-256 (hex) of the bytes of a typed array, memoised per array. */
export function hashBytes(view: ArrayBufferView): Promise<string> {
  let hash = byteHashes.get(view);
  if (!hash) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    // WebCrypto refuses shared memory (the images may live in a SharedArrayBuffer): copy those.
    const own = bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    hash = crypto.subtle.digest("SHA-256", own as Uint8Array<ArrayBuffer>).then(hex);
    byteHashes.set(view, hash);
  }
  return hash;
}

/**
 * SHA-256 (hex) of a JSON-like value: objects with sorted keys; typed arrays by the hash of their
 * bytes (and their type); functions by their source.
 */
export async function hashValue(value: unknown): Promise<string> {
  const canonical = async (v: unknown): Promise<unknown> => {
    if (ArrayBuffer.isView(v)) {
      return { [v.constructor.name]: await hashBytes(v), length: (v as Uint8Array).length };
    }
    if (typeof v === "function") return { function: String(v) };
    if (Array.isArray(v)) return Promise.all(v.map(canonical));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const item = (v as Record<string, unknown>)[k];
        if (item !== undefined) out[k] = await canonical(item);
      }
      return out;
    }
    return v ?? null;
  };
  const text = JSON.stringify(await canonical(value));
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}
