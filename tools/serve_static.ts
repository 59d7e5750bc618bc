/**
 * A small static file server for the site (and its browser test): serves one directory on
 * 127.0.0.1, never a path outside it.
 * @module
 */
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".png": "image/png",
  ".json": "application/json",
  ".css": "text/css",
  ".js": "text/javascript",
  ".svg": "image/svg+xml",
};

/** A running server. */
export interface StaticServer {
  /** "http://127.0.0.1:<port>/" */
  url: string;
  close(): Promise<void>;
}

/** Serves the files under `dir` on 127.0.0.1 (a free port unless `opts.port` is given). */
export function serveDirectory(dir: string, opts: { port?: number } = {}): StaticServer {
  const root = normalize(dir);
  let resolveUrl: (url: string) => void;
  const listening = new Promise<string>((r) => (resolveUrl = r));
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    onListen: ({ port }) => resolveUrl(`http://127.0.0.1:${port}/`),
  }, async (req) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url).pathname);
    } catch {
      return new Response("bad path", { status: 400 });
    }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(root, path));
    if (!file.startsWith(root + "/")) return new Response("forbidden", { status: 403 });
    try {
      const body = await Deno.readFile(file);
      return new Response(body, {
        headers: { "content-type": TYPES[extname(file)] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  let url = "";
  listening.then((u) => (url = u));
  return {
    get url() {
      return url;
    },
    close: () => server.shutdown(),
  };
}

if (import.meta.main) {
  // deno run -A tools/serve_static.ts [dir=site] [--port N]
  const i = Deno.args.indexOf("--port");
  const port = i >= 0 ? Number(Deno.args[i + 1]) : 8000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer in 0..65535, got ${Deno.args[i + 1]}`);
  }
  const dir = Deno.args.find((a, j) => !a.startsWith("--") && Deno.args[j - 1] !== "--port") ??
    "site";
  if (!Deno.statSync(dir).isDirectory) throw new Error(`${dir} is not a directory`);
  const server = serveDirectory(Deno.realPathSync(dir), { port });
  await new Promise((r) => setTimeout(r, 50));
  console.error(`serving ${dir} at ${server.url} (Ctrl-C stops)`);
}
