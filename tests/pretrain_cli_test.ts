/**
 * The zoo's command line as a scheduler uses it: the job matrix, jobs run as separate processes
 * into one directory (indices from Slurm and Kubernetes), the merged zoo verified by its
 * checksums, an interruption and its resume, and clear errors.
 */
import { assert, assertEquals } from "../lib/_assert.ts";
import { readManifest } from "../lib/zoo/checkpoint.ts";
import { loadStoredEncoder, zooJobs, type ZooManifest } from "../lib/zoo/pretrain.ts";
import { initBackend } from "../lib/backend/mod.ts";

const TOOL = new URL("../tools/pretrain.ts", import.meta.url).pathname;
const decoder = new TextDecoder();

function command(args: string[], env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TOOL, ...args],
    env: { NO_COLOR: "1", SUITE_THREADS: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await command(args, env).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("--list prints the job matrix as JSON", async () => {
  const { code, stdout } = await run(["--list"]);
  assertEquals(code, 0);
  assertEquals(JSON.parse(stdout), zooJobs());
});

Deno.test("two jobs as separate processes (Slurm and Kubernetes indices) merge into one verified zoo", async () => {
  const dir = await Deno.makeTempDir();
  const jobs = zooJobs();
  const other = jobs.find((j) => j.method === "jigsaw")!;
  const small = ["--epochs", "1", "--images", "128", "--dir", dir];
  const [a, b] = await Promise.all([
    run(small, { SLURM_ARRAY_TASK_ID: "0" }),
    run(small, { JOB_COMPLETION_INDEX: String(other.job) }),
  ]);
  assertEquals([a.code, b.code], [0, 0], a.stderr + b.stderr);
  await initBackend();
  for (const job of [jobs[0], other]) {
    const stored = await loadStoredEncoder(dir, job.method, job.seed, 1);
    assertEquals(stored.manifest.method, job.method);
    assertEquals(stored.manifest.scheduleEpochs, job.epochs);
  }
  const check = await run(["--check", "--dir", dir]);
  assertEquals(check.code, 0, check.stdout);
  assert(check.stdout.includes("2 checkpoint(s)"), check.stdout);
  // a checkout that keeps one checkpoint as its manifest only: the check says so and passes;
  // --rebuild trains that run again and restores the very same weights
  const first = `${dir}/${jobs[0].method}/seed-${jobs[0].seed}/epoch-1`;
  const weights = await Deno.readFile(`${first}.bin`);
  await Deno.remove(`${first}.bin`);
  const partial = await run(["--check", "--dir", dir]);
  assertEquals(partial.code, 0, partial.stdout);
  assert(partial.stdout.includes("1 stored as manifest only"), partial.stdout);
  const rebuilt = await run(["--rebuild", "--dir", dir]);
  assertEquals(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
  assert(rebuilt.stdout.includes("1 weights file(s) rebuilt and verified"), rebuilt.stdout);
  assertEquals(await Deno.readFile(`${first}.bin`), weights);
  // a corrupted file fails the check, naming it
  const bin = `${dir}/${other.method}/seed-${other.seed}/epoch-1.bin`;
  const bytes = await Deno.readFile(bin);
  bytes[100] ^= 0xff;
  await Deno.writeFile(bin, bytes);
  const bad = await run(["--check", "--dir", dir]);
  assertEquals(bad.code, 1);
  assert(bad.stdout.includes(`BAD ${other.method}/seed-${other.seed}/epoch-1`), bad.stdout);
});

Deno.test("SIGINT saves the state mid-run; --resume finishes it", async () => {
  const dir = await Deno.makeTempDir();
  const args = [
    "rotation",
    "--epochs",
    "3",
    "--schedule-epochs",
    "3",
    "--images",
    "1024",
    "--dir",
    dir,
  ];
  const child = command(args).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/epoch 1\/3 · loss/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGINT");
  while (!(await reader.read()).done); // drain stdout to the end
  const status = await child.status;
  const stderr = decoder.decode(await new Response(child.stderr).arrayBuffer());
  assertEquals(status.code, 130, stderr);
  const state = await readManifest<ZooManifest>(`${dir}/rotation/seed-0/state`);
  assert(state.epochs >= 1 && state.epochs < 3, `state at epoch ${state.epochs}`);
  const resumed = await run([...args, "--resume"]);
  assertEquals(resumed.code, 0, resumed.stderr);
  assert(resumed.stdout.includes(`resuming`), resumed.stdout);
  assertEquals((await readManifest<ZooManifest>(`${dir}/rotation/seed-0/epoch-3`)).epochs, 3);
});

Deno.test("bad command lines and refused runs: a clear message and exit status, no stack trace", async () => {
  const dir = await Deno.makeTempDir();
  const unknown = await run(["rotnet"]);
  assertEquals(unknown.code, 2);
  assert(unknown.stderr.includes(`unknown method "rotnet"`) && unknown.stderr.includes("usage:"));
  const noJob = await run(["--job", "999", "--dir", dir]);
  assertEquals(noJob.code, 2);
  assert(noJob.stderr.includes("job 999 does not exist"), noJob.stderr);
  const badIndex = await run(["--dir", dir], { SLURM_ARRAY_TASK_ID: "x" });
  assertEquals(badIndex.code, 1);
  assert(badIndex.stderr.includes(`SLURM_ARRAY_TASK_ID="x" is not a job index`), badIndex.stderr);
  const small = ["counting", "--epochs", "1", "--images", "64", "--dir", dir];
  assertEquals((await run(small)).code, 0);
  const again = await run(small);
  assertEquals(again.code, 1);
  assert(again.stderr.includes("already holds a run: pass --resume"), again.stderr);
  assert(!/\n\s+at /.test(again.stderr), again.stderr);
  const beyond = await run(["mae", "--epochs", "101", "--dir", dir]);
  assertEquals(beyond.code, 1);
  assert(beyond.stderr.includes("is beyond the schedule's 100"), beyond.stderr);
});
