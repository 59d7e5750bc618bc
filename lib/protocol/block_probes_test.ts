import { assertEquals } from "../_assert.ts";
import { initBackend } from "../backend/mod.ts";
import { buildEncoder } from "../models/encoder.ts";
import { blockFeatures } from "../models/blocks.ts";
import { pooledBlockFeatures } from "../models/pooled_blocks.ts";
import { bandedImages } from "../eval/_test_util.ts";
import { blockProbes } from "./block_probes.ts";
import { modelSource, probeMethod, runProtocol } from "./protocol.ts";

await initBackend("wasm");
const data = { train: bandedImages(60, 1), test: bandedImages(15, 2) };

Deno.test("blockProbes(): one probe per block and per extra read-out, named after the encoder", () => {
  const encoder = buildEncoder({ seed: 3, channels: [4, 4, 8] });
  const methods = blockProbes(data, "random", encoder, {
    readouts: { "all blocks 2×2": pooledBlockFeatures(encoder, { grid: 2 }) },
  });
  assertEquals(methods.map((m) => [m.name, m.family]), [
    ["random · block 1", "self-supervised"],
    ["random · block 2", "self-supervised"],
    ["random · block 3", "self-supervised"],
    ["random · all blocks 2×2", "self-supervised"],
  ]);
  assertEquals(
    blockProbes(data, "x", encoder, { blocks: [2], family: "control" }).map((
      m,
    ) => [m.name, m.family]),
    [["x · block 2", "control"]],
  );
});

Deno.test("blockProbes(): each probe scores as a probe on that block read alone", async () => {
  const encoder = buildEncoder({ seed: 3, channels: [4, 4, 8] });
  const opts = { budgets: [5], seeds: [0], numClasses: 3, progress: false };
  const together = await runProtocol(data, blockProbes(data, "enc", encoder), opts);
  const alone = await runProtocol(
    data,
    [1, 2, 3].map((b) =>
      probeMethod(
        `enc · block ${b}`,
        "self-supervised",
        modelSource(data, blockFeatures(encoder, b)),
      )
    ),
    opts,
  );
  assertEquals(together.runs.map((r) => r.method), [
    "enc · block 1",
    "enc · block 2",
    "enc · block 3",
  ]);
  assertEquals(together.runs.map((r) => r.accuracy), alone.runs.map((r) => r.accuracy));
});
