/**
 * Drives Debian's Chromium headless over the DevTools protocol (a WebSocket from Deno): open a
 * page, wait for its load event, evaluate JavaScript, take a screenshot. Enough for the site's
 * browser test; every call has a timeout, and `close()` ends the browser process.
 * @module
 */

/** Where Chromium is, or undefined. */
export function findChromium(): string | undefined {
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium"]) {
    try {
      if (
        new Deno.Command(candidate, { args: ["--version"], stdout: "null", stderr: "null" })
          .outputSync().success
      ) {
        return candidate;
      }
    } catch { /* not there */ }
  }
  return undefined;
}

/** One browser tab. */
export interface BrowserPage {
  /** Navigates and resolves after the load event. */
  goto(url: string): Promise<void>;
  /** Evaluates an expression (promises awaited) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page, or of the first screen only with `{ fullPage: false }`. */
  screenshot(opts?: { fullPage?: boolean }): Promise<Uint8Array>;
  /**
   * Console errors and warnings, uncaught exceptions and failed requests since the last `goto`
   * (e.g. "error: Uncaught TypeError: …", "warning: WARN …", "network: … 404").
   */
  messages(): string[];
}

/** A running headless Chromium. */
export interface Browser {
  newPage(opts?: { width?: number; height?: number }): Promise<BrowserPage>;
  close(): Promise<void>;
}

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** Milliseconds each protocol call (and the start) may take (default 30 s). */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Chromium: ${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts headless Chromium with a throw-away profile and connects to it. */
export async function launchChromium(opts: LaunchOptions = {}): Promise<Browser> {
  const binary = findChromium();
  if (!binary) {
    throw new Error(
      "Chromium was not found; the site's browser test needs it. Run: bash bin/setup " +
        "(Debian: apt-get install chromium).",
    );
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const args = [
    "--headless=new",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "about:blank",
  ];
  if (Deno.uid() === 0) args.unshift("--no-sandbox"); // Chromium refuses to run as root otherwise
  const child = new Deno.Command(binary, { args, stdout: "null", stderr: "piped" }).spawn();
  const cleanup = async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status.catch(() => {});
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  };
  let wsUrl: string;
  try {
    wsUrl = await withTimeout(
      (async () => {
        const decoder = new TextDecoder();
        const reader = child.stderr.getReader();
        let text = "";
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
          if (m) {
            // Keep draining stderr so Chromium never blocks on a full pipe.
            (async () => {
              while (!(await reader.read().catch(() => ({ done: true }))).done) { /* discard */ }
            })();
            return m[1];
          }
        }
        throw new Error(`Chromium exited before listening:\n${text.slice(-1500)}`);
      })(),
      timeoutMs,
      "starting",
    );
  } catch (e) {
    await cleanup();
    throw e;
  }

  const socket = new WebSocket(wsUrl);
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`Chromium: cannot connect to ${wsUrl}`));
    }),
    timeoutMs,
    "connecting",
  );
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  type Message = { method: string; sessionId?: string; params?: Record<string, unknown> };
  const listeners: ((msg: Message) => void)[] = [];
  socket.onmessage = (event) => {
    const msg = JSON.parse(event.data as string);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`Chromium: ${msg.error.message}`));
      else p?.resolve(msg.result);
    } else listeners.forEach((l) => l(msg));
  };
  const send = <T>(method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    withTimeout(
      new Promise<T>((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      }),
      timeoutMs,
      method,
    );
  const once = (method: string, sessionId: string) =>
    new Promise<void>((resolve) => {
      const listener = (msg: Message) => {
        if (msg.method === method && msg.sessionId === sessionId) {
          listeners.splice(listeners.indexOf(listener), 1);
          resolve();
        }
      };
      listeners.push(listener);
    });

  return {
    async newPage(pageOpts = {}) {
      const { targetId } = await send<{ targetId: string }>("Target.createTarget", {
        url: "about:blank",
      });
      const { sessionId } = await send<{ sessionId: string }>("Target.attachToTarget", {
        targetId,
        flatten: true,
      });
      await send("Page.enable", {}, sessionId);
      await send("Runtime.enable", {}, sessionId);
      await send("Log.enable", {}, sessionId);
      let messages: string[] = [];
      listeners.push((msg) => {
        if (msg.sessionId !== sessionId || !msg.params) return;
        // deno-lint-ignore no-explicit-any
        const p = msg.params as Record<string, any>;
        if (msg.method === "Runtime.consoleAPICalled" && /^(error|warning|assert)$/.test(p.type)) {
          const text = (p.args ?? []).map((a: { value?: unknown; description?: string }) =>
            a.value ?? a.description ?? ""
          ).join(" ");
          messages.push(`${p.type}: ${text}`);
        } else if (msg.method === "Runtime.exceptionThrown") {
          const d = p.exceptionDetails ?? {};
          messages.push(`error: ${d.exception?.description ?? d.text ?? "exception"}`);
        } else if (msg.method === "Log.entryAdded" && /error|warning/.test(p.entry?.level)) {
          messages.push(`${p.entry.source}: ${p.entry.text} ${p.entry.url ?? ""}`.trim());
        }
      });
      await send("Emulation.setDeviceMetricsOverride", {
        width: pageOpts.width ?? 1200,
        height: pageOpts.height ?? 900,
        deviceScaleFactor: 1,
        mobile: false,
      }, sessionId);
      return {
        async goto(url) {
          messages = [];
          const loaded = once("Page.loadEventFired", sessionId);
          const result = await send<{ errorText?: string }>("Page.navigate", { url }, sessionId);
          if (result.errorText) {
            throw new Error(`Chromium: cannot open ${url}: ${result.errorText}`);
          }
          await withTimeout(loaded, timeoutMs, `loading ${url}`);
        },
        async evaluate<T>(expression: string) {
          const r = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
            "Runtime.evaluate",
            { expression, returnByValue: true, awaitPromise: true },
            sessionId,
          );
          if (r.exceptionDetails) throw new Error(`Chromium: ${r.exceptionDetails.text}`);
          return r.result.value;
        },
        messages: () => [...messages],
        async screenshot(shotOpts = {}) {
          const { data } = await send<{ data: string }>("Page.captureScreenshot", {
            format: "png",
            captureBeyondViewport: shotOpts.fullPage ?? true,
          }, sessionId);
          return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        },
      };
    },
    async close() {
      try {
        await send("Browser.close").catch(() => {});
        socket.close();
      } finally {
        await cleanup();
      }
    },
  };
}
