/**
 * Selection and fallback of the native backend, in child processes (a process loads oneDNN once):
 * the default falls back to wasm with one line naming the library and its package; an explicit
 * BACKEND=native fails with that message; a library that loads but is not oneDNN 2.x is named.
 */
import { assert, assertEquals } from "../../_assert.ts";

const SCRIPT = `
import { initBackend } from "${new URL("../backend.ts", import.meta.url).href}";
try {
  console.log("BACKEND_IS=" + await initBackend());
} catch (e) {
  console.log("ERROR=" + e.name + ": " + e.message);
}`;

/** Runs initBackend() in a child with `env`; returns its stdout and stderr. */
async function child(env: Record<string, string>): Promise<{ out: string; err: string }> {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, SCRIPT);
  try {
    const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `--config=${new URL("../../../deno.json", import.meta.url).pathname}`,
        file,
      ],
      env: { NO_COLOR: "1", ...env },
    }).output();
    return { out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("default backend without oneDNN: one line naming the library and package, then wasm", async () => {
  const { out, err } = await child({ DNNL_LIBRARY: "/nonexistent/libdnnl.so.2" });
  assert(out.includes("BACKEND_IS=wasm"), out + err);
  const lines = err.split("\n").filter((l) => l.includes("native unavailable"));
  assertEquals(lines.length, 1);
  assert(/\/nonexistent\/libdnnl\.so\.2/.test(lines[0]) && /libdnnl2/.test(lines[0]), lines[0]);
});

Deno.test("BACKEND=native without oneDNN is an error naming the library and the fix", async () => {
  const { out } = await child({ BACKEND: "native", DNNL_LIBRARY: "/nonexistent/libdnnl.so.2" });
  assert(
    /ERROR=NativeUnavailable: .*\/nonexistent\/libdnnl\.so\.2.*apt-get install libdnnl2/.test(out),
    out,
  );
});

Deno.test("a shared library that loads but is not oneDNN 2.x is named, not a crash", async () => {
  const { out } = await child({ BACKEND: "native", DNNL_LIBRARY: "libgomp.so.1" });
  assert(
    /ERROR=NativeUnavailable: libgomp\.so\.1 loads but lacks a oneDNN 2\.x symbol/.test(out),
    out,
  );
});
