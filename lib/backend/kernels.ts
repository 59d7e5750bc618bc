/**
 * Training kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks or implements slowly, for
 * single-threaded CNN training on the wasm backend. Warm timings at batch 128 on the reference
 * encoder's shapes, wasm's own kernel → this one:
 *
 * - `Conv2DBackpropFilter`: missing on wasm (tfjs#8474: no CNN can train). Forward XNNPACK convs
 *   over re-laid-out x and dy, or one GEMM over im2col'd x for few-tap layers.
 * - `Conv2DBackpropInput`: wasm's is a scalar loop. A forward conv of dy with the flipped filter, or
 *   a GEMM + col2im for few input channels and strides > 1.
 * - `MaxPoolGrad` (68 → 11 ms), `Sum` (11 → 1.5 ms), `Mean` (15 → 1.5 ms), `Tile` (197 → 0.9 ms),
 *   `FusedBatchNorm` (9.6 → 3.6 ms) on [128, 28, 28, 32]: the batch-norm and pooling gradients.
 * - `Identity`: shares data instead of copying (as cpu and webgl do).
 * - `BatchMatMul` with transposed operands (every dense layer's gradient): wasm's is a scalar loop
 *   (145 → 8 ms for [128, 784]ᵀ·[128, 512]); transposed explicitly, then XNNPACK.
 * - `UnsortedSegmentSum` (gradient of `tf.gather`, i.e. of embeddings): missing on wasm.
 *
 * Kernels call the wasm backend's own kernel functions directly (no engine round trip, no
 * `Tensor` objects) or loop over its heap, and free intermediates with `backend.disposeData`.
 * Each is checked against the cpu backend in kernels_test.ts.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { registerWasmTrainingKernels } from "./kernels.ts";
 * registerWasmTrainingKernels();
 * await tf.setBackend("wasm");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
// Side effect: registers the wasm backend and its kernels (so ours can override them).
import "@tensorflow/tfjs-backend-wasm";

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = tf.NamedAttrMap;
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];
type Pad = "same" | "valid" | number | ExplicitPadding;

const BACKEND = "wasm";

/** Runs the wasm backend's own kernel `name` directly and returns its output. */
function runWasm(
  backend: BackendWasm,
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const kernel = tf.getKernel(name, BACKEND);
  if (kernel == null) throw new Error(`wasm kernel '${name}' is not registered`);
  return kernel.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;
}

/** Frees the heap memory of an intermediate produced inside a kernel. */
function free(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A view of `info` with another shape (same data, no copy, no refcount: never dispose it). */
function view(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : v;
}

/**
 * Stride-1 forward conv with explicit, possibly negative, padding (a negative pad crops the input).
 * x: [N, H, W, C], filter: [KH, KW, C, K], dilations of the filter taps → [N, OH, OW, K].
 */
function convExplicit(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
  dilations: [number, number] = [1, 1],
): TensorInfo {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -pads.top), cropBottom = Math.max(0, -pads.bottom);
  const cropLeft = Math.max(0, -pads.left), cropRight = Math.max(0, -pads.right);
  let input = x;
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    input = runWasm(backend, "Slice", { x }, {
      begin: [0, cropTop, cropLeft, 0],
      size: [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c],
    });
  }
  const pad: ExplicitPadding = [
    [0, 0],
    [Math.max(0, pads.top), Math.max(0, pads.bottom)],
    [Math.max(0, pads.left), Math.max(0, pads.right)],
    [0, 0],
  ];
  const out = runWasm(backend, "Conv2D", { x: input, filter }, {
    strides: [1, 1],
    pad,
    dataFormat: "NHWC",
    dilations,
  });
  if (input !== x) free(backend, input);
  return out;
}

/**
 * dW = ∂L/∂W of `conv2d(x, W)` as one GEMM, for few taps (KH·KW·Ci < Co, e.g. a first layer on
 * 1-channel images): dWᵀ [Co, KH·KW·Ci] = dyᵀ [Co, N·OH·OW] @ cols [N·OH·OW, KH·KW·Ci], where
 * cols is x unrolled (im2col). XNNPACK packs the right operand, here the smaller one.
 * x: [N, H, W, Ci], dy: [N, OH, OW, Co] → [KH, KW, Ci, Co].
 */
function backpropFilterIm2col(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  [kh, kw, ci, co]: [number, number, number, number],
  [sh, sw]: [number, number],
  top: number,
  left: number,
): TensorInfo {
  const [n, h, w] = x.shape;
  const [, oh, ow] = dy.shape;
  const rows = n * oh * ow, taps = kh * kw * ci;
  const dyT = backend.makeOutput([1, co, rows], "float32");
  const cols = backend.makeOutput([1, rows, taps], "float32");
  // Views are taken after the allocations: a heap growth detaches older ones.
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dyTs = backend.typedArrayFromHeap(dyT) as Float32Array;
  // Transposed in blocks of 16 rows: short contiguous runs on both sides (2× the naive loop).
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const r1 = Math.min(rows, r0 + 16);
    for (let c = 0; c < co; c++) {
      const base = c * rows;
      for (let r = r0; r < r1; r++) dyTs[base + r] = dys[r * co + c];
    }
  }
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const colss = backend.typedArrayFromHeap(cols) as Float32Array;
  let to = 0; // index into cols, in order
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        for (let i = 0; i < kh; i++) {
          const y = r * sh + i - top;
          for (let j = 0; j < kw; j++, to += ci) {
            const xc = q * sw + j - left;
            if (y < 0 || y >= h || xc < 0 || xc >= w) {
              for (let c = 0; c < ci; c++) colss[to + c] = 0;
            } else {
              const from = ((b * h + y) * w + xc) * ci;
              for (let c = 0; c < ci; c++) colss[to + c] = xs[from + c];
            }
          }
        }
      }
    }
  }
  const dwT = runWasm(backend, "BatchMatMul", { a: dyT, b: cols }, {
    transposeA: false,
    transposeB: false,
  }); // [1, Co, KH·KW·Ci]
  free(backend, dyT, cols);
  const dw = runWasm(backend, "Transpose", { x: view(dwT, [co, kh, kw, ci]) }, {
    perm: [1, 2, 3, 0],
  }); // [KH, KW, Ci, Co]
  free(backend, dwT);
  return dw;
}

/**
 * Images per group in Conv2DBackpropFilter: the largest divisor of the batch `n` not above 32, or
 * `n` itself (one group) when that divisor is below 8 (too many small convs).
 */
function groupSize(n: number): number {
  for (let g = Math.min(n, 32); g >= 8; g--) if (n % g === 0) return g;
  return n;
}

/**
 * A [N, H, W, C] tensor's images [k·g, (k+1)·g) as [C, H, W, g] (`channelsFirst`) or [H, W, g, C],
 * in one pass over the heap (wasm's Transpose and Slice are slow for these 5-d permutations).
 */
function packGroup(
  backend: BackendWasm,
  t: TensorInfo,
  k: number,
  g: number,
  channelsFirst: boolean,
): TensorInfo {
  const [, h, w, c] = t.shape;
  const hw = h * w;
  const out = backend.makeOutput(channelsFirst ? [c, h, w, g] : [h, w, g, c], "float32");
  // Views are taken after the allocation: a heap growth detaches older ones.
  const src = backend.typedArrayFromHeap(t) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < g; i++) {
    const img = (k * g + i) * hw * c;
    for (let p = 0; p < hw; p++) {
      const from = img + p * c;
      if (channelsFirst) {
        for (let j = 0; j < c; j++) dst[(j * hw + p) * g + i] = src[from + j];
      } else {
        const to = (p * g + i) * c;
        for (let j = 0; j < c; j++) dst[to + j] = src[from + j];
      }
    }
  }
  return out;
}

/**
 * dW = ∂L/∂W of `conv2d(x, W)`.
 * x: [N, H, W, Ci], dy: [N, OH, OW, Co] → dW: [KH, KW, Ci, Co].
 *
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − pt, ow·sw + kw − pl, ci] · dy[n, oh, ow, co]
 * is a GEMM whose reduction runs over N·OH·OW. With few taps (KH·KW·Ci < Co) it is done as one
 * ({@link backpropFilterIm2col}); otherwise as stride-1 forward convs with the batch in the role of
 * the channels (the two forms below), over groups of ≤ 32 images, summed.
 */
function conv2DBackpropFilter(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap },
): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as {
    strides: number | [number, number];
    pad: Pad;
    dataFormat?: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
    filterShape: [number, number, number, number];
  };
  if (attrs.dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropFilter: NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [kh, kw, ci, co] = attrs.filterShape;
  const [, h, w] = x.shape;
  const [sh, sw] = pair(attrs.strides);
  const { outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  if (kh * kw * ci < co) {
    return backpropFilterIm2col(backend, x, dy, attrs.filterShape, [sh, sw], top, left);
  }
  // The batch is split into groups of g images, one conv each, summed: XNNPACK's conv does not
  // block its reduction dimension (here OH·OW·g), and a shorter one keeps the packed "filter" in
  // cache (measured: as fast or up to 2× faster than one conv over a batch of 128).
  const n = x.shape[0];
  const g = groupSize(n);
  const groups = n / g;
  // XNNPACK packs (re-lays out) the conv's filter on every call, ≈9 ns per element, so the smaller
  // of x and dy should be the filter. Form A: filter dy, any stride. Form B: filter x, stride 1
  // only, and ≥ 8 input channels (XNNPACK rounds the conv's output channels, here Ci, up to 8).
  const formB = sh === 1 && sw === 1 && ci >= 8 && h * w * ci < oh * ow * co;
  // Form A: xᵀ [Ci, H, W, g] ⊛ dyᵀ [OH, OW, g, Co], taps dilated by the stride → [Ci, KH, KW, Co].
  //   Pads make the output exactly KH × KW (negative = crop the input).
  // Form B: dyᵀ [Co, OH, OW, g] ⊛ xᵀ [H, W, g, Ci] → [Co, KH, KW, Ci] flipped in KH and KW
  //   (output a = KH−1−kh reads dy at a + i − (KH−1−pt) = i − kh + pt).
  const pads = formB
    ? {
      top: kh - 1 - top,
      left: kw - 1 - left,
      bottom: h - oh + top,
      right: w - ow + left,
    }
    : { top, left, bottom: kh + (oh - 1) * sh - h - top, right: kw + (ow - 1) * sw - w - left };
  let acc: TensorInfo | null = null; // Σ over groups
  for (let k = 0; k < groups; k++) {
    const xk = packGroup(backend, x, k, g, !formB);
    const dyk = packGroup(backend, dy, k, g, formB);
    const part = formB
      ? convExplicit(backend, dyk, xk, pads)
      : convExplicit(backend, xk, dyk, pads, [sh, sw]);
    free(backend, xk, dyk);
    if (acc == null) {
      acc = part;
    } else {
      const sum = runWasm(backend, "Add", { a: acc, b: part });
      free(backend, acc, part);
      acc = sum;
    }
  }
  let dw: TensorInfo;
  if (formB) {
    const flipped = runWasm(backend, "Reverse", { x: acc! }, { dims: [1, 2] });
    dw = runWasm(backend, "Transpose", { x: flipped }, { perm: [1, 2, 3, 0] }); // [KH, KW, Ci, Co]
    free(backend, flipped);
  } else {
    dw = runWasm(backend, "Transpose", { x: acc! }, { perm: [1, 2, 0, 3] }); // [KH, KW, Ci, Co]
  }
  free(backend, acc!);
  if (dw.shape.join() !== [kh, kw, ci, co].join()) {
    throw new Error(`Conv2DBackpropFilter: got [${dw.shape}], expected [${attrs.filterShape}]`);
  }
  return dw;
}

/**
 * dx = ∂L/∂x of `conv2d(x, W)` as one GEMM and a col2im scatter-add:
 * P = dy [N·OH·OW, Co] @ Wᵀ [Co, KH·KW·Ci], then
 * dx[n, oh·sh + kh − pt, ow·sw + kw − pl, ci] += P[n, oh, ow, kh, kw, ci].
 * Used where the conv form wastes work: few input channels (XNNPACK pads the conv's output channels
 * to 8) or strides > 1 (the conv form runs over a zero-dilated dy, 4× larger at stride 2).
 */
function backpropInputCol2im(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: number[],
  [sh, sw]: [number, number],
  top: number,
  left: number,
): TensorInfo {
  const [n, oh, ow, co] = dy.shape;
  const [kh, kw, ci] = filter.shape;
  const [, h, w] = inputShape;
  const taps = kh * kw * ci;
  const wT = runWasm(backend, "Transpose", { x: filter }, { perm: [3, 0, 1, 2] }); // [Co, KH, KW, Ci]
  const p = runWasm(backend, "BatchMatMul", {
    a: view(dy, [1, n * oh * ow, co]),
    b: view(wT, [1, co, taps]),
  }, { transposeA: false, transposeB: false }); // [1, N·OH·OW, KH·KW·Ci]
  free(backend, wT);
  const dx = backend.makeOutput(inputShape, "float32");
  // Views are taken after the allocation: a heap growth detaches older ones.
  const ps = backend.typedArrayFromHeap(p) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
  let src = 0; // index into P, in order
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        for (let i = 0; i < kh; i++) {
          const y = r * sh + i - top;
          if (y < 0 || y >= h) {
            src += kw * ci;
            continue;
          }
          for (let j = 0; j < kw; j++, src += ci) {
            const x = q * sw + j - left;
            if (x < 0 || x >= w) continue;
            const dst = ((b * h + y) * w + x) * ci;
            for (let c = 0; c < ci; c++) dxs[dst + c] += ps[src + c];
          }
        }
      }
    }
  }
  free(backend, p);
  return dx;
}

/**
 * dx = ∂L/∂x of `conv2d(x, W)`.
 * dy: [N, OH, OW, Co], filter: [KH, KW, Ci, Co] → dx: [N, H, W, Ci] (`inputShape`).
 *
 * Stride 1 with ≥ 8 input channels: a forward conv (XNNPACK) of dy with the filter flipped in
 * space and transposed to [KH, KW, Co, Ci], padded by KH−1−pt on top. Otherwise
 * {@link backpropInputCol2im}. (wasm's own kernel is a scalar loop.)
 */
function conv2DBackpropInput(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap },
): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as {
    strides: number | [number, number];
    pad: Pad;
    dataFormat?: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
    inputShape: [number, number, number, number];
  };
  if (attrs.dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropInput: NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [kh, kw] = filter.shape;
  const [, h, w] = attrs.inputShape;
  const [, oh, ow] = dy.shape;
  const [sh, sw] = pair(attrs.strides);
  const { top, left } = info.padInfo;
  const ci = filter.shape[2];
  if (ci < 8 || sh > 1 || sw > 1) {
    return backpropInputCol2im(backend, dy, filter, attrs.inputShape, [sh, sw], top, left);
  }

  // Filter: flip KH and KW, swap Ci/Co → [KH, KW, Co, Ci].
  const flipped = runWasm(backend, "Reverse", { x: filter }, { dims: [0, 1] });
  const wT = runWasm(backend, "Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
  free(backend, flipped);

  // Stride 1 here: dx = dy ⊛ wT, padded by KH−1−pt on top (negative = crop dy).
  const padTop = kh - 1 - top, padLeft = kw - 1 - left;
  const pads = {
    top: padTop,
    left: padLeft,
    bottom: h + kh - 1 - oh - padTop,
    right: w + kw - 1 - ow - padLeft,
  };
  const dx = convExplicit(backend, dy, wT, pads);
  free(backend, wT);
  return dx;
}

/**
 * out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...], for 0 ≤ s < numSegments (others dropped).
 * x: [N, ...rest], segmentIds: [N] int32 → [numSegments, ...rest].
 * Segment ids of higher rank (matching x's leading dims) are flattened with x.
 */
function unsortedSegmentSum(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap },
): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (args.attrs as unknown as { numSegments: number }).numSegments;
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const inner = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  // Views are taken after the allocation: a heap growth detaches older ones.
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const o = backend.typedArrayFromHeap(out);
  o.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const src = r * inner, dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j];
  }
  return out;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

/** The wasm backend's own kernels we replace, kept for the cases our versions do not cover. */
const originals = new Map<string, tf.KernelFunc>();

function callOriginal(name: string, args: KernelArgs): TensorInfo {
  const original = originals.get(name);
  if (original == null) throw new Error(`no original wasm kernel '${name}'`);
  return original(args as Parameters<tf.KernelFunc>[0]) as TensorInfo;
}

/**
 * Tile: out[i₀, …] = x[i₀ mod d₀, …], out shape [d₀·reps₀, …]. wasm's kernel does an index
 * computation per element (≈70 ns each); this copies the innermost rows and then replicates whole
 * blocks with `copyWithin` (memmove), dimension by dimension, outermost last.
 */
function tile(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  const { reps } = args.attrs as unknown as { reps: number[] };
  if (x.dtype === "string" || x.shape.length === 0) return callOriginal("Tile", args);
  const rank = x.shape.length;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  // Element strides of x and of out.
  const xStride = new Array<number>(rank), outStride = new Array<number>(rank);
  xStride[rank - 1] = 1;
  outStride[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    xStride[d] = xStride[d + 1] * x.shape[d + 1];
    outStride[d] = outStride[d + 1] * outShape[d + 1];
  }
  /** Replicates the block [at, at + len) `times` times right after itself (doubling copies). */
  const replicate = (at: number, len: number, times: number) => {
    let done = len;
    const total = len * times;
    while (done < total) {
      const n = Math.min(done, total - done);
      dst.copyWithin(at + done, at, at + n);
      done += n;
    }
  };
  /** Fills out's block of dimension d at `o` from x's block at `i` (x.shape[d]·reps[d] slices). */
  const fill = (d: number, i: number, o: number) => {
    if (d === rank - 1) {
      dst.set(src.subarray(i, i + x.shape[d]), o);
    } else {
      for (let k = 0; k < x.shape[d]; k++) fill(d + 1, i + k * xStride[d], o + k * outStride[d]);
    }
    replicate(o, x.shape[d] * outStride[d], reps[d]);
  };
  fill(0, 0, 0);
  return out;
}

/**
 * x viewed as [outer, reduce, inner] when the reduced axes are contiguous, else null.
 * Returns also the output shape (with keepDims applied).
 */
function reductionPlan(
  shape: number[],
  axis: number | number[],
  keepDims: boolean,
): { outer: number; reduce: number; inner: number; outShape: number[] } | null {
  const axes = tf.util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  if (axes.length === 0) return null;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[0] + i) return null;
  const first = axes[0], last = axes[axes.length - 1];
  const size = (from: number, to: number) => tf.util.sizeFromShape(shape.slice(from, to));
  const [outShape] = tf.backend_util.computeOutAndReduceShapes(shape, axes);
  return {
    outer: size(0, first),
    reduce: size(first, last + 1),
    inner: size(last + 1, shape.length),
    outShape: keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape,
  };
}

/**
 * out[o, i] = scale · Σ_r x[o, r, i] for x: [outer, reduce, inner] (float32, float64 accumulators).
 * Leading-axis reductions (batch-norm gradients: [N, H, W, C] → [C]) are row additions, which wasm's
 * kernel does by transposing first.
 */
function reduceSum(
  backend: BackendWasm,
  x: TensorInfo,
  plan: NonNullable<ReturnType<typeof reductionPlan>>,
  scale: number,
): TensorInfo {
  const { outer, reduce, inner, outShape } = plan;
  const out = backend.makeOutput(outShape, "float32");
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  if (inner === 1) {
    for (let b = 0; b < outer; b++) {
      let s = 0;
      const base = b * reduce;
      for (let r = 0; r < reduce; r++) s += xs[base + r];
      o[b] = s * scale;
    }
    return out;
  }
  const acc = new Float64Array(inner);
  for (let b = 0; b < outer; b++) {
    acc.fill(0);
    let r = 0;
    // Four rows per pass: a quarter of the accumulator traffic.
    for (; r + 4 <= reduce; r += 4) {
      const b0 = (b * reduce + r) * inner, b1 = b0 + inner, b2 = b1 + inner, b3 = b2 + inner;
      for (let i = 0; i < inner; i++) acc[i] += xs[b0 + i] + xs[b1 + i] + xs[b2 + i] + xs[b3 + i];
    }
    for (; r < reduce; r++) {
      const base = (b * reduce + r) * inner;
      for (let i = 0; i < inner; i++) acc[i] += xs[base + i];
    }
    const ob = b * inner;
    for (let i = 0; i < inner; i++) o[ob + i] = acc[i] * scale;
  }
  return out;
}

/** Sum over contiguous axes of a float32 tensor; wasm's own kernel for the other cases. */
function sum(args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as {
    axis: number | number[];
    keepDims: boolean;
  };
  const plan = x.dtype === "float32" ? reductionPlan(x.shape, axis, keepDims) : null;
  if (plan == null) return callOriginal("Sum", args);
  return reduceSum(args.backend as BackendWasm, x, plan, 1);
}

/** Mean over contiguous axes of a float32 tensor; wasm's own kernel for the other cases. */
function mean(args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as {
    axis: number | number[];
    keepDims: boolean;
  };
  const plan = x.dtype === "float32" ? reductionPlan(x.shape, axis, keepDims) : null;
  if (plan == null || plan.reduce === 0) return callOriginal("Mean", args);
  return reduceSum(args.backend as BackendWasm, x, plan, 1 / plan.reduce);
}

/**
 * FusedBatchNorm (inference form): out = (x − mean) · scale / √(variance + ε) + offset, per
 * channel. With per-channel a = scale / √(variance + ε) and b = offset − mean · a it is one
 * multiply and one add per element, done by XNNPACK (wasm's own kernel is ≈3× slower).
 * x: [..., C]; mean, variance, offset?, scale?: [C] (or one element) → [..., C].
 */
function fusedBatchNorm(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, mean, variance, offset, scale } = args.inputs as Record<
    string,
    TensorInfo | undefined
  >;
  const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
  const c = x!.shape[x!.shape.length - 1] ?? 1;
  const params = [mean, variance, offset, scale];
  const perChannel = (t: TensorInfo | undefined) => {
    if (t == null) return true;
    const size = tf.util.sizeFromShape(t.shape);
    return size === 1 || (size === c && t.shape[t.shape.length - 1] === c);
  };
  if (x!.dtype !== "float32" || !params.every(perChannel)) {
    return callOriginal("FusedBatchNorm", args);
  }
  const aInfo = backend.makeOutput([c], "float32");
  const bInfo = backend.makeOutput([c], "float32");
  // Views are taken after the allocations: a heap growth detaches older ones.
  const at = (t: TensorInfo | undefined, fallback: number) => {
    if (t == null) return () => fallback;
    const v = backend.typedArrayFromHeap(t) as Float32Array;
    return v.length === 1 ? () => v[0] : (k: number) => v[k];
  };
  const m = at(mean, 0), v = at(variance, 1), off = at(offset, 0), sc = at(scale, 1);
  const as = backend.typedArrayFromHeap(aInfo) as Float32Array;
  const bs = backend.typedArrayFromHeap(bInfo) as Float32Array;
  for (let k = 0; k < c; k++) {
    as[k] = sc(k) / Math.sqrt(v(k) + varianceEpsilon);
    bs[k] = off(k) - m(k) * as[k];
  }
  // Two broadcasting XNNPACK ops (SIMD): a JS loop is no faster than wasm's own kernel.
  const scaled = runWasm(backend, "Multiply", { a: x!, b: aInfo });
  const out = runWasm(backend, "Add", { a: scaled, b: bInfo });
  free(backend, scaled, aInfo, bInfo);
  return out;
}

/**
 * Identity without a copy: shares x's data (refcounted), as the cpu and webgl backends do. wasm's
 * own copies every tensor `tf.clone`d, e.g. each input a custom gradient saves.
 */
function identity(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === "string") return callOriginal("Identity", args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * MaxPoolGrad for 2×2 windows at stride 2 without padding (disjoint windows): knowing each
 * window's maximum (the forward output y), dy goes to the first element equal to it, in row-major
 * window order as on cpu. ≈3× faster than the generic scan. (A window whose max is NaN gets none.)
 * xs, dxs: [N, H, W, C] (dxs zeroed); ys, dys: [N, OH, OW, C].
 */
function maxPoolGrad2x2(
  xs: Float32Array,
  ys: Float32Array,
  dys: Float32Array,
  dxs: Float32Array,
  [h, w, c]: number[],
): void {
  const oh = Math.floor(h / 2), ow = Math.floor(w / 2);
  const n = ys.length / (oh * ow * c);
  const rowStride = w * c;
  let d = 0; // index into y and dy, in order
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const p00 = ((b * h + 2 * r) * w + 2 * q) * c, p01 = p00 + c;
        const p10 = p00 + rowStride, p11 = p10 + c;
        for (let k = 0; k < c; k++, d++) {
          const m = ys[d];
          if (xs[p00 + k] === m) dxs[p00 + k] = dys[d];
          else if (xs[p01 + k] === m) dxs[p01 + k] = dys[d];
          else if (xs[p10 + k] === m) dxs[p10 + k] = dys[d];
          else if (xs[p11 + k] === m) dxs[p11 + k] = dys[d];
        }
      }
    }
  }
}

/**
 * MaxPoolGrad: dx[argmax of each pooling window] += dy[window] (first maximum wins, as on cpu).
 * input: [N, H, W, C], dy: [N, OH, OW, C] → dx: [N, H, W, C].
 */
function maxPoolGrad(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const attrs = args.attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: Pad;
    dimRoundingMode?: "floor" | "round" | "ceil";
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const fh = info.effectiveFilterHeight, fw = info.effectiveFilterWidth;
  const { top, left } = info.padInfo;
  const dx = backend.makeOutput(input.shape, "float32");
  const xs = backend.typedArrayFromHeap(input) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
  const { output } = args.inputs as { output?: TensorInfo };
  const disjoint2x2 = fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0;
  if (disjoint2x2 && output != null && 2 * oh <= h && 2 * ow <= w) {
    maxPoolGrad2x2(xs, backend.typedArrayFromHeap(output) as Float32Array, dys, dxs, [h, w, c]);
    return dx;
  }
  const best = new Float32Array(c);
  const bestAt = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    const xb = b * h * w * c;
    for (let r = 0; r < oh; r++) {
      const r0 = Math.max(0, r * sh - top), r1 = Math.min(h, r * sh - top + fh);
      for (let q = 0; q < ow; q++) {
        const c0 = Math.max(0, q * sw - left), c1 = Math.min(w, q * sw - left + fw);
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let xr = r0; xr < r1; xr++) {
          for (let xc = c0; xc < c1; xc++) {
            const at = xb + (xr * w + xc) * c;
            for (let k = 0; k < c; k++) {
              const v = xs[at + k];
              if (v > best[k]) {
                best[k] = v;
                bestAt[k] = at + k;
              }
            }
          }
        }
        const dyAt = ((b * oh + r) * ow + q) * c;
        for (let k = 0; k < c; k++) if (bestAt[k] >= 0) dxs[bestAt[k]] += dys[dyAt + k];
      }
    }
  }
  return dx;
}

/**
 * BatchMatMul with `transposeA`/`transposeB`: wasm's kernel handles them in a scalar loop (20–40×
 * slower than its XNNPACK path: 145 ms vs 8 ms for xᵀ·dy of [128, 784]ᵀ·[128, 512]) — and every
 * dense layer's gradient asks for them. The flagged operands are transposed explicitly (wasm's
 * Transpose), then the untransposed kernel runs. Calls without flags go straight to wasm's kernel.
 */
function batchMatMul(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  if (!attrs.transposeA && !attrs.transposeB) return callOriginal("BatchMatMul", args);
  const swapLast = (x: TensorInfo): TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array(rank).keys()];
    [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
    return runWasm(backend, "Transpose", { x }, { perm });
  };
  const at = attrs.transposeA ? swapLast(a) : a;
  const bt = attrs.transposeB ? swapLast(b) : b;
  const out = callOriginal("BatchMatMul", {
    ...args,
    inputs: { a: at, b: bt },
    attrs: { ...args.attrs, transposeA: false, transposeB: false },
  });
  if (at !== a) free(backend, at);
  if (bt !== b) free(backend, bt);
  return out;
}

let registered = false;

/**
 * Registers the training kernels above for the `wasm` backend (idempotent). Call it before
 * `tf.setBackend("wasm")`; registering later also works since none of them needs a setup step.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const kernels: [string, tf.KernelFunc][] = [
    ["Conv2DBackpropFilter", conv2DBackpropFilter as tf.KernelFunc],
    ["Conv2DBackpropInput", conv2DBackpropInput as tf.KernelFunc],
    ["UnsortedSegmentSum", unsortedSegmentSum as tf.KernelFunc],
    ["Tile", tile as tf.KernelFunc],
    ["Sum", sum as tf.KernelFunc],
    ["Mean", mean as tf.KernelFunc],
    ["MaxPoolGrad", maxPoolGrad as tf.KernelFunc],
    ["Identity", identity as tf.KernelFunc],
    ["FusedBatchNorm", fusedBatchNorm as tf.KernelFunc],
    ["BatchMatMul", batchMatMul as tf.KernelFunc],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    const original = tf.getKernel(kernelName, BACKEND);
    if (original != null) {
      originals.set(kernelName, original.kernelFunc);
      tf.unregisterKernel(kernelName, BACKEND);
    }
    // Keep the original's setup (its wasm function bindings): our fallbacks call it.
    tf.registerKernel({
      kernelName,
      backendName: BACKEND,
      kernelFunc,
      setupFunc: original?.setupFunc,
    });
  }
  registered = true;
}
