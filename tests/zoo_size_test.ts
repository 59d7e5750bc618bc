/**
 * The committed zoo stays within the repository's budget for weights: at most 60 MB of epoch
 * checkpoints (weights and manifests; the git-ignored states and logs aside). Past it, a
 * checkpoint of the extra pretext seeds is committed as its manifest only (`.gitignore` says
 * which): `deno task pretrain --rebuild` trains it again and keeps it only if its SHA-256 matches.
 * Counted: the files git tracks under checkpoints/ (a working tree may hold rebuilt or ignored
 * weights besides them), or every epoch file there outside a git checkout.
 */
import { assert } from "../lib/_assert.ts";

const ROOT = new URL("../", import.meta.url);
const ZOO = new URL("checkpoints/", ROOT);
const LIMIT = 60_000_000;
const EPOCH_FILE = /(^|\/)epoch-\d+\.(bin|json)$/;

function walk(dir: URL, prefix = "checkpoints/"): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) {
      out.push(...walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`));
    } else out.push(`${prefix}${entry.name}`);
  }
  return out;
}

/** The files of checkpoints/ that git tracks, or null outside a git checkout. */
function tracked(): string[] | null {
  try {
    const out = new Deno.Command("git", {
      args: ["ls-files", "-z", "--", "checkpoints"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    if (!out.success) return null;
    return new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
  } catch {
    return null; // no git here
  }
}

Deno.test("the committed checkpoints total at most 60 MB", () => {
  const files = (tracked() ?? walk(ZOO)).filter((f) => EPOCH_FILE.test(f) && !f.includes("/logs/"));
  const bytes = files.reduce((s, f) => s + Deno.statSync(new URL(f, ROOT)).size, 0);
  assert(
    files.length > 0,
    "no epoch checkpoints under checkpoints/: the zoo is missing from this checkout",
  );
  assert(
    bytes <= LIMIT,
    `checkpoints/ holds ${(bytes / 1e6).toFixed(1)} MB in ${files.length} files, over the ${
      LIMIT / 1e6
    } MB budget: commit more checkpoints of pretext seeds 1 and 2 as their manifests only ` +
      `(list their weights in .gitignore; \`deno task pretrain --rebuild\` rebuilds them).`,
  );
});
