/**
 * Benchmark behind the native backend's choice of matrix-product library: oneDNN's `dnnl_sgemm`
 * (the library the backend already loads) against OpenBLAS's `cblas_sgemm` (Debian
 * `libopenblas0-pthread`, a second dependency), both called through FFI on the same row-major
 * float32 arrays, one thread each, at the shapes the suite multiplies: the reference classifier's
 * head (batch 128: 128×128·128×10), an MLP layer (128×784·784×512) and a large square product.
 * Prints JSON: GFLOP/s per library and shape (best of 5 rounds). Skips OpenBLAS when it is absent.
 *
 * Usage: `deno run -A bench/sgemm_choice.ts [--save bench/results/sgemm_choice.json]` (the README's
 * speed block quotes the saved file; `deno task readme` regenerates it).
 * @module
 */
import { writeAtomic } from "../lib/_write.ts";
import { loadDnnl, openMp } from "../lib/backend/native/dnnl.ts";
import { flag } from "./_flags.ts";

const SHAPES: [string, number, number, number][] = [
  ["head 128×128·128×10", 128, 10, 128],
  ["MLP layer 128×784·784×512", 128, 512, 784],
  ["square 1024²", 1024, 1024, 1024],
];

function openBlas() {
  try {
    const lib = Deno.dlopen("libopenblas.so.0", {
      cblas_sgemm: {
        // order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc
        parameters: [
          "i32",
          "i32",
          "i32",
          "i32",
          "i32",
          "i32",
          "f32",
          "buffer",
          "i32",
          "buffer",
          "i32",
          "f32",
          "buffer",
          "i32",
        ],
        result: "void",
      },
      openblas_set_num_threads: { parameters: ["i32"], result: "void" },
    });
    lib.symbols.openblas_set_num_threads(1);
    return lib.symbols;
  } catch {
    return null;
  }
}

/** GFLOP/s of `run` (one m×k·k×n product per call), best of 5 rounds of enough calls. */
function gflops(m: number, n: number, k: number, run: () => void): number {
  const flop = 2 * m * n * k;
  const calls = Math.max(3, Math.round(2e9 / flop));
  run();
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) run();
    best = Math.max(best, (flop * calls) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return Math.round(best * 10) / 10;
}

if (import.meta.main) {
  const dnnl = loadDnnl();
  openMp()?.set(1);
  const blas = openBlas();
  const rows = SHAPES.map(([shape, m, n, k]) => {
    const a = Float32Array.from({ length: m * k }, (_, i) => (i % 7) / 7);
    const b = Float32Array.from({ length: k * n }, (_, i) => (i % 5) / 5);
    const c = new Float32Array(m * n);
    const [pa, pb, pc] = [a, b, c].map((x) => Deno.UnsafePointer.of(x));
    const N = "N".charCodeAt(0);
    const onednn = gflops(m, n, k, () => {
      dnnl.symbols.dnnl_sgemm(
        N,
        N,
        BigInt(m),
        BigInt(n),
        BigInt(k),
        1,
        pa,
        BigInt(k),
        pb,
        BigInt(n),
        0,
        pc,
        BigInt(n),
      );
    });
    const openblas = blas
      ? gflops(m, n, k, () => blas.cblas_sgemm(101, 111, 111, m, n, k, 1, a, k, b, n, 0, c, n))
      : null;
    return { shape, onednnGflops: onednn, openblasGflops: openblas };
  });
  const date = new Date().toISOString();
  const text = JSON.stringify({ bench: "sgemm_choice", date, threads: 1, rows }, null, 2);
  console.log(text);
  const save = flag(Deno.args, "--save", "");
  if (save) await writeAtomic(save, text + "\n");
}
