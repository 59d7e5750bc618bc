/**
 * Benchmark: images/s of one training step (forward + backward + Adam) of the reference encoder
 * plus a 10-way softmax head, at batch 128 on 28×28×1 inputs, per tfjs backend, side by side with
 * PyTorch on the same network. Prints JSON.
 *
 * Model: lib/models' reference encoder + a linear 10-way head; the step is the one `fit` takes
 * (Adam, `optimizer.minimize` of softmax cross-entropy, BatchNorm in training mode).
 *
 * Usage: `deno run -A bench/train_step.ts [--cpu] [--only-cpu] [--webgpu] [--batch 128]
 * [--steps 8] [--warmup 3] [--top 10] [--long 300] [--pool-seconds 15] [--no-pool]
 * [--save bench/results/train_step.json]` (`--save`: also write the JSON there; the README's speed
 * table is generated from that file by `deno task readme`). `--webgpu`
 * adds Deno's WebGPU (on a GPU; without one, Mesa's software adapter, which shows that it runs,
 * not how fast a GPU is). `--cpu` adds the pure-JS cpu backend: ≈0.5 image/s, so 1 timed and 1
 * profiled step, ≈8 minutes at batch 128 (`--batch 16` for a quicker look). Warm-up matters on
 * wasm: V8 first runs wasm code in its baseline compiler and optimises hot functions later.
 *
 * Output: per backend (native at 1 and 2 threads, wasm) images/s from the median step (and from
 * the mean and the best), peak RSS, and the per-kernel times of one profiled step (`tf.profile`),
 * the `--top` slowest first. `pytorch`: PyTorch's step at 1 and 2 threads in its faster layout
 * (bench/torch_reference.py); `goal`: native against PyTorch's best configuration; `ratio`: every
 * pair. `pool`: two Workers × 1 native thread against one Worker × 2 threads, training
 * independent models (what the protocol's pool does). `memory`: RSS and tensors over `--long`
 * native steps. `ceiling`: the step's arithmetic (multiply-adds of the convolutions and the head,
 * forward and backward), the GFLOP/s each library's step reaches, wasm's and oneDNN's float32
 * matmul speed (1024²), and the images/s wasm's step would reach if every flop ran at its matmul
 * speed.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/mod.ts";
import { setNativeThreads } from "../lib/backend/native/mod.ts";
import { buildClassifier, buildEncoder } from "../lib/models/mod.ts";
import { sparseCrossEntropy } from "../lib/train/fit.ts";
import { flag, intFlag } from "./_flags.ts";
import { writeAtomic } from "../lib/_write.ts";

/** Time of one kernel name, summed over one training step. */
interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

/** Result for one backend. */
interface BackendResult {
  backend: string;
  batch: number;
  steps: number;
  /** Median over the timed steps. */
  msPerStep: number;
  /** From the median step time. */
  imagesPerSec: number;
  /** From the mean step time. */
  imagesPerSecMean: number;
  /** From the fastest step. */
  imagesPerSecBest: number;
  peakRssMiB: number;
  /** Tensors alive before and after the timed steps (equal: no leak). */
  tensorsBefore: number;
  tensorsAfter: number;
  finalLoss: number;
  /** Kernel time summed over the profiled step (profiling adds overhead; compare shares). */
  profiledStepMs: number;
  topKernels: KernelTime[];
}

/** How to run one backend's benchmark. */
interface BenchOptions {
  batch: number;
  /** Untimed steps first. */
  warmup: number;
  /** Timed steps. */
  steps: number;
  /** Kernels listed in the profile. */
  top: number;
}

/**
 * The reference training step on the active backend: a seeded classifier, Adam, and a fixed
 * pseudo-random batch (the timing does not depend on the values). `step()` returns the loss.
 */
export function referenceStep(batch: number, seed = 1) {
  const model = buildClassifier(buildEncoder({ seed }), { seed, numClasses: 10 });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, "float32", 7);
  const y = tf.randomUniform([batch], 0, 10, "int32", 8);
  return {
    async step(): Promise<number> {
      const value = optimizer.minimize(
        () => sparseCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y),
        true,
      )!;
      const loss = (await value.data())[0];
      value.dispose();
      return loss;
    },
    dispose(): void {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

async function benchBackend(
  name: string,
  { batch, warmup, steps, top }: BenchOptions,
  threads?: number,
): Promise<BackendResult> {
  await initBackend(name);
  if (threads != null) setNativeThreads(threads);
  const reference = referenceStep(batch);
  let peakRss = Deno.memoryUsage().rss;
  let loss = NaN;
  const step = async () => {
    loss = await reference.step();
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  };

  for (let i = 0; i < warmup; i++) await step();
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  // The median resists other processes on a shared machine; the mean and best are reported too.
  const tensorsAfter = tf.memory().numTensors;
  const sorted = [...times].sort((a, b) => a - b);
  const msPerStep = sorted[Math.floor(sorted.length / 2)];
  const meanMs = times.reduce((a, b) => a + b, 0) / times.length;

  const profile = await tf.profile(step);
  const byKernel = new Map<string, KernelTime>();
  for (const k of profile.kernels) {
    // customGrad ops (e.g. "fusedConv2d__op") appear as scopes around their kernels: skip them.
    if (tf.getKernel(k.name, name) == null) continue;
    const entry = byKernel.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
    entry.ms += k.kernelTimeMs as number;
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  const kernels = [...byKernel.values()].sort((a, b) => b.ms - a.ms);
  const round = (v: number) => Math.round(v * 100) / 100;

  reference.dispose();
  return {
    backend: threads == null ? name : `${name} (${threads} thread${threads > 1 ? "s" : ""})`,
    batch,
    steps,
    msPerStep: round(msPerStep),
    imagesPerSec: round((batch * 1000) / msPerStep),
    imagesPerSecMean: round((batch * 1000) / meanMs),
    imagesPerSecBest: round((batch * 1000) / sorted[0]),
    peakRssMiB: round(peakRss / 2 ** 20),
    tensorsBefore,
    tensorsAfter,
    finalLoss: Number(loss.toFixed(4)),
    profiledStepMs: round(kernels.reduce((s, k) => s + k.ms, 0)),
    topKernels: kernels.slice(0, top).map((k) => ({ ...k, ms: round(k.ms) })),
  };
}

/**
 * Flops of one image's training step: per convolution and dense layer 2·(multiply-adds) forward,
 * as many for the weight gradient, and as many for the input gradient except at the first layer
 * (nothing needs the image's gradient). Batch norm, ReLU and pooling are left out (elementwise).
 */
export function trainingFlopsPerImage(model: tf.LayersModel): number {
  const flat = (m: tf.LayersModel): tf.layers.Layer[] =>
    m.layers.flatMap((l) => ("layers" in l ? flat(l as unknown as tf.LayersModel) : [l]));
  let total = 0, first = true;
  for (const layer of flat(model)) {
    const kernel = (layer.getWeights()[0]?.shape ?? []) as number[];
    let forward = 0;
    if (layer.getClassName() === "Conv2D") {
      const [, h, w] = layer.outputShape as number[]; // kernel: [kh, kw, cIn, cOut]
      forward = 2 * h * w * kernel[0] * kernel[1] * kernel[2] * kernel[3];
    } else if (layer.getClassName() === "Dense") {
      forward = 2 * kernel[0] * kernel[1]; // kernel: [inputs, units]
    }
    if (!forward) continue;
    total += forward * (first ? 2 : 3);
    first = false;
  }
  return total;
}

/**
 * Float32 matmul speed, 1024² on `backend` (wasm: XNNPACK on one thread; native: oneDNN's
 * `dnnl_sgemm` on `threads` threads): GFLOP/s, the best of three rounds of 20.
 */
async function matmulGflops(backend: string, threads?: number, n = 1024, repeats = 20) {
  await initBackend(backend);
  if (threads != null) setNativeThreads(threads);
  const [a, b] = [tf.randomUniform([n, n], 0, 1, "float32", 1), tf.randomUniform([n, n])];
  const multiply = async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  for (let i = 0; i < 3; i++) await multiply();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) await multiply();
    best = Math.max(best, (2 * n ** 3 * repeats) / ((performance.now() - t0) / 1000) / 1e9);
  }
  tf.dispose([a, b]);
  return Math.round(best * 10) / 10;
}

/** The same step in PyTorch (bench/torch_reference.py), when a python3 with torch exists. */
function torchReference(
  batch: number,
): { threads: number; layout: string; imagesPerSec: number }[] | null {
  const script = new URL("./torch_reference.py", import.meta.url).pathname;
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const out = new Deno.Command(python, {
        args: [script, "--batch", String(batch)],
        stdout: "piped",
        stderr: "null",
      }).outputSync();
      if (out.success) return JSON.parse(new TextDecoder().decode(out.stdout)).results;
    } catch { /* not installed */ }
  }
  return null;
}

/**
 * Memory over a long run: `steps` native training steps, the RSS and tensor count after each tenth
 * (flat: no leak in the kernels, their primitive caches or the FFI buffers).
 */
async function longRun(steps: number, batch: number) {
  await initBackend("native");
  const reference = referenceStep(batch, 3);
  // RSS moves by tens of MiB with the garbage collector's rhythm: a leak is a trend across the
  // samples (each tenth of the run), not one sample above another.
  const rssMiB: number[] = [], tensors: number[] = [];
  for (let i = 1; i <= steps; i++) {
    await reference.step();
    if (i % Math.max(1, Math.floor(steps / 10)) === 0) {
      // A full collection first (deno task bench passes --expose-gc), so the samples show what
      // stays alive rather than where the collector happened to be.
      (globalThis as { gc?: () => void }).gc?.();
      rssMiB.push(Math.round(Deno.memoryUsage().rss / 2 ** 20));
      tensors.push(tf.memory().numTensors);
    }
  }
  reference.dispose();
  const half = Math.floor(rssMiB.length / 2);
  return {
    steps,
    rssMiB,
    tensors,
    /** The largest RSS of the second half minus that of the first half. */
    rssGrowthMiB: Math.max(...rssMiB.slice(half)) - Math.max(...rssMiB.slice(0, half)),
  };
}

/**
 * The protocol's pool, two ways: `workers` module Workers each training its own model with
 * `threads` native threads for `seconds`, side by side. Aggregate images/s (what the pool's
 * independent training runs get).
 */
async function poolThroughput(workers: number, threads: number, batch: number, seconds: number) {
  const url = new URL("./train_step_worker.ts", import.meta.url);
  const running = Array.from({ length: workers }, () => {
    const w = new Worker(url, { type: "module" });
    return new Promise<number>((resolve, reject) => {
      w.onmessage = (e) => {
        w.terminate();
        resolve(e.data as number);
      };
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        reject(new Error(e.message));
      };
      w.postMessage({ threads, batch, seconds });
    });
  });
  const perWorker = await Promise.all(running);
  return {
    workers,
    threads,
    imagesPerSec: Math.round(perWorker.reduce((a, b) => a + b, 0)),
    perWorker: perWorker.map(Math.round),
  };
}

if (import.meta.main) {
  const args = Deno.args;
  const batch = intFlag(args, "--batch", 128), top = intFlag(args, "--top", 10);
  const warmup = intFlag(args, "--warmup", 3), steps = intFlag(args, "--steps", 8);
  const results: BackendResult[] = [];
  const wasmPeak = await matmulGflops("wasm"); // first: a fresh wasm heap, nothing else running
  const native = await initBackend("native").then(() => true, (e: Error) => {
    console.error(`bench: native backend skipped: ${e.message}`);
    return false;
  });
  const nativePeak = native
    ? { "1 thread": await matmulGflops("native", 1), "2 threads": await matmulGflops("native", 2) }
    : null;
  if (!args.includes("--only-cpu")) {
    if (native) {
      for (const threads of [1, 2]) {
        results.push(await benchBackend("native", { batch, warmup, steps, top }, threads));
      }
    }
    results.push(await benchBackend("wasm", { batch, warmup, steps, top }));
  }
  if (args.includes("--cpu") || args.includes("--only-cpu")) {
    // ≈ 0.5 image/s: one timed step and the profiled one take minutes at batch 128.
    results.push(await benchBackend("cpu", { batch, warmup: 0, steps: 1, top }));
  }
  if (args.includes("--webgpu")) {
    results.push(await benchBackend("webgpu", { batch, warmup: 2, steps, top }));
  }
  const torch = torchReference(batch);
  // PyTorch's best CPU configuration: the faster layout at the faster thread count.
  const torchBest = torch?.reduce((a, b) => (b.imagesPerSec > a.imagesPerSec ? b : a));
  const goal = torchBest
    ? Object.fromEntries(
      results.filter((r) => r.backend.startsWith("native")).map((r) => [
        `${r.backend} / pytorch best (${torchBest.threads} thread(s), ${torchBest.layout})`,
        Math.round((r.imagesPerSec / torchBest.imagesPerSec) * 100) / 100,
      ]),
    )
    : null;
  const ratio = torch
    ? Object.fromEntries(
      results.flatMap((r) =>
        torch.map((t) => [
          `${r.backend} / pytorch ${t.threads} thread(s) ${t.layout}`,
          Math.round((r.imagesPerSec / t.imagesPerSec) * 100) / 100,
        ])
      ),
    )
    : "python3 with torch is not importable: apt-get install python3-torch to compare";
  const pool = native && !args.includes("--no-pool")
    ? [
      await poolThroughput(2, 1, batch, intFlag(args, "--pool-seconds", 15)),
      await poolThroughput(1, 2, batch, intFlag(args, "--pool-seconds", 15)),
    ]
    : null;
  const memory = native ? await longRun(intFlag(args, "--long", 300), batch) : null;
  await initBackend("wasm");
  const model = buildClassifier(buildEncoder({ seed: 1 }), { seed: 1, numClasses: 10 });
  const flops = trainingFlopsPerImage(model);
  model.dispose();
  const gflops = (imagesPerSec: number) => Math.round(imagesPerSec * flops / 1e8) / 10;
  const wasm = results.find((r) => r.backend === "wasm");
  const ceiling = {
    mflopsPerImage: Math.round(flops / 1e5) / 10,
    wasmMatmulGflops1Thread: wasmPeak,
    wasmStepGflops: wasm ? gflops(wasm.imagesPerSec) : null,
    wasmImagesPerSecIfEveryFlopAtMatmulSpeed: Math.round(wasmPeak * 1e9 / flops),
    nativeMatmulGflops: nativePeak,
    nativeStepGflops: Object.fromEntries(
      results.filter((r) => r.backend.startsWith("native")).map((r) => [
        r.backend,
        gflops(r.imagesPerSec),
      ]),
    ),
    pytorchStepGflops: torch
      ? Object.fromEntries(torch.map((t) => [`${t.threads} thread(s)`, gflops(t.imagesPerSec)]))
      : null,
  };
  const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  const cpu = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? "?";
  const machine = { cpu, cores: navigator.hardwareConcurrency, date: new Date().toISOString() };
  const text = JSON.stringify(
    {
      bench: "train_step",
      machine,
      load,
      results,
      pytorch: torch,
      goal,
      ratio,
      pool,
      memory,
      ceiling,
    },
    null,
    2,
  );
  console.log(text);
  const save = flag(args, "--save", "");
  if (save) await writeAtomic(save, text + "\n");
}
