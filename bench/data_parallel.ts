/**
 * Benchmark (and feasibility check) of data-parallel training on the wasm backend: K module
 * Workers, each with its own tfjs and the same model, compute the gradients of 1/K of the batch;
 * the main thread averages them (weighted by rows, so the mean loss's gradient is exact), takes
 * one Adam step and shares the new weights — all through SharedArrayBuffers, synchronised with
 * Atomics. Prints JSON: images/s per worker count, and with `--check` the largest difference
 * between the weights after a few steps with K workers and with one (a model without batch
 * norm, where K slices and the whole batch have the same gradient; with batch norm each worker
 * normalises with its own slice's statistics, as PyTorch's DistributedDataParallel does).
 *
 * Usage: `deno run -A bench/data_parallel.ts [--workers 1,2] [--batch 128] [--steps 8]
 * [--warmup 3] [--check]`
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/mod.ts";
import { buildArchitecture, type EncoderArchitecture } from "../lib/models/dense_stack.ts";
import { buildClassifier } from "../lib/models/encoder.ts";
import { flag } from "./_flags.ts";

/** K replicas training one model; `step()` takes one data-parallel Adam step. */
async function replicas(
  k: number,
  architecture: EncoderArchitecture,
  batch: number,
  seed: number,
) {
  const model = buildClassifier(buildArchitecture(architecture, seed), { seed, numClasses: 10 });
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const total = vars.reduce((s, v) => s + v.size, 0);
  const shared = (bytes: number) => new SharedArrayBuffer(bytes);
  const control = new Int32Array(shared(8));
  const weights = new Float32Array(shared(total * 4));
  const x = new Float32Array(shared(batch * 784 * 4));
  const y = new Int32Array(shared(batch * 4));
  const loss = new Float32Array(shared(k * 4));
  const grads = Array.from({ length: k }, () => new Float32Array(shared(total * 4)));
  // A fixed batch: the timing does not depend on the values.
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  for (let i = 0; i < batch; i++) y[i] = (i * 7) % 10;
  const bounds = Array.from({ length: k + 1 }, (_, r) => Math.round((r * batch) / k));
  const workers = await Promise.all(Array.from({ length: k }, (_, rank) => {
    const worker = new Worker(new URL("./data_parallel_worker.ts", import.meta.url), {
      type: "module",
    });
    return new Promise<Worker>((resolve) => {
      worker.onmessage = () => resolve(worker);
      worker.postMessage({
        backend: tf.getBackend(),
        architecture,
        seed,
        rank,
        rows: [bounds[rank], bounds[rank + 1]],
        batch,
        control: control.buffer,
        weights: weights.buffer,
        grads: grads[rank].buffer,
        x: x.buffer,
        y: y.buffer,
        loss: loss.buffer,
      });
    });
  }));
  const optimizer = tf.train.adam(1e-3);
  let stepCount = 0;
  const step = async (): Promise<number> => {
    let at = 0;
    for (const v of vars) {
      weights.set(v.dataSync() as Float32Array, at);
      at += v.size;
    }
    Atomics.store(control, 1, 0);
    Atomics.store(control, 0, ++stepCount);
    Atomics.notify(control, 0);
    while (Atomics.load(control, 1) < k) {
      const seen = Atomics.load(control, 1);
      if (seen < k) await Atomics.waitAsync(control, 1, seen).value;
    }
    // Mean loss over the batch = Σ (rows_r / batch) · mean loss over replica r's rows.
    const share = (r: number) => (bounds[r + 1] - bounds[r]) / batch;
    const named: { name: string; tensor: tf.Tensor }[] = [];
    at = 0;
    for (const v of vars) {
      const g = new Float32Array(v.size);
      for (let r = 0; r < k; r++) {
        const part = grads[r].subarray(at, at + v.size), w = share(r);
        for (let i = 0; i < g.length; i++) g[i] += w * part[i];
      }
      named.push({ name: v.name, tensor: tf.tensor(g, v.shape) });
      at += v.size;
    }
    optimizer.applyGradients(named);
    tf.dispose(named.map((n) => n.tensor));
    return Array.from(loss).reduce((s, l, r) => s + share(r) * l, 0);
  };
  const close = () => {
    Atomics.store(control, 0, -1);
    Atomics.notify(control, 0);
    for (const w of workers) w.terminate();
    optimizer.dispose();
  };
  const weightValues = () => vars.map((v) => Array.from(v.dataSync()));
  return { step, close, weightValues, model };
}

if (import.meta.main) {
  const args = Deno.args;
  await initBackend(flag(args, "--backend", "wasm"));
  const batch = Number(flag(args, "--batch", "128"));
  const steps = Number(flag(args, "--steps", "8"));
  const warmup = Number(flag(args, "--warmup", "3"));
  const counts = flag(args, "--workers", "1,2").split(",").map(Number);
  const out: Record<string, unknown> = { bench: "data_parallel", batch, backend: tf.getBackend() };
  const results = [];
  for (const k of counts) {
    const run = await replicas(k, { kind: "reference" }, batch, 1);
    for (let i = 0; i < warmup; i++) await run.step();
    const times: number[] = [];
    let lastLoss = NaN;
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      lastLoss = await run.step();
      times.push(performance.now() - t0);
    }
    run.close();
    run.model.dispose();
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    results.push({
      workers: k,
      msPerStep: Math.round(median),
      imagesPerSec: Math.round((batch * 1000) / median),
      finalLoss: Number(lastLoss.toFixed(4)),
      peakRssMiB: Math.round(Deno.memoryUsage().rss / 2 ** 20),
    });
  }
  out.results = results;
  if (args.includes("--check")) {
    // Without batch norm, K slices give the whole batch's gradient: the weights must agree.
    const dense: EncoderArchitecture = { kind: "dense", units: [64, 32], activation: "relu" };
    const weightsAfter = async (k: number) => {
      const run = await replicas(k, dense, 32, 3);
      for (let i = 0; i < 3; i++) await run.step();
      const w = run.weightValues();
      run.close();
      run.model.dispose();
      return w;
    };
    const one = await weightsAfter(1), two = await weightsAfter(2);
    let worst = 0;
    one.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - two[i][j])))));
    out.check = { model: "dense 784-64-32-10, batch 32, 3 Adam steps", maxAbsWeightDiff: worst };
  }
  console.log(JSON.stringify(out, null, 2));
}
