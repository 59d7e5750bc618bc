/**
 * Fuzzing the IDX / gzip reader (seeded, bounded): random bytes and mutations of valid files
 * always end in a result that is consistent or an Error naming the file — never a hang, a crash
 * of another kind or an out-of-memory (the output of gunzip is capped).
 */
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { createRng, type Rng } from "../random.ts";
import { gunzip, parseIdx } from "./idx.ts";
import { gzip, idxBytes } from "./_test_util.ts";

const NAME = "fuzz/t10k-labels-idx1-ubyte.gz";

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

/** A mutation of `bytes`: flipped bytes, a truncation, an insertion or a splice of random bytes. */
function mutate(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = [...bytes];
  switch (rng.int(4)) {
    case 0:
      for (let k = 1 + rng.int(4); k > 0; k--) out[rng.int(out.length)] ^= 1 + rng.int(255);
      break;
    case 1:
      out.length = rng.int(out.length);
      break;
    case 2:
      out.splice(rng.int(out.length + 1), 0, ...randomBytes(rng, 1 + rng.int(16)));
      break;
    default:
      out.splice(rng.int(out.length), 1 + rng.int(8), ...randomBytes(rng, rng.int(8)));
  }
  return Uint8Array.from(out);
}

/** Reads `file` as the loader does: a valid result, or an Error naming the file. */
async function read(file: Uint8Array): Promise<"ok" | "error"> {
  try {
    const { dims, data } = parseIdx(await gunzip(file, NAME, { maxBytes: 1 << 20 }), {
      name: NAME,
      ndims: 1,
    });
    assertEquals(data.length, dims[0], "a parsed file is as long as its header says");
    return "ok";
  } catch (e) {
    assert(e instanceof Error, `not an Error: ${e}`);
    assert(e.message.startsWith(`${NAME}: `), `error does not name the file: ${e.message}`);
    assert(/bin\/setup/.test(e.message), `error gives no fix: ${e.message}`);
    return "error";
  }
}

Deno.test("random bytes (gzip-looking or not) end in a clear error naming the file", async () => {
  const rng = createRng(22);
  const outcomes = { ok: 0, error: 0 };
  for (let i = 0; i < 400; i++) {
    const file = randomBytes(rng, rng.int(300));
    if (i % 2) file.set([0x1f, 0x8b, 8].slice(0, file.length)); // a gzip header, random after
    outcomes[await read(file)]++;
  }
  assertEquals(outcomes.error, 400);
});

Deno.test("mutations of a valid .gz end in a consistent result or a clear error", async () => {
  const rng = createRng(7);
  const valid = await gzip(idxBytes([200], Uint8Array.from({ length: 200 }, (_, i) => i % 10)));
  assertEquals(await read(valid), "ok");
  const outcomes = { ok: 0, error: 0 };
  for (let i = 0; i < 600; i++) {
    let file = valid;
    for (let k = 1 + rng.int(3); k > 0; k--) file = mutate(rng, file);
    outcomes[await read(file)]++;
  }
  assert(outcomes.error > 500, `most mutations must fail: ${JSON.stringify(outcomes)}`);
});

Deno.test("mutations of a valid IDX payload end in a consistent result or a clear error", () => {
  const rng = createRng(3);
  const valid = idxBytes([50], Uint8Array.from({ length: 50 }, (_, i) => i % 10));
  for (let i = 0; i < 600; i++) {
    try {
      const { dims, data } = parseIdx(mutate(rng, valid), { name: NAME, ndims: 1 });
      assertEquals(data.length, dims[0]);
    } catch (e) {
      assert(e instanceof Error && e.message.startsWith(`${NAME}: `), String(e));
    }
  }
});

Deno.test("gunzip() stops at maxBytes: a file decompressing to more is an error, not an OOM", async () => {
  const bomb = await gzip(new Uint8Array(4 << 20)); // 4 MiB of zeros, ~4 KB compressed
  await assertRejects(
    () => gunzip(bomb, NAME, { maxBytes: 1 << 20 }),
    /fuzz\/t10k-labels-idx1-ubyte\.gz: decompresses to more than 1048576 bytes/,
  );
  assertEquals((await gunzip(bomb, NAME)).length, 4 << 20);
});
