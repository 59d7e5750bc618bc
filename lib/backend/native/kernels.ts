/**
 * tfjs kernels that run oneDNN on the tensors where they live: pointers into the wasm backend's
 * heap (zero copy). They are registered for the `native` backend, which is the wasm backend's
 * instance under a second name ({@link ./mod.ts}); every kernel not listed here, and every case a
 * kernel here does not cover (another dtype, layout or activation), runs the wasm kernel.
 *
 * Covered: Conv2D, FusedConv2D (bias, linear / ReLU), Conv2DBackpropInput (incl. the strided
 * transposed convolutions of decoders), Conv2DBackpropFilter — any kernel size, stride, dilation,
 * `same` / `valid` / explicit padding, NHWC; MaxPool, MaxPoolGrad, AvgPool, AvgPoolGrad;
 * FusedBatchNorm; Add, Sub, Multiply, RealDiv, Maximum, Minimum with broadcasting of one operand;
 * Relu; BatchMatMul and _FusedMatMul (bias, linear / ReLU). Each is checked against the cpu
 * backend in kernels_test.ts. Sum and Mean stay on wasm (../kernels.ts): oneDNN 2.6's reduction
 * over the leading axes of an NHWC tensor ran its reference implementation, 10× slower than
 * wasm's (measured: 218 ms vs 18 ms for the step's 19 sums) and less accurate (gradients off by
 * 1e-2 relative).
 *
 * Pointers: allocate every output first (`makeOutput` may grow the heap, which detaches the old
 * `HEAPU8` view), then read the heap's base address once and offset it per tensor.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { BN_TRAINING, BN_TRAINING_GRAD } from "../kernel_names.ts";
import { ALG, ARG, BN_FLAGS, dims, type Dnnl, type Op, PROP, QUERY, TAG } from "./dnnl.ts";

type TensorInfo = tf.TensorInfo;
type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
};
// deno-lint-ignore no-explicit-any
type Attrs = Record<string, any>;

/**
 * Tunables. `minElements`: below this many elements an elementwise op stays on wasm, whose
 * single-threaded loop beats an FFI call and a thread-team wake-up on small tensors (the tests
 * set it to 0 to reach the native path with small shapes).
 */
export const nativeOptions = { minElements: 8192 };

/** The heap of the wasm module (Emscripten's HEAPU8; the typings omit it). */
function heap(backend: BackendWasm): Uint8Array<ArrayBuffer> {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array<ArrayBuffer> }).HEAPU8;
}

/** Pointers to the data of `infos` in the heap. Call after the last allocation. */
function pointers(backend: BackendWasm, ...infos: TensorInfo[]): Deno.PointerValue[] {
  const base = Deno.UnsafePointer.of(heap(backend));
  if (base == null) throw new Error("native backend: the wasm heap has no address");
  return infos.map((info) => Deno.UnsafePointer.offset(base, backend.getMemoryOffset(info.dataId)));
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const pair = (v: number | number[] | undefined, fallback = 1): [number, number] =>
  v == null ? [fallback, fallback] : typeof v === "number" ? [v, v] : [v[0], v[1]];

/** Primitives by a key of everything they depend on (shapes, strides, pads, options). */
class OpCache {
  private ops = new Map<string, Op>();
  constructor(readonly dnnl: Dnnl) {}
  get(key: string, make: () => Op): Op {
    let op = this.ops.get(key);
    if (op == null) this.ops.set(key, op = make());
    return op;
  }
  get size(): number {
    return this.ops.size;
  }
}

/** A conv's geometry in oneDNN's terms. */
interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  k: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  strides: [number, number];
  dilations: [number, number];
  padL: [number, number];
  padR: [number, number];
}

function convGeometry(
  xShape: number[],
  filterShape: number[],
  attrs: Attrs,
): ConvGeometry | null {
  if ((attrs.dataFormat ?? "NHWC") !== "NHWC") return null;
  const dilations = pair(attrs.dilations);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const { top, bottom, left, right } = info.padInfo;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) return null;
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    k: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    oh: info.outHeight,
    ow: info.outWidth,
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    padL: [top, left],
    padR: [bottom, right],
  };
}

/** The kernels, bound to one loaded oneDNN and the wasm kernels they fall back to. */
export function nativeKernels(
  dnnl: Dnnl,
  fallback: (name: string) => tf.KernelFunc,
): [string, tf.KernelFunc][] {
  const s = dnnl.symbols;
  const cache = new OpCache(dnnl);
  const call = (name: string, args: KernelArgs) =>
    fallback(name)(args as Parameters<tf.KernelFunc>[0]) as TensorInfo;

  // --- convolutions -------------------------------------------------------------------------
  const convMds = (g: ConvGeometry) => ({
    x: dnnl.md([g.n, g.c, g.h, g.w], TAG.nhwc),
    y: dnnl.md([g.n, g.k, g.oh, g.ow], TAG.nhwc),
    wUser: dnnl.md([g.k, g.c, g.kh, g.kw], TAG.hwio),
    // Let the primitive choose the weights' layout (reordered per call): its AVX-512 kernels;
    // forcing HWIO sends it to a gemm path, measured 1.5× slower.
    wAny: dnnl.md([g.k, g.c, g.kh, g.kw], TAG.any),
    strides: dims(g.strides),
    dilates: dims([g.dilations[0] - 1, g.dilations[1] - 1]),
    padL: dims(g.padL),
    padR: dims(g.padR),
  });
  const convKey = (g: ConvGeometry) =>
    [
      g.n,
      g.h,
      g.w,
      g.c,
      g.k,
      g.kh,
      g.kw,
      g.oh,
      g.ow,
      ...g.strides,
      ...g.dilations,
      ...g.padL,
      ...g
        .padR,
    ].join(",");

  const forwardPd = (g: ConvGeometry, bias: boolean, relu: boolean) => {
    const m = convMds(g);
    const desc = dnnl.desc();
    const status = s.dnnl_dilated_convolution_forward_desc_init(
      desc,
      PROP.forwardTraining,
      ALG.convDirect,
      m.x,
      m.wAny,
      bias ? dnnl.md([g.k]) : null as unknown as Uint8Array<ArrayBuffer>,
      m.y,
      m.strides,
      m.dilates,
      m.padL,
      m.padR,
    );
    if (status !== 0) throw new Error(`oneDNN convolution forward desc: status ${status}`);
    return { pd: dnnl.pd(desc, "convolution forward", null, relu ? dnnl.reluAttr() : null), m };
  };

  const convForwardOp = (g: ConvGeometry, bias: boolean, relu: boolean) =>
    cache.get(`conv:${convKey(g)}:${bias}:${relu}`, () => {
      const { pd, m } = forwardPd(g, bias, relu);
      return dnnl.op(pd, [
        { arg: ARG.src, user: m.x, query: QUERY.src },
        { arg: ARG.weights, user: m.wUser, query: QUERY.weights },
        ...(bias ? [{ arg: ARG.bias, user: dnnl.md([g.k]) }] : []),
        { arg: ARG.dst, user: m.y, query: QUERY.dst, output: true },
      ]);
    });

  function conv(args: KernelArgs, fused: boolean): TensorInfo {
    const b = args.backend as BackendWasm;
    const attrs = args.attrs as Attrs;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo>;
    const activation = fused ? (attrs.activation ?? "linear") : "linear";
    const g = x.dtype === "float32" ? convGeometry(x.shape, filter.shape, attrs) : null;
    if (
      g == null || preluActivationWeights != null ||
      (activation !== "linear" && activation !== "relu") ||
      (bias != null && size(bias.shape) !== g.k)
    ) {
      return call(fused ? "FusedConv2D" : "Conv2D", args);
    }
    const op = convForwardOp(g, bias != null, activation === "relu");
    const y = b.makeOutput([g.n, g.oh, g.ow, g.k], "float32");
    op.run(bias != null ? pointers(b, x, filter, bias, y) : pointers(b, x, filter, y));
    return y;
  }

  function conv2DBackpropInput(args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    const attrs = args.attrs as Attrs;
    const { dy, filter } = args.inputs as Record<string, TensorInfo>;
    const g = dy.dtype === "float32"
      ? convGeometry(attrs.inputShape, filter.shape, { ...attrs, dilations: 1 })
      : null;
    if (g == null || g.oh !== dy.shape[1] || g.ow !== dy.shape[2]) {
      return call("Conv2DBackpropInput", args);
    }
    const op = cache.get(`convBwdData:${convKey(g)}`, () => {
      const { pd: hint, m } = forwardPd(g, false, false);
      const desc = dnnl.desc();
      const status = s.dnnl_dilated_convolution_backward_data_desc_init(
        desc,
        ALG.convDirect,
        m.x,
        m.wAny,
        m.y,
        m.strides,
        m.dilates,
        m.padL,
        m.padR,
      );
      if (status !== 0) throw new Error(`oneDNN convolution backward-data desc: status ${status}`);
      return dnnl.op(dnnl.pd(desc, "convolution backward data", hint), [
        { arg: ARG.diffDst, user: m.y, query: QUERY.diffDst },
        { arg: ARG.weights, user: m.wUser, query: QUERY.weights },
        { arg: ARG.diffSrc, user: m.x, query: QUERY.diffSrc, output: true },
      ]);
    });
    const dx = b.makeOutput([g.n, g.h, g.w, g.c], "float32");
    op.run(pointers(b, dy, filter, dx));
    return dx;
  }

  function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    const attrs = args.attrs as Attrs;
    const { x, dy } = args.inputs as Record<string, TensorInfo>;
    const g = x.dtype === "float32"
      ? convGeometry(x.shape, attrs.filterShape, { ...attrs, dilations: 1 })
      : null;
    if (g == null || g.oh !== dy.shape[1] || g.ow !== dy.shape[2]) {
      return call("Conv2DBackpropFilter", args);
    }
    const op = cache.get(`convBwdWeights:${convKey(g)}`, () => {
      const { pd: hint, m } = forwardPd(g, false, false);
      const desc = dnnl.desc();
      const status = s.dnnl_dilated_convolution_backward_weights_desc_init(
        desc,
        ALG.convDirect,
        m.x,
        m.wAny,
        null as unknown as Uint8Array<ArrayBuffer>,
        m.y,
        m.strides,
        m.dilates,
        m.padL,
        m.padR,
      );
      if (status !== 0) {
        throw new Error(`oneDNN convolution backward-weights desc: status ${status}`);
      }
      return dnnl.op(dnnl.pd(desc, "convolution backward weights", hint), [
        { arg: ARG.src, user: m.x, query: QUERY.src },
        { arg: ARG.diffDst, user: m.y, query: QUERY.diffDst },
        { arg: ARG.diffWeights, user: m.wUser, query: QUERY.diffWeights, output: true },
      ]);
    });
    const dw = b.makeOutput(attrs.filterShape, "float32");
    op.run(pointers(b, x, dy, dw));
    return dw;
  }

  // --- pooling ------------------------------------------------------------------------------
  interface PoolGeometry {
    x: Uint8Array<ArrayBuffer>;
    y: Uint8Array<ArrayBuffer>;
    strides: BigInt64Array<ArrayBuffer>;
    kernel: BigInt64Array<ArrayBuffer>;
    dilation: BigInt64Array<ArrayBuffer>;
    padL: BigInt64Array<ArrayBuffer>;
    padR: BigInt64Array<ArrayBuffer>;
    outShape: number[];
    key: string;
  }
  function poolGeometry(xShape: number[], attrs: Attrs): PoolGeometry | null {
    if ((attrs.dataFormat ?? "NHWC") !== "NHWC" || xShape.length !== 4) return null;
    const info = tf.backend_util.computePool2DInfo(
      xShape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const { top, bottom, left, right } = info.padInfo;
    if (top < 0 || bottom < 0 || left < 0 || right < 0) return null;
    const [n, h, w, c] = xShape;
    return {
      x: dnnl.md([n, c, h, w], TAG.nhwc),
      y: dnnl.md([n, c, info.outHeight, info.outWidth], TAG.nhwc),
      strides: dims([info.strideHeight, info.strideWidth]),
      kernel: dims([info.filterHeight, info.filterWidth]),
      dilation: dims([0, 0]),
      padL: dims([top, left]),
      padR: dims([bottom, right]),
      outShape: [n, info.outHeight, info.outWidth, c],
      key: [
        ...xShape,
        info.filterHeight,
        info.filterWidth,
        info.strideHeight,
        info.strideWidth,
        top,
        left,
        bottom,
        right,
      ].join(","),
    };
  }
  const poolForwardPd = (p: PoolGeometry, alg: number, prop: number) => {
    const desc = dnnl.desc();
    const status = s.dnnl_pooling_v2_forward_desc_init(
      desc,
      prop,
      alg,
      p.x,
      p.y,
      p.strides,
      p.kernel,
      p.dilation,
      p.padL,
      p.padR,
    );
    if (status !== 0) throw new Error(`oneDNN pooling forward desc: status ${status}`);
    return dnnl.pd(desc, "pooling forward");
  };

  function pool(args: KernelArgs, name: "MaxPool" | "AvgPool"): TensorInfo {
    const b = args.backend as BackendWasm;
    const { x } = args.inputs as Record<string, TensorInfo>;
    const p = x.dtype === "float32" ? poolGeometry(x.shape, args.attrs as Attrs) : null;
    if (p == null) return call(name, args);
    const alg = name === "MaxPool" ? ALG.poolMax : ALG.poolAvgExcludePadding;
    const op = cache.get(
      `${name}:${p.key}`,
      () =>
        dnnl.op(poolForwardPd(p, alg, PROP.forwardInference), [
          { arg: ARG.src, user: p.x },
          { arg: ARG.dst, user: p.y, output: true },
        ]),
    );
    const y = b.makeOutput(p.outShape, "float32");
    op.run(pointers(b, x, y));
    return y;
  }

  /** Max pooling's backward needs the forward's argmax (workspace): recompute it on `x`. */
  function maxPoolGrad(args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    const { dy, input } = args.inputs as Record<string, TensorInfo>;
    const p = input.dtype === "float32" ? poolGeometry(input.shape, args.attrs as Attrs) : null;
    if (p == null) return call("MaxPoolGrad", args);
    const pair = poolBackward(p, ALG.poolMax);
    const scratch = b.makeOutput(p.outShape, "float32");
    const dx = b.makeOutput(input.shape, "float32");
    const [px, pdy, pdx, pscratch] = pointers(b, input, dy, dx, scratch);
    pair.forward!.run([px, pscratch]);
    pair.backward.run([pdy, pdx]);
    b.disposeData(scratch.dataId);
    return dx;
  }

  function avgPoolGrad(args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    const { dy, input } = args.inputs as Record<string, TensorInfo>;
    const p = input.dtype === "float32" ? poolGeometry(input.shape, args.attrs as Attrs) : null;
    if (p == null) return call("AvgPoolGrad", args);
    // tfjs's average-pooling gradient divides by the whole window, padding included (its forward
    // excludes padding); the cpu and wasm kernels agree on that, and so does this one.
    const { backward } = poolBackward(p, ALG.poolAvgIncludePadding);
    const dx = b.makeOutput(input.shape, "float32");
    backward.run(pointers(b, dy, dx));
    return dx;
  }

  const poolPairs = new Map<string, { forward?: Op; backward: Op }>();
  function poolBackward(p: PoolGeometry, alg: number): { forward?: Op; backward: Op } {
    const key = `${alg}:${p.key}`;
    let hit = poolPairs.get(key);
    if (hit) return hit;
    const hint = poolForwardPd(p, alg, PROP.forwardTraining);
    const workspace = dnnl.workspace(hint) ?? undefined;
    const forward = workspace
      ? dnnl.op(
        hint,
        [{ arg: ARG.src, user: p.x }, { arg: ARG.dst, user: p.y, output: true }],
        workspace,
      )
      : undefined;
    const desc = dnnl.desc();
    const status = s.dnnl_pooling_v2_backward_desc_init(
      desc,
      alg,
      p.x,
      p.y,
      p.strides,
      p.kernel,
      p.dilation,
      p.padL,
      p.padR,
    );
    if (status !== 0) throw new Error(`oneDNN pooling backward desc: status ${status}`);
    const backward = dnnl.op(dnnl.pd(desc, "pooling backward", hint), [
      { arg: ARG.diffDst, user: p.y },
      { arg: ARG.diffSrc, user: p.x, output: true },
    ], workspace);
    poolPairs.set(key, hit = { forward, backward });
    return hit;
  }

  // --- elementwise with broadcasting, reductions ----------------------------------------------
  const binaryAlg: Record<string, { alg: number; commutes: boolean }> = {
    Add: { alg: ALG.binaryAdd, commutes: true },
    Sub: { alg: ALG.binarySub, commutes: false },
    Multiply: { alg: ALG.binaryMul, commutes: true },
    RealDiv: { alg: ALG.binaryDiv, commutes: false },
    Maximum: { alg: ALG.binaryMax, commutes: true },
    Minimum: { alg: ALG.binaryMin, commutes: true },
  };
  function binary(name: string, args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    let { a, b: other } = args.inputs as Record<string, TensorInfo>;
    if (a.dtype !== "float32" || other.dtype !== "float32") return call(name, args);
    const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, other.shape);
    const n = size(out);
    const { alg, commutes } = binaryAlg[name];
    const full = (info: TensorInfo) => size(info.shape) === n;
    if (n < nativeOptions.minElements || out.length > 6) return call(name, args);
    if (!full(a)) {
      if (!commutes || !full(other)) return call(name, args);
      [a, other] = [other, a];
    }
    // oneDNN has no rank-0 memory: scalars are [1].
    const rank = Math.max(1, out.length);
    const padded = (shape: number[]) => [...Array(rank - shape.length).fill(1), ...shape];
    const outShape = padded(out), bShape = padded(other.shape);
    const op = cache.get(`binary:${alg}:${outShape}:${bShape}`, () => {
      const desc = dnnl.desc();
      const mdOut = dnnl.md(outShape), mdB = dnnl.md(bShape);
      const status = s.dnnl_binary_desc_init(desc, alg, mdOut, mdB, mdOut);
      if (status !== 0) throw new Error(`oneDNN binary desc: status ${status}`);
      return dnnl.op(dnnl.pd(desc, "binary"), [
        { arg: ARG.src, user: mdOut },
        { arg: ARG.src1, user: mdB },
        { arg: ARG.dst, user: mdOut, output: true },
      ]);
    });
    const y = b.makeOutput(out, "float32");
    op.run(pointers(b, a, other, y));
    return y;
  }

  function relu(args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    const { x } = args.inputs as Record<string, TensorInfo>;
    const n = size(x.shape);
    if (x.dtype !== "float32" || n < nativeOptions.minElements) return call("Relu", args);
    const op = cache.get(`relu:${n}`, () => {
      const desc = dnnl.desc();
      const md = dnnl.md([n]);
      const status = s.dnnl_eltwise_forward_desc_init(
        desc,
        PROP.forwardInference,
        ALG.eltwiseRelu,
        md,
        0,
        0,
      );
      if (status !== 0) throw new Error(`oneDNN eltwise desc: status ${status}`);
      return dnnl.op(dnnl.pd(desc, "relu"), [
        { arg: ARG.src, user: md },
        { arg: ARG.dst, user: md, output: true },
      ]);
    });
    const y = b.makeOutput(x.shape, "float32");
    op.run(pointers(b, x, y));
    return y;
  }

  // --- batch norm (given statistics) --------------------------------------------------------
  function fusedBatchNorm(args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, TensorInfo>;
    const epsilon = (args.attrs as Attrs).varianceEpsilon as number;
    const c = x.shape[x.shape.length - 1];
    const perChannel = [mean, variance, offset, scale].every((t) =>
      t == null || (t.dtype === "float32" && size(t.shape) === c)
    );
    if (x.dtype !== "float32" || !perChannel || size(x.shape) < nativeOptions.minElements) {
      return call("FusedBatchNorm", args);
    }
    // y = x·a + s per channel, with a = scale / sqrt(variance + ε), s = offset − mean·a: a
    // broadcast multiply-add over the channels (the statistics are C numbers).
    const read = (t: TensorInfo | undefined, fill: number) =>
      t == null ? new Float32Array(c).fill(fill) : b.typedArrayFromHeap(t) as Float32Array;
    const m = read(mean, 0), v = read(variance, 1), o = read(offset, 0), g = read(scale, 1);
    const factor = new Float32Array(c), term = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      factor[i] = g[i] / Math.sqrt(v[i] + epsilon);
      term[i] = o[i] - m[i] * factor[i];
    }
    const rows = size(x.shape) / c;
    const op = cache.get(`bn:${rows}:${c}`, () => {
      const desc = dnnl.desc();
      const mdX = dnnl.md([rows, c]), mdC = dnnl.md([1, c]);
      if (s.dnnl_binary_desc_init(desc, ALG.binaryMul, mdX, mdC, mdX) !== 0) {
        throw new Error("oneDNN binary desc (batch norm) failed");
      }
      return dnnl.op(dnnl.pd(desc, "batch norm scale"), [
        { arg: ARG.src, user: mdX },
        { arg: ARG.src1, user: mdC },
        { arg: ARG.dst, user: mdX, output: true },
      ]);
    });
    const shift = cache.get(`bnShift:${rows}:${c}`, () => {
      const desc = dnnl.desc();
      const mdX = dnnl.md([rows, c]), mdC = dnnl.md([1, c]);
      if (s.dnnl_binary_desc_init(desc, ALG.binaryAdd, mdX, mdC, mdX) !== 0) {
        throw new Error("oneDNN binary desc (batch norm) failed");
      }
      return dnnl.op(dnnl.pd(desc, "batch norm shift"), [
        { arg: ARG.src, user: mdX },
        { arg: ARG.src1, user: mdC },
        { arg: ARG.dst, user: mdX, output: true },
      ]);
    });
    const y = b.makeOutput(x.shape, "float32");
    const pa = Deno.UnsafePointer.of(factor), ps = Deno.UnsafePointer.of(term);
    const [px, py] = pointers(b, x, y);
    op.run([px, pa, py]);
    shift.run([py, ps, py]);
    return y;
  }

  // --- batch norm in training mode (lib/models/batch_norm.ts's fused op) --------------------
  const bnFlags = BN_FLAGS.useScale | BN_FLAGS.useShift;
  const bnForwardPd = (md: Uint8Array<ArrayBuffer>, epsilon: number) => {
    const desc = dnnl.desc();
    const status = s.dnnl_batch_normalization_forward_desc_init(
      desc,
      PROP.forwardTraining,
      md,
      epsilon,
      bnFlags,
    );
    if (status !== 0) throw new Error(`oneDNN batch normalization desc: status ${status}`);
    return dnnl.pd(desc, "batch normalization forward");
  };
  /**
   * x as oneDNN's N,C,H,W in nhwc order (a 2-D [N, C] as N,C,1,1): the statistics of each channel
   * over every other axis. Described as a plain 2-D [rows, C] matrix instead, oneDNN 2.6 picked its
   * reference implementation: 20× slower and less accurate (measured).
   */
  const bnShape = (x: TensorInfo) => {
    const c = x.shape[x.shape.length - 1];
    const [n, h, w] = x.shape.length === 4 ? x.shape : [size(x.shape) / c, 1, 1];
    return { dims: [n, c, h, w], key: `${n},${c},${h},${w}`, c };
  };

  /**
   * The forward: the batch statistics in two passes on wasm's reductions (mean, then the mean of
   * squared deviations), then oneDNN's normalization with them as given ("global") statistics.
   * oneDNN's own training-mode statistics lost precision where a channel's mean is large against
   * its spread (measured: the first block's β gradient 2 % off at batch 128).
   */
  function bnTraining(args: KernelArgs): TensorInfo[] {
    const backend = args.backend as BackendWasm;
    const { x, gamma, beta } = args.inputs as Record<string, TensorInfo>;
    const epsilon = (args.attrs as Attrs).epsilon as number;
    const { dims: shape, key, c } = bnShape(x);
    const axis = [...Array(x.shape.length - 1).keys()];
    const mean = call("Mean", { inputs: { x }, backend, attrs: { axis, keepDims: false } });
    const centred = binary("Sub", { inputs: { a: x, b: mean }, backend });
    const squared = call("Square", { inputs: { x: centred }, backend });
    const variance = call("Mean", {
      inputs: { x: squared },
      backend,
      attrs: { axis, keepDims: false },
    });
    backend.disposeData(centred.dataId);
    backend.disposeData(squared.dataId);
    const op = cache.get(`bnTrain:${key}:${epsilon}`, () => {
      const md = dnnl.md(shape, TAG.nhwc), mdC = dnnl.md([c]);
      const desc = dnnl.desc();
      const status = s.dnnl_batch_normalization_forward_desc_init(
        desc,
        PROP.forwardInference,
        md,
        epsilon,
        bnFlags | BN_FLAGS.useGlobalStats,
      );
      if (status !== 0) throw new Error(`oneDNN batch normalization desc: status ${status}`);
      return dnnl.op(dnnl.pd(desc, "batch normalization forward"), [
        { arg: ARG.src, user: md },
        { arg: ARG.mean, user: mdC },
        { arg: ARG.variance, user: mdC },
        { arg: ARG.scale, user: mdC },
        { arg: ARG.shift, user: mdC },
        { arg: ARG.dst, user: md, output: true },
      ]);
    });
    const y = backend.makeOutput(x.shape, "float32");
    op.run(pointers(backend, x, mean, variance, gamma, beta, y));
    return [y, mean, variance];
  }

  function bnTrainingGrad(args: KernelArgs): TensorInfo[] {
    const b = args.backend as BackendWasm;
    const { x, dy, mean, variance, gamma } = args.inputs as Record<string, TensorInfo>;
    const epsilon = (args.attrs as Attrs).epsilon as number;
    const { dims: shape, key, c } = bnShape(x);
    const op = cache.get(`bnTrainGrad:${key}:${epsilon}`, () => {
      const md = dnnl.md(shape, TAG.nhwc), mdC = dnnl.md([c]);
      const desc = dnnl.desc();
      const status = s.dnnl_batch_normalization_backward_desc_init(
        desc,
        PROP.backward,
        md,
        md,
        epsilon,
        bnFlags,
      );
      if (status !== 0) {
        throw new Error(`oneDNN batch normalization backward desc: status ${status}`);
      }
      return dnnl.op(dnnl.pd(desc, "batch normalization backward", bnForwardPd(md, epsilon)), [
        { arg: ARG.src, user: md },
        { arg: ARG.diffDst, user: md },
        { arg: ARG.mean, user: mdC },
        { arg: ARG.variance, user: mdC },
        { arg: ARG.scale, user: mdC },
        // oneDNN 2.6 counts the shift among the backward's inputs but does not read it.
        { arg: ARG.shift, user: mdC },
        { arg: ARG.diffSrc, user: md, output: true },
        { arg: ARG.diffScale, user: mdC, output: true },
        { arg: ARG.diffShift, user: mdC, output: true },
      ]);
    });
    const dx = b.makeOutput(x.shape, "float32");
    const dgamma = b.makeOutput([c], "float32"), dbeta = b.makeOutput([c], "float32");
    op.run(pointers(b, x, dy, mean, variance, gamma, gamma, dx, dgamma, dbeta));
    return [dx, dgamma, dbeta];
  }

  // --- matrix products ----------------------------------------------------------------------
  const T = "T".charCodeAt(0), N = "N".charCodeAt(0);
  /** C = A·B per batch with dnnl_sgemm (row-major); null when the shapes are not covered. */
  function gemm(b: BackendWasm, a: TensorInfo, bt: TensorInfo, ta: boolean, tb: boolean) {
    if (a.dtype !== "float32" || bt.dtype !== "float32") return null;
    const ra = a.shape.length, rb = bt.shape.length;
    if (ra < 2 || rb < 2) return null;
    const batchA = size(a.shape.slice(0, -2)), batchB = size(bt.shape.slice(0, -2));
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
    if (ra > 2 && rb > 2 && a.shape.slice(0, -2).join() !== bt.shape.slice(0, -2).join()) {
      if (batchA !== 1 && batchB !== 1) return null;
    }
    const [ar, ac] = a.shape.slice(-2), [br, bc] = bt.shape.slice(-2);
    const m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
    if ((tb ? bc : br) !== k) return null;
    const batch = Math.max(batchA, batchB);
    const outBatch = (batchA >= batchB ? a : bt).shape.slice(0, -2);
    const out = b.makeOutput([...outBatch, m, n], "float32");
    const [pa, pb, pc] = pointers(b, a, bt, out);
    for (let i = 0; i < batch; i++) {
      const status = s.dnnl_sgemm(
        ta ? T : N,
        tb ? T : N,
        BigInt(m),
        BigInt(n),
        BigInt(k),
        1,
        Deno.UnsafePointer.offset(pa!, batchA === 1 ? 0 : i * m * k * 4),
        BigInt(ac),
        Deno.UnsafePointer.offset(pb!, batchB === 1 ? 0 : i * k * n * 4),
        BigInt(bc),
        0,
        Deno.UnsafePointer.offset(pc!, i * m * n * 4),
        BigInt(n),
      );
      if (status !== 0) throw new Error(`oneDNN sgemm: status ${status}`);
    }
    return out;
  }

  function batchMatMul(args: KernelArgs): TensorInfo {
    const { a, b: bt } = args.inputs as Record<string, TensorInfo>;
    const attrs = args.attrs as Attrs;
    return gemm(args.backend as BackendWasm, a, bt, !!attrs.transposeA, !!attrs.transposeB) ??
      call("BatchMatMul", args);
  }

  function fusedMatMul(args: KernelArgs): TensorInfo {
    const b = args.backend as BackendWasm;
    const { a, b: bt, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo>;
    const attrs = args.attrs as Attrs;
    const activation = attrs.activation ?? "linear";
    if (
      preluActivationWeights != null || (activation !== "linear" && activation !== "relu") ||
      (bias != null && bias.dtype !== "float32")
    ) {
      return call("_FusedMatMul", args);
    }
    const out = gemm(b, a, bt, !!attrs.transposeA, !!attrs.transposeB);
    if (out == null) return call("_FusedMatMul", args);
    const n = out.shape[out.shape.length - 1];
    const biasSize = bias == null ? 0 : size(bias.shape);
    if (bias != null && biasSize !== n && biasSize !== 1) {
      b.disposeData(out.dataId);
      return call("_FusedMatMul", args);
    }
    if (bias == null && activation === "linear") return out;
    const y = b.typedArrayFromHeap(out) as Float32Array;
    const beta = bias == null ? null : b.typedArrayFromHeap(bias) as Float32Array;
    const reluOn = activation === "relu";
    for (let i = 0; i < y.length; i++) {
      let v = y[i];
      if (beta) v += beta[biasSize === 1 ? 0 : i % n];
      y[i] = reluOn && v < 0 ? 0 : v;
    }
    return out;
  }

  return [
    ["Conv2D", (args) => conv(args as KernelArgs, false)],
    ["FusedConv2D", (args) => conv(args as KernelArgs, true)],
    ["Conv2DBackpropInput", (args) => conv2DBackpropInput(args as KernelArgs)],
    ["Conv2DBackpropFilter", (args) => conv2DBackpropFilter(args as KernelArgs)],
    ["MaxPool", (args) => pool(args as KernelArgs, "MaxPool")],
    ["AvgPool", (args) => pool(args as KernelArgs, "AvgPool")],
    ["MaxPoolGrad", (args) => maxPoolGrad(args as KernelArgs)],
    ["AvgPoolGrad", (args) => avgPoolGrad(args as KernelArgs)],
    ...Object.keys(binaryAlg).map((name): [string, tf.KernelFunc] => [
      name,
      (args) => binary(name, args as KernelArgs),
    ]),
    ["Relu", (args) => relu(args as KernelArgs)],
    ["FusedBatchNorm", (args) => fusedBatchNorm(args as KernelArgs)],
    [BN_TRAINING, (args) => bnTraining(args as KernelArgs) as unknown as TensorInfo],
    [BN_TRAINING_GRAD, (args) => bnTrainingGrad(args as KernelArgs) as unknown as TensorInfo],
    ["BatchMatMul", (args) => batchMatMul(args as KernelArgs)],
    ["_FusedMatMul", (args) => fusedMatMul(args as KernelArgs)],
  ];
}
