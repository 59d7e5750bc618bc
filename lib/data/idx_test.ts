import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";
import { gunzip, parseIdx } from "./idx.ts";
import { gzip, idxBytes } from "./_test_util.ts";

Deno.test("parseIdx() reads a label file", () => {
  const { dims, data } = parseIdx(idxBytes([3], [7, 0, 9]), { name: "labels", ndims: 1 });
  assertEquals(dims, [3]);
  assertEquals([...data], [7, 0, 9]);
});

Deno.test("parseIdx() reads an image file, big-endian dims, payload as a view", () => {
  const payload = Uint8Array.from({ length: 2 * 300 * 2 }, (_, i) => i % 251);
  const file = idxBytes([2, 300, 2], payload);
  const { dims, data } = parseIdx(file, { name: "images", ndims: 3 });
  assertEquals(dims, [2, 300, 2]); // 300 > 255 checks the byte order
  assertEquals(data, payload);
  assertEquals(data.buffer, file.buffer);
});

Deno.test("parseIdx() works on a view with a non-zero byteOffset", () => {
  const file = idxBytes([2], [4, 5]);
  const padded = new Uint8Array(file.length + 3);
  padded.set(file, 3);
  assertEquals([...parseIdx(padded.subarray(3), { name: "x" }).data], [4, 5]);
});

Deno.test("parseIdx() accepts either kind when ndims is omitted", () => {
  assertEquals(parseIdx(idxBytes([1], [1]), { name: "a" }).dims, [1]);
  assertEquals(parseIdx(idxBytes([1, 1, 1], [1]), { name: "b" }).dims, [1, 1, 1]);
});

Deno.test("parseIdx() rejects a wrong magic number, naming file, found and expected", () => {
  const file = idxBytes([2], [1, 2], 0x00000801 + 0x100); // 0x00000901: wrong type code
  assertThrows(
    () => parseIdx(file, { name: "train-labels-idx1-ubyte.gz", ndims: 1 }),
    /train-labels-idx1-ubyte\.gz: bad IDX magic number 0x00000901, expected 0x00000801.*bin\/setup/s,
  );
  // A gzip header where IDX was expected (the file was not decompressed).
  assertThrows(
    () => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), { name: "f" }),
    /bad IDX magic number 0x1f8b0800, expected 0x00000801 \(labels\) or 0x00000803 \(images\)/,
  );
});

Deno.test("parseIdx() rejects the wrong number of dimensions", () => {
  assertThrows(
    () => parseIdx(idxBytes([4], [1, 2, 3, 4]), { name: "imgs", ndims: 3 }),
    /imgs: bad IDX magic number 0x00000801, expected 0x00000803/,
  );
  assertThrows(
    () => parseIdx(idxBytes([1, 2], [1, 2]), { name: "two" }),
    /two: bad IDX magic number 0x00000802/,
  );
  assertThrows(() => parseIdx(idxBytes([1], [1]), { name: "x", ndims: 0 }), /ndims must be/);
});

Deno.test("parseIdx() rejects a truncated payload with expected vs actual bytes and the fix", () => {
  const file = idxBytes([2, 28, 28], new Uint8Array(2 * 784));
  assertThrows(
    () => parseIdx(file.subarray(0, file.length - 5), { name: "imgs.gz", ndims: 3 }),
    /imgs\.gz: IDX file truncated: dims \[2, 28, 28\] need 1584 bytes .*the file has 1579\. Delete it and re-run `bash bin\/setup`/,
  );
});

Deno.test("parseIdx() rejects trailing bytes", () => {
  const file = idxBytes([2], [1, 2]);
  const longer = new Uint8Array(file.length + 1);
  longer.set(file);
  assertThrows(
    () => parseIdx(longer, { name: "lab", ndims: 1 }),
    /lab: IDX file has trailing bytes: dims \[2\] need 10 bytes .*has 11/,
  );
});

Deno.test("parseIdx() rejects a truncated header and a too-short file", () => {
  assertThrows(
    () => parseIdx(idxBytes([2, 28, 28], []).subarray(0, 10), { name: "h", ndims: 3 }),
    /h: truncated IDX header: 3 dimensions need 16 header bytes, the file has 10/,
  );
  assertThrows(() => parseIdx(new Uint8Array(2), { name: "s" }), /s: not an IDX file: only 2/);
});

Deno.test("gunzip() round-trips CompressionStream output", async () => {
  const raw = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 256);
  assertEquals(await gunzip(await gzip(raw), "x.gz"), raw);
});

Deno.test("gunzip() reports a truncated .gz by name, with the fix", async () => {
  const gz = await gzip(Uint8Array.from({ length: 10_000 }, (_, i) => i % 7));
  for (const cut of [3, 12, gz.length >> 1, gz.length - 1]) {
    await assertRejects(
      () => gunzip(gz.subarray(0, cut), "t10k-images-idx3-ubyte.gz"),
      /t10k-images-idx3-ubyte\.gz: corrupt or truncated gzip file .*bin\/setup/,
    );
  }
});

Deno.test("gunzip() reports a corrupt .gz by name, keeping the decoder error as cause", async () => {
  const gz = await gzip(Uint8Array.from({ length: 10_000 }, (_, i) => (i * 13) % 256));
  const bad = gz.slice();
  for (let i = 12; i < bad.length - 8; i += 3) bad[i] ^= 0x5a;
  let caught: unknown;
  try {
    await gunzip(bad, "train-images-idx3-ubyte.gz");
  } catch (e) {
    caught = e;
  }
  assert(caught instanceof Error);
  assert(/train-images-idx3-ubyte\.gz: corrupt or truncated gzip file/.test(caught.message));
  assert(caught.cause !== undefined);
  // A flipped checksum byte alone is caught too.
  const crc = gz.slice();
  crc[crc.length - 6] ^= 1;
  await assertRejects(() => gunzip(crc, "c.gz"), /c\.gz: corrupt or truncated gzip/);
});

Deno.test("gunzip() reports empty and non-gzip files", async () => {
  await assertRejects(() => gunzip(new Uint8Array(0), "e.gz"), /e\.gz: the file is empty/);
  await assertRejects(
    () => gunzip(new TextEncoder().encode("<html>404</html>"), "p.gz"),
    /p\.gz: not a gzip file \(starts with bytes 3c 68 74 6d, expected 1f 8b\)/,
  );
});
