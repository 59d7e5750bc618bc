/**
 * Every kernel of ./kernels.ts (wasm) and ./native/kernels.ts (native: oneDNN through FFI) against
 * the reference `cpu` backend, on seeded random shapes, and a tiny CNN's training trajectory on
 * each vs cpu. The native backend is tested wherever oneDNN loads (bin/setup installs it).
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertEquals } from "../_assert.ts";
import { createRng, type Rng } from "../random.ts";
import { registerWasmTrainingKernels } from "./kernels.ts";
import { registerNativeBackend } from "./native/mod.ts";
import { nativeOptions } from "./native/kernels.ts";

registerWasmTrainingKernels();
/** Why native is not tested here, or null when it is. */
const nativeMissing = await registerNativeBackend().then(() => null, (e: Error) => e.message);
if (nativeMissing) console.warn(`kernels_test: native backend not tested: ${nativeMissing}`);
// Small test tensors must reach the native elementwise kernels too (not only above the cut-off).
nativeOptions.minElements = 0;
/** The backends under test, each against cpu. */
const TESTED = nativeMissing ? ["wasm"] : ["wasm", "native"];
await tf.setBackend("wasm");
await tf.ready();

const TOL = 1e-4;

/** Runs `fn` on `backend` and returns its outputs as plain arrays (tensors disposed). */
function on(backend: string, fn: () => tf.Tensor[]): Float32Array[] {
  tf.setBackend(backend);
  try {
    return tf.tidy(fn).map((t) => {
      const values = t.dataSync() as Float32Array;
      t.dispose();
      return values;
    });
  } finally {
    tf.setBackend("wasm");
  }
}

function randomValues(rng: Rng, shape: number[]): Float32Array {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return v;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertEquals(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Asserts `fn` gives the same outputs (≤ tol) on cpu and on every backend under test. */
function sameOnBothBackends(label: string, fn: () => tf.Tensor[], tol = TOL): void {
  const cpu = on("cpu", fn);
  for (const backend of TESTED) {
    const got = on(backend, fn);
    assertEquals(got.length, cpu.length);
    cpu.forEach((c, i) => {
      const err = maxAbsDiff(got[i], c);
      assert(err <= tol, `${label}, output ${i}: max |${backend} − cpu| = ${err} > ${tol}`);
    });
  }
}

type Shape4 = [number, number, number, number];

interface ConvCase {
  x: Shape4;
  k: number;
  ci: number;
  co: number;
  stride: number;
  pad: "same" | "valid";
}

/** Seeded conv cases: batch 1-3, sizes 5-12, channels 1-8, kernels 3/2/5, strides 1/2, same/valid. */
function convCases(seed: number): ConvCase[] {
  const rng = createRng(seed);
  const cases: ConvCase[] = [];
  for (const k of [3, 2, 5]) {
    for (const stride of [1, 2]) {
      for (const pad of ["same", "valid"] as const) {
        const ci = 1 + rng.int(8), co = 1 + rng.int(8);
        cases.push({
          x: [1 + rng.int(3), 5 + rng.int(8), 5 + rng.int(8), ci],
          k,
          ci,
          co,
          stride,
          pad,
        });
      }
    }
  }
  return cases;
}

Deno.test("Conv2DBackpropFilter and Conv2DBackpropInput match cpu (tf.grads of conv2d)", () => {
  const rng = createRng(1);
  for (const c of convCases(11)) {
    const xv = randomValues(rng, c.x), wv = randomValues(rng, [c.k, c.k, c.ci, c.co]);
    const outShape = tf.tidy(() =>
      tf.conv2d(
        tf.zeros<tf.Rank.R4>(c.x),
        tf.zeros<tf.Rank.R4>([c.k, c.k, c.ci, c.co]),
        c.stride,
        c.pad,
      ).shape
    );
    const dyv = randomValues(rng, outShape);
    sameOnBothBackends(JSON.stringify(c), () => {
      const x = tf.tensor4d(xv, c.x);
      const w = tf.tensor4d(wv, [c.k, c.k, c.ci, c.co]);
      const dy = tf.tensor4d(dyv, outShape);
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      return tf.grads(f)([x, w], dy);
    });
  }
});

Deno.test("Conv2DBackpropFilter splits large batches into groups correctly (batch 40, 64)", () => {
  const rng = createRng(12);
  for (const [n, stride, pad] of [[40, 1, "same"], [64, 2, "valid"]] as const) {
    const xs: Shape4 = [n, 6, 7, 3], ws: Shape4 = [3, 3, 3, 5];
    const xv = randomValues(rng, xs), wv = randomValues(rng, ws);
    sameOnBothBackends(`batch ${n}`, () => {
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad).mul(tf.linspace(-1, 1, 5))
          .sum();
      return tf.grads(f)([tf.tensor4d(xv, xs), tf.tensor4d(wv, ws)]);
    }, 1e-3);
  }
});

Deno.test("conv2d gradients with ≥ 8 input channels match cpu (conv forms of both kernels)", () => {
  // Ci ≥ 8 and stride 1 select the conv form of Conv2DBackpropInput, and Ci < Co additionally the
  // "x as filter" form of Conv2DBackpropFilter.
  const rng = createRng(13);
  for (
    const [k, pad, ci, co] of [[3, "same", 8, 12], [2, "valid", 9, 16], [5, "same", 10, 6]] as const
  ) {
    const xs: Shape4 = [2, 7, 6, ci], ws: Shape4 = [k, k, ci, co];
    const xv = randomValues(rng, xs), wv = randomValues(rng, ws);
    sameOnBothBackends(`Ci ${ci} Co ${co} k ${k} ${pad}`, () => {
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad).mul(tf.linspace(-1, 1, co)).sum();
      return tf.grads(f)([tf.tensor4d(xv, xs), tf.tensor4d(wv, ws)]);
    });
  }
});

Deno.test("Identity shares data safely: a clone outlives its disposed source", () => {
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.clone(a);
  a.dispose();
  assertEquals(Array.from(b.dataSync()), [1, 2, 3]);
  b.dispose();
  const s = tf.tensor1d(["x", "y"], "string");
  assertEquals(tf.clone(s).dataSync(), s.dataSync());
});

Deno.test("conv2d gradients with rectangular strides and explicit padding match cpu", () => {
  const rng = createRng(2);
  const x = [2, 9, 11, 3], w = [3, 2, 3, 4];
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [2, 1],
    [0, 3],
    [0, 0],
  ];
  const xv = randomValues(rng, x), wv = randomValues(rng, w);
  sameOnBothBackends("explicit", () => {
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [2, 1], pad).mul(tf.linspace(-1, 1, 4)).sum();
    return tf.grads(f)([tf.tensor4d(xv, x as never), tf.tensor4d(wv, w as never)]);
  });
});

Deno.test("conv2dTranspose (Conv2DBackpropInput as a forward op) matches cpu", () => {
  const rng = createRng(3);
  for (const stride of [1, 2]) {
    for (const pad of ["same", "valid"] as const) {
      const xv = randomValues(rng, [2, 5, 6, 3]), wv = randomValues(rng, [3, 3, 4, 3]);
      const outShape: [number, number, number, number] = pad === "same"
        ? [2, 5 * stride, 6 * stride, 4]
        : [2, 4 * stride + 3, 5 * stride + 3, 4];
      sameOnBothBackends(`transpose ${stride} ${pad}`, () => [
        tf.conv2dTranspose(
          tf.tensor4d(xv, [2, 5, 6, 3]),
          tf.tensor4d(wv, [3, 3, 4, 3]),
          outShape,
          stride,
          pad,
        ),
      ]);
    }
  }
});

Deno.test("MaxPoolGrad matches cpu (2×2/2 valid, 3×3/2 same, 3×3/1 same, ties after ReLU)", () => {
  const rng = createRng(4);
  const cases: [number[], number, number, "same" | "valid"][] = [
    [[2, 8, 8, 5], 2, 2, "valid"],
    [[3, 9, 7, 4], 2, 2, "same"],
    [[1, 9, 10, 3], 3, 2, "same"],
    [[2, 6, 7, 2], 3, 1, "same"],
    [[2, 11, 9, 6], 3, 2, "valid"],
  ];
  for (const [shape, size, stride, pad] of cases) {
    const xv = randomValues(rng, shape);
    sameOnBothBackends(`maxPool ${shape} ${size} ${stride} ${pad}`, () => {
      // relu creates all-zero windows: ties must go to the first maximum, as on cpu.
      const f = (x: tf.Tensor) =>
        tf.maxPool(tf.relu(x as tf.Tensor4D), size, stride, pad).mul(tf.linspace(1, 2, shape[3]))
          .sum();
      return [tf.grad(f)(tf.tensor4d(xv, shape as never))];
    });
  }
});

Deno.test("Sum and Mean match cpu (contiguous axes, fallbacks, keepDims, int32)", () => {
  const rng = createRng(5);
  const shape = [3, 4, 5, 6];
  const xv = randomValues(rng, shape);
  const axesList: (number | number[])[] = [0, 3, -1, [0, 1, 2], [1, 2], [2, 3], [0, 1, 2, 3], [
    0,
    2,
  ], [1, 3]];
  for (const axis of axesList) {
    for (const keepDims of [false, true]) {
      sameOnBothBackends(`sum/mean ${axis} ${keepDims}`, () => {
        const x = tf.tensor4d(xv, shape as never);
        return [x.sum(axis, keepDims), x.mean(axis, keepDims)];
      });
    }
  }
  sameOnBothBackends("int32 sum", () => [tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], "int32").sum(0)]);
  sameOnBothBackends("bool sum", () => [tf.tensor1d([true, false, true], "bool").sum()]);
  const big = randomValues(rng, [5000, 7]);
  sameOnBothBackends("large leading sum", () => {
    const x = tf.tensor2d(big, [5000, 7]);
    return [x.sum(0), x.mean(0)];
  }, 1e-3);
});

Deno.test("Tile matches cpu (float32, int32, bool; all dims)", () => {
  const rng = createRng(6);
  const xv = randomValues(rng, [2, 3, 4]);
  for (const reps of [[1, 1, 1], [2, 1, 1], [1, 3, 1], [1, 1, 4], [3, 2, 2], [1, 2, 3]]) {
    sameOnBothBackends(`tile ${reps}`, () => [tf.tile(tf.tensor3d(xv, [2, 3, 4]), reps)], 0);
  }
  sameOnBothBackends("tile 4d bn-like", () => [
    tf.tile(tf.tensor4d(xv.slice(0, 4), [1, 1, 1, 4]), [3, 5, 2, 1]),
  ], 0);
  sameOnBothBackends("tile int32", () => [tf.tile(tf.tensor1d([1, 2, 3], "int32"), [3])], 0);
  sameOnBothBackends(
    "tile bool",
    () => [tf.tile(tf.tensor2d([true, false], [2, 1], "bool"), [2, 3])],
    0,
  );
});

Deno.test("UnsortedSegmentSum (and the gradient of tf.gather) match cpu", () => {
  const rng = createRng(7);
  const table = randomValues(rng, [10, 4]);
  const ids = [3, 1, 3, 9, 0, 3, 1];
  sameOnBothBackends("segment sum", () => [
    tf.unsortedSegmentSum(tf.tensor2d(table.slice(0, 28), [7, 4]), tf.tensor1d(ids, "int32"), 10),
  ]);
  sameOnBothBackends("gather grad", () => {
    const f = (t: tf.Tensor) => tf.gather(t, tf.tensor1d(ids, "int32")).square().sum();
    return [tf.grad(f)(tf.tensor2d(table, [10, 4]))];
  });
});

Deno.test("BatchMatMul with transposed operands matches cpu (2-D, batched, broadcast; and dense gradients)", () => {
  const rng = createRng(9);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    const av = randomValues(rng, [3, 4, 5]), bv = randomValues(rng, [3, 5, 6]);
    const a2 = randomValues(rng, [7, 4]), b2 = randomValues(rng, [4, 2]);
    const bb = randomValues(rng, [1, 5, 6]);
    sameOnBothBackends(`transposeA ${ta} transposeB ${tb}`, () => {
      const a = tf.tensor3d(av, [3, 4, 5]), b = tf.tensor3d(bv, [3, 5, 6]);
      const pa = ta ? tf.transpose(a, [0, 2, 1]) : a, pb = tb ? tf.transpose(b, [0, 2, 1]) : b;
      const x = tf.tensor2d(a2, [7, 4]), y = tf.tensor2d(b2, [4, 2]);
      const px = ta ? tf.transpose(x) : x, py = tb ? tf.transpose(y) : y;
      const pbb = tb
        ? tf.transpose(tf.tensor3d(bb, [1, 5, 6]), [0, 2, 1])
        : tf.tensor3d(bb, [1, 5, 6]);
      return [tf.matMul(pa, pb, ta, tb), tf.matMul(px, py, ta, tb), tf.matMul(pa, pbb, ta, tb)];
    });
  }
  const xv = randomValues(rng, [16, 12]), wv = randomValues(rng, [12, 9]);
  sameOnBothBackends("dense gradients", () => {
    const f = (x: tf.Tensor, w: tf.Tensor) =>
      tf.sigmoid(tf.matMul(x, w)).mul(tf.linspace(-1, 1, 9)).sum();
    return tf.grads(f)([tf.tensor2d(xv, [16, 12]), tf.tensor2d(wv, [12, 9])]);
  });
});

Deno.test("the kernels leak no tensors", () => {
  for (const backend of TESTED) leakCheck(backend);
});

function leakCheck(backend: string): void {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const bytesBefore = tf.memory().numBytes;
  tf.tidy(() => {
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same"), 2, 2, "valid").sum();
    tf.grads(f)([x, w]);
    tf.matMul(tf.randomNormal([5, 3]), tf.randomNormal([4, 5]), true, true);
    tf.batchNorm(x, tf.randomNormal([3]), tf.randomNormal([3]).abs(), undefined, undefined, 1e-3);
    x.mul(tf.randomNormal([3])).sub(x).relu();
  });
  assertEquals(tf.memory().numTensors, before);
  assertEquals(tf.memory().numBytes, bytesBefore);
  tf.setBackend("wasm");
}

/** Loss after each of `steps` Adam steps of a tiny seeded CNN on a fixed batch. */
async function cnnLosses(backend: string, steps: number): Promise<number[]> {
  await tf.setBackend(backend);
  const input = tf.input({ shape: [12, 12, 2] });
  let x = tf.layers.conv2d({
    filters: 6,
    kernelSize: 3,
    padding: "same",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
  }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({
    filters: 8,
    kernelSize: 3,
    strides: 2,
    padding: "valid",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
  }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    units: 3,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
  }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  const rng = createRng(8);
  const xs = tf.tensor4d(randomValues(rng, [6, 12, 12, 2]), [6, 12, 12, 2]);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], "int32"), 3);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await model.trainOnBatch(xs, ys)) as number);
  tf.dispose([xs, ys]);
  model.dispose();
  await tf.setBackend("wasm");
  return losses;
}

Deno.test("a tiny CNN trains the same on wasm, native and cpu (Adam, 5 steps)", async () => {
  const cpu = await cnnLosses("cpu", 5);
  assert(cpu[4] < cpu[0], `loss should fall: ${cpu}`);
  for (const backend of TESTED) {
    const got = await cnnLosses(backend, 5);
    cpu.forEach((l, i) => assertAlmostEquals(got[i], l, 1e-3));
  }
});

Deno.test({
  name: "native: fused conv (bias, ReLU), dilation, pooling, batch norm, broadcast arithmetic, " +
    "fused matmul match cpu",
  ignore: nativeMissing != null,
  fn() {
    const rng = createRng(21);
    const xs: Shape4 = [2, 9, 8, 5], ws: Shape4 = [3, 3, 5, 6];
    const xv = randomValues(rng, xs), wv = randomValues(rng, ws), bv = randomValues(rng, [6]);
    for (const activation of ["linear", "relu", "elu"] as const) {
      for (const [stride, dilation] of [[1, 1], [2, 1], [1, 2]]) {
        sameOnBothBackends(`fused conv ${activation} s${stride} d${dilation}`, () => [
          tf.fused.conv2d({
            x: tf.tensor4d(xv, xs),
            filter: tf.tensor4d(wv, ws),
            strides: stride,
            pad: "same",
            dilations: dilation,
            bias: tf.tensor1d(bv),
            activation,
          }),
        ]);
      }
    }
    sameOnBothBackends("avgPool and its gradient", () => {
      const f = (x: tf.Tensor) =>
        tf.avgPool(x as tf.Tensor4D, 3, 2, "same").mul(tf.linspace(1, 2, 5)).sum();
      const x = tf.tensor4d(xv, xs);
      return [tf.avgPool(x, 2, 2, "valid"), tf.grad(f)(x)];
    });
    const c = randomValues(rng, [5]), v = randomValues(rng, [5]).map(Math.abs);
    sameOnBothBackends("batchNorm with per-channel statistics", () => {
      const x = tf.tensor4d(xv, xs);
      return [
        tf.batchNorm(x, tf.tensor1d(c), tf.tensor1d(v), tf.tensor1d(v), tf.tensor1d(c), 1e-3),
      ];
    });
    const full = randomValues(rng, [2, 9, 8, 5]).map((u) => 1 + Math.abs(u));
    for (const op of ["add", "sub", "mul", "div", "maximum", "minimum"] as const) {
      sameOnBothBackends(`${op} with broadcasting`, () => {
        const x = tf.tensor4d(xv, xs), y = tf.tensor4d(full, xs);
        const perChannel = tf.tensor1d(c.map((u) => 1 + Math.abs(u)));
        return [
          tf[op](x, y),
          tf[op](x, perChannel),
          tf[op](perChannel, x),
          tf[op](x, tf.scalar(1.5)),
          tf[op](tf.scalar(0.5), tf.scalar(1.5)),
          tf[op](x, tf.tensor4d(full.slice(0, 8 * 5), [1, 1, 8, 5])),
        ];
      });
    }
    const av = randomValues(rng, [6, 7]), mv = randomValues(rng, [7, 4]);
    for (const activation of ["linear", "relu", "sigmoid"] as const) {
      sameOnBothBackends(`fused matMul ${activation}`, () => [
        tf.fused.matMul({
          a: tf.tensor2d(av, [6, 7]),
          b: tf.tensor2d(mv, [7, 4]),
          bias: tf.tensor1d(bv.slice(0, 4)),
          activation,
        }),
      ]);
    }
  },
});
