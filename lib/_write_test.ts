import { assertEquals, assertRejects } from "./_assert.ts";
import { publishFiles, publishStaged, stagedOutputs, stageOutput, writeAtomic } from "./_write.ts";

const names = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();

Deno.test("writeAtomic() replaces a file whole (text or bytes) and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeAtomic(`${dir}/a.json`, "old");
    await writeAtomic(`${dir}/a.json`, "new");
    assertEquals(await Deno.readTextFile(`${dir}/a.json`), "new");
    await writeAtomic(`${dir}/b.png`, new Uint8Array([137, 80, 78, 71]));
    assertEquals([...await Deno.readFile(`${dir}/b.png`)], [137, 80, 78, 71]);
    await assertRejects(() => writeAtomic(`${dir}/missing/c.json`, "x"));
    await writeAtomic(`${dir}/made/c.json`, "x", { mkdir: true });
    assertEquals(await names(dir), ["a.json", "b.png", "made"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("publishFiles() touches no target when one of the files cannot be written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeAtomic(`${dir}/chart.png`, "old chart");
    await writeAtomic(`${dir}/r.json`, "old json");
    await assertRejects(() =>
      publishFiles([
        [`${dir}/chart.png`, "new chart"],
        [`${dir}/no/such/dir/x.json`, "x"],
        [`${dir}/r.json`, "new json"],
      ])
    );
    assertEquals(await Deno.readTextFile(`${dir}/chart.png`), "old chart");
    assertEquals(await Deno.readTextFile(`${dir}/r.json`), "old json");
    assertEquals(await names(dir), ["chart.png", "r.json"], "no temporary file left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stageOutput() writes nothing until publishStaged() publishes everything staged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    stageOutput(`${dir}/a/one.png`, new Uint8Array([1]));
    stageOutput(`${dir}/two.svg`, "<svg/>");
    stageOutput(`${dir}/a/one.png`, new Uint8Array([2])); // the latest content wins
    assertEquals(await names(dir), []);
    assertEquals(stagedOutputs(), [`${dir}/two.svg`, `${dir}/a/one.png`]);
    await publishStaged([[`${dir}/r.json`, "{}"]]);
    assertEquals([...await Deno.readFile(`${dir}/a/one.png`)], [2]);
    assertEquals(await names(dir), ["a", "r.json", "two.svg"]);
    assertEquals(stagedOutputs(), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
