/**
 * The committed zoo stays within the repository's budget for weights: at most 60 MB of epoch
 * checkpoints (weights and manifests; the git-ignored states and logs aside). Past it, keep only
 * the final epochs of the extra pretext seeds: `deno task pretrain <method> --seed S --epochs E`
 * rebuilds a dropped one (with every checkpoint of that run up to E).
 */
import { assert } from "../lib/_assert.ts";

const ZOO = new URL("../checkpoints/", import.meta.url);
const LIMIT = 60_000_000;

function committedBytes(dir: URL): { bytes: number; files: number } {
  let bytes = 0, files = 0;
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name === "logs" || entry.name.startsWith("state.")) continue;
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) {
      const inner = committedBytes(url);
      bytes += inner.bytes, files += inner.files;
    } else if (/^epoch-\d+\.(bin|json)$/.test(entry.name)) {
      bytes += Deno.statSync(url).size, files++;
    }
  }
  return { bytes, files };
}

Deno.test("the committed checkpoints total at most 60 MB", () => {
  const { bytes, files } = committedBytes(ZOO);
  assert(
    files > 0,
    "no epoch checkpoints under checkpoints/: the zoo is missing from this checkout",
  );
  assert(
    bytes <= LIMIT,
    `checkpoints/ holds ${(bytes / 1e6).toFixed(1)} MB in ${files} files, over the ${
      LIMIT / 1e6
    } MB budget: keep only the final epochs of pretext seeds 1 and 2 (\`deno task pretrain ` +
      `<method> --seed S --epochs E\` rebuilds a dropped one).`,
  );
});
