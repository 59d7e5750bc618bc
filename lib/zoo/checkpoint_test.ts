import { assertEquals, assertRejects } from "../_assert.ts";
import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";

/** A pattern matching `text` literally. */
const says = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

const tensors = () => [
  { name: "model/0/w", shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  { name: "model/1/b", shape: [3], data: Float32Array.from([-1, 0, 1]) },
];
const layout = [{ name: "model/0/w", shape: [2, 3] }, { name: "model/1/b", shape: [3] }];

Deno.test("a checkpoint reads back what was written, with its manifest fields", async () => {
  const dir = await Deno.makeTempDir();
  const written = await writeCheckpoint(`${dir}/a/epoch-1`, { method: "demo", seed: 3 }, tensors());
  const back = await readCheckpoint<{ method: string; seed: number }>(`${dir}/a/epoch-1`, {
    tensors: layout,
    fields: { method: "demo", seed: 3 },
  });
  assertEquals(back.manifest.weights, written.weights);
  assertEquals(back.manifest.weights.bytes, 9 * 4);
  assertEquals(back.tensors.map((t) => Array.from(t.data)), [[1, 2, 3, 4, 5, 6], [-1, 0, 1]]);
  assertEquals([...Deno.readDirSync(`${dir}/a`)].map((e) => e.name).sort(), [
    "epoch-1.bin",
    "epoch-1.json",
  ]); // no temporary file left
});

Deno.test("a truncated, edited, missing or foreign weights file is refused, naming the file", async () => {
  const dir = await Deno.makeTempDir();
  const base = `${dir}/epoch-1`;
  await writeCheckpoint(base, { method: "demo" }, tensors());
  const bytes = await Deno.readFile(`${base}.bin`);
  await Deno.writeFile(`${base}.bin`, bytes.subarray(0, 20));
  await assertRejects(
    () => readCheckpoint(base),
    says(`${base}.bin: 20 bytes, the manifest says 36`),
  );
  const edited = bytes.slice();
  edited[5] ^= 1;
  await Deno.writeFile(`${base}.bin`, edited);
  await assertRejects(() => readCheckpoint(base), says("(the weights were edited or corrupted)"));
  await Deno.writeFile(`${base}.bin`, bytes);
  await assertRejects(
    () => readCheckpoint(base, { tensors: [{ name: "model/0/w", shape: [3, 2] }, layout[1]] }),
    says(
      "tensor 0 is model/0/w [2,3], the model expects model/0/w [3,2]: a different architecture",
    ),
  );
  await assertRejects(
    () => readCheckpoint(base, { tensors: layout.slice(0, 1) }),
    says("2 tensors, the model expects 1"),
  );
  await assertRejects(
    () => readCheckpoint(base, { fields: { method: "other" } }),
    says(`${base}.json: method is "demo", expected "other"`),
  );
  await Deno.remove(`${base}.bin`);
  await assertRejects(() => readCheckpoint(base), says("missing (its manifest"));
  await assertRejects(() => readCheckpoint(`${dir}/nothing`), says("no such file"));
  await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ format: "x" }));
  await assertRejects(() => readCheckpoint(`${dir}/bad`), says('format "x"'));
});

Deno.test("writeCheckpoint refuses a tensor whose values do not fill its shape", async () => {
  const dir = await Deno.makeTempDir();
  await assertRejects(
    () => writeCheckpoint(`${dir}/x`, {}, [{ name: "t", shape: [4], data: new Float32Array(3) }]),
    says("tensor t has 3 values for shape [4]"),
  );
  assertEquals([...Deno.readDirSync(dir)].length, 0);
});
