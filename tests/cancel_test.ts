/**
 * Cancelling a run: SIGINT, SIGTERM or SIGKILL to the runner (`deno task run`) while a cell runs
 * stops the executor and the kernel, and nothing is written afterwards — the notebook, the files
 * the notebook would write and no `.failed.ipynb`. A tiny notebook with a sleeping cell stands in
 * for an experiment.
 */
import { assert, assertEquals } from "../lib/_assert.ts";

const RUNNER = new URL("../tools/run_notebooks.ts", import.meta.url).pathname;

/** A notebook whose one cell records the kernel's pid, sleeps, then would overwrite result.json. */
function sleepingNotebook(dir: string): string {
  const source = [
    `Deno.writeTextFileSync(${JSON.stringify(`${dir}/kernel.pid`)}, String(Deno.pid));\n`,
    "await new Promise((resolve) => setTimeout(resolve, 300_000));\n",
    `Deno.writeTextFileSync(${
      JSON.stringify(`${dir}/result.json`)
    }, "written after the cancel");\n`,
  ];
  return JSON.stringify(
    {
      cells: [{ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source }],
      metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

/** Whether a process is alive (a zombie, waiting to be reaped, counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      if (cmdline.includes(text) && alive(Number(entry.name))) pids.push(Number(entry.name));
    } catch { /* gone meanwhile */ }
  }
  return pids;
}

/** Polls `done` every 100 ms, up to `seconds` (a bound for a stuck process, not a timing test). */
async function until(done: () => boolean, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 10; i++) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return done();
}

for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
  Deno.test({
    name: `${signal} to the runner mid-cell stops the kernel; nothing is written afterwards`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "nb-cancel-" });
      try {
        const notebook = `${dir}/sleep.ipynb`;
        Deno.writeTextFileSync(notebook, sleepingNotebook(dir));
        Deno.writeTextFileSync(`${dir}/result.json`, "committed\n");
        const before = Deno.readTextFileSync(notebook);
        const runner = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", RUNNER, "--mode", "smoke", notebook],
          stdout: "null",
          stderr: "piped",
        }).spawn();
        let stderr = "";
        const reading = (async () => {
          for await (const chunk of runner.stderr.pipeThrough(new TextDecoderStream())) {
            stderr += chunk;
          }
        })();
        const started = await until(() => {
          try {
            return Deno.readTextFileSync(`${dir}/kernel.pid`).length > 0;
          } catch {
            return false;
          }
        }, 120);
        assert(started, `the cell never started:\n${stderr}`);
        const kernel = Number(Deno.readTextFileSync(`${dir}/kernel.pid`));
        assert(alive(kernel));
        runner.kill(signal);
        const status = await runner.status;
        await reading;
        if (signal === "SIGKILL") assertEquals(status.signal, "SIGKILL");
        else {
          assertEquals(status.code, signal === "SIGINT" ? 130 : 143, stderr);
          assert(/CANCELLED .*sleep\.ipynb: received SIG(INT|TERM)/.test(stderr), stderr);
        }
        assert(await until(() => !alive(kernel), 30), `kernel ${kernel} still runs`);
        assert(
          await until(() => processesMentioning(dir).length === 0, 30),
          `still running: ${processesMentioning(dir)}`,
        );
        assertEquals(Deno.readTextFileSync(notebook), before, "the notebook was rewritten");
        assertEquals(Deno.readTextFileSync(`${dir}/result.json`), "committed\n");
        assertEquals(
          [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
          ["kernel.pid", "result.json", "sleep.ipynb"],
          "no .failed.ipynb or other file",
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
