/**
 * oneDNN (Debian `libdnnl2`, the 2.x C API) through Deno FFI: loading with clear errors, memory
 * descriptors, primitives whose arguments are raw pointers (into tfjs's wasm heap), and the
 * OpenMP thread count.
 *
 * Facts of the 2.x C API used here (measured on 2.6.3 with a C program against
 * `/usr/include/oneapi/dnnl`): op descriptors are filled by `dnnl_*_desc_init` and turned into a
 * primitive descriptor by `dnnl_primitive_desc_create`; logical dims are always N,C,H,W (data) and
 * O,I,H,W (weights) — a format tag or strides only say how they lie in memory; enum values below.
 * Descriptor structs are written by the library into buffers we own; their sizes grew across 2.x
 * releases (2.6: memory 696 bytes, convolution 5,976), so the buffers are generously sized.
 * oneDNN 3.x removed the op descriptors: {@link loadDnnl} refuses it with a message.
 *
 * @example
 * ```ts ignore
 * import { loadDnnl } from "./dnnl.ts";
 * const dnnl = loadDnnl(); // throws NativeUnavailable naming the library and the package
 * console.log(dnnl.version); // "2.6.3"
 * ```
 * @module
 */
import { env } from "../../config/env.ts";

/** Why the native backend cannot load: names the library, what is wrong and the fix. */
export class NativeUnavailable extends Error {
  override name = "NativeUnavailable";
}

const SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_desc_init_by_tag: {
    parameters: ["buffer", "i32", "buffer", "i32", "i32"],
    result: "i32",
  },
  dnnl_memory_desc_init_by_strides: {
    parameters: ["buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  dnnl_memory_desc_equal: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_memory_create: { parameters: ["buffer", "pointer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_convolution_forward_desc_init: {
    // desc, prop_kind, alg_kind, src, weights, bias, dst, strides, pad_l, pad_r
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_forward_desc_init: {
    // desc, prop_kind, alg_kind, src, weights, bias, dst, strides, dilates, pad_l, pad_r
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    // desc, alg_kind, diff_src, weights, diff_dst, strides, dilates, pad_l, pad_r
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    // desc, alg_kind, src, diff_weights, diff_bias, diff_dst, strides, dilates, pad_l, pad_r
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_pooling_v2_forward_desc_init: {
    // desc, prop_kind, alg_kind, src, dst, strides, kernel, dilation, pad_l, pad_r
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_pooling_v2_backward_desc_init: {
    // desc, alg_kind, diff_src, diff_dst, strides, kernel, dilation, pad_l, pad_r
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_binary_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_batch_normalization_forward_desc_init: {
    // desc, prop_kind, data_desc, epsilon, flags
    parameters: ["buffer", "i32", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_batch_normalization_backward_desc_init: {
    // desc, prop_kind, diff_data_desc, data_desc, epsilon, flags
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_eltwise_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "f32", "f32"],
    result: "i32",
  },
  dnnl_primitive_attr_create: { parameters: ["buffer"], result: "i32" },
  dnnl_post_ops_create: { parameters: ["buffer"], result: "i32" },
  dnnl_post_ops_append_eltwise: {
    parameters: ["pointer", "f32", "i32", "f32", "f32"],
    result: "i32",
  },
  dnnl_primitive_attr_set_post_ops: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_primitive_desc_create: {
    // pd*, op_desc*, attr, engine, hint_forward_pd
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_query: { parameters: ["pointer", "i32", "i32", "buffer"], result: "i32" },
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "pointer", "pointer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  dnnl_sgemm: {
    // transa, transb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc (row-major)
    parameters: [
      "u8",
      "u8",
      "i64",
      "i64",
      "i64",
      "f32",
      "pointer",
      "i64",
      "pointer",
      "i64",
      "f32",
      "pointer",
      "i64",
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

type DnnlSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Enum values of the oneDNN 2.x C API. */
export const PROP = { forwardTraining: 64, forwardInference: 96, backward: 128 } as const;
/** Batch-normalization flags. */
export const BN_FLAGS = { useGlobalStats: 1, useScale: 8, useShift: 16 } as const;
/** Algorithm kinds. */
export const ALG = {
  convDirect: 1,
  convAuto: 3,
  poolMax: 0x1ff,
  poolAvgExcludePadding: 0x3ff,
  poolAvgIncludePadding: 0x2ff,
  eltwiseRelu: 0x1f,
  binaryAdd: 0x1fff0,
  binaryMul: 0x1fff1,
  binaryMax: 0x1fff2,
  binaryMin: 0x1fff3,
  binaryDiv: 0x1fff4,
  binarySub: 0x1fff5,
} as const;
/** Execution argument indices. */
export const ARG = {
  src: 1,
  src1: 2,
  dst: 17,
  weights: 33,
  bias: 41,
  workspace: 64,
  mean: 49,
  variance: 50,
  scale: 51,
  shift: 52,
  diffScale: 255,
  diffShift: 256,
  diffSrc: 129,
  diffDst: 145,
  diffWeights: 161,
  from: 1,
  to: 17,
} as const;
/** Primitive-descriptor queries of memory descriptors. */
export const QUERY = {
  src: 129,
  diffSrc: 130,
  weights: 131,
  diffWeights: 132,
  dst: 133,
  diffDst: 134,
  workspace: 135,
} as const;
/** Format tags (`any`: the primitive chooses). */
export const TAG = { any: 1, nhwc: 20, hwio: 30 } as const;
const F32 = 3;
const IMPL_INFO = 8;
// Generous: the library writes these structs; 2.6's largest op descriptor is 5,976 bytes.
const MD_BYTES = 2048, DESC_BYTES = 16384, EXEC_ARG_BYTES = 16;
const MEMORY_ALLOCATE = Deno.UnsafePointer.create(0xffffffffffffffffn);

/** Supported major versions of the C API. */
const SUPPORTED = "oneDNN 2.x (tested: 2.6.3, Debian bookworm's libdnnl2)";

function candidates(): string[] {
  const explicit = env("DNNL_LIBRARY");
  if (explicit) return [explicit];
  if (Deno.build.os === "darwin") {
    return [
      "/opt/homebrew/lib/libdnnl.2.dylib",
      "/usr/local/lib/libdnnl.2.dylib",
      "libdnnl.2.dylib",
    ];
  }
  return ["libdnnl.so.2", "/usr/lib/x86_64-linux-gnu/libdnnl.so.2", "/usr/lib/libdnnl.so.2"];
}

function check(status: number, what: string): void {
  if (status !== 0) throw new Error(`oneDNN ${what} failed (dnnl_status_t ${status})`);
}

/** Calls `f` with an 8-byte out-parameter and returns the pointer it wrote. */
function outPtr(f: (out: BigUint64Array<ArrayBuffer>) => number, what: string): Deno.PointerObject {
  const out = new BigUint64Array(1);
  check(f(out), what);
  const p = Deno.UnsafePointer.create(out[0]);
  if (p == null) throw new Error(`oneDNN ${what} returned a null handle`);
  return p;
}

/** An int64[12] `dnnl_dims_t`. */
export function dims(values: readonly number[]): BigInt64Array<ArrayBuffer> {
  const d = new BigInt64Array(12);
  values.forEach((x, i) => (d[i] = BigInt(x)));
  return d;
}

const ptr = (b: Uint8Array<ArrayBuffer>): Deno.PointerValue => Deno.UnsafePointer.of(b);

/** One argument of a primitive: its user memory (data pointer set per call). */
interface Slot {
  arg: number;
  user: Deno.PointerObject;
  /** When the primitive chose another layout: its own buffer and the reorder to / from it. */
  reorder?: { prim: Deno.PointerObject; args: Uint8Array<ArrayBuffer> };
  output: boolean;
}

/** What {@link Dnnl.op} needs of each argument. */
export interface SlotSpec {
  arg: number;
  /** The memory descriptor of the caller's data (plain layout). */
  user: Uint8Array<ArrayBuffer>;
  /** The primitive-descriptor query for its memory descriptor (reorders when it differs). */
  query?: number;
  queryIndex?: number;
  output?: boolean;
}

/** A created primitive whose arguments are raw pointers, in the order of its slots. */
export class Op {
  constructor(
    private readonly dnnl: Dnnl,
    private readonly prim: Deno.PointerObject,
    private readonly slots: Slot[],
    private readonly args: Uint8Array<ArrayBuffer>,
    /** oneDNN's name of the implementation (e.g. "brgconv:avx512_core"). */
    readonly impl: string,
    /** Kept alive: descriptors the library points into. */
    readonly keep: unknown[],
  ) {}
  /** Runs with `ptrs` in slot order. */
  run(ptrs: readonly Deno.PointerValue[]): void {
    const s = this.dnnl.symbols;
    for (let i = 0; i < this.slots.length; i++) {
      check(s.dnnl_memory_set_data_handle(this.slots[i].user, ptrs[i]), "memory_set_data_handle");
    }
    for (const slot of this.slots) {
      if (!slot.output && slot.reorder) this.dnnl.execute(slot.reorder.prim, slot.reorder.args, 2);
    }
    this.dnnl.execute(this.prim, this.args, this.args.length / EXEC_ARG_BYTES);
    for (const slot of this.slots) {
      if (slot.output && slot.reorder) this.dnnl.execute(slot.reorder.prim, slot.reorder.args, 2);
    }
    check(s.dnnl_stream_wait(this.dnnl.stream), "stream_wait");
  }
}

/** A loaded oneDNN with one CPU engine and stream (per thread: each Worker loads its own). */
export class Dnnl {
  readonly version: string;
  readonly engine: Deno.PointerObject;
  readonly stream: Deno.PointerObject;
  constructor(readonly path: string, readonly symbols: DnnlSymbols) {
    const v = new DataView(
      Deno.UnsafePointerView.getArrayBuffer(symbols.dnnl_version()!, 12) as ArrayBuffer,
    );
    this.version = `${v.getInt32(0, true)}.${v.getInt32(4, true)}.${v.getInt32(8, true)}`;
    this.engine = outPtr((o) => symbols.dnnl_engine_create(o, 1, /* cpu */ 0n), "engine_create");
    this.stream = outPtr((o) => symbols.dnnl_stream_create(o, this.engine, 1), "stream_create");
  }

  /** A float32 memory descriptor of `shape`, row-major (tfjs's layout), or with a format tag. */
  md(shape: readonly number[], tag?: number): Uint8Array<ArrayBuffer> {
    const m = new Uint8Array(MD_BYTES);
    if (tag != null) {
      check(
        this.symbols.dnnl_memory_desc_init_by_tag(m, shape.length, dims(shape), F32, tag),
        "memory_desc_init_by_tag",
      );
    } else {
      const strides: number[] = [];
      let stride = 1;
      for (let i = shape.length - 1; i >= 0; i--) {
        strides[i] = stride;
        stride *= shape[i];
      }
      check(
        this.symbols.dnnl_memory_desc_init_by_strides(
          m,
          shape.length,
          dims(shape),
          F32,
          dims(strides),
        ),
        "memory_desc_init_by_strides",
      );
    }
    return m;
  }

  /** A zeroed op-descriptor buffer for a `dnnl_*_desc_init`. */
  desc(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(DESC_BYTES);
  }

  /** An attribute with a ReLU post-op (fused activation). */
  reluAttr(): Deno.PointerObject {
    const s = this.symbols;
    const attr = outPtr((o) => s.dnnl_primitive_attr_create(o), "primitive_attr_create");
    const ops = outPtr((o) => s.dnnl_post_ops_create(o), "post_ops_create");
    check(s.dnnl_post_ops_append_eltwise(ops, 1, ALG.eltwiseRelu, 0, 0), "append_eltwise");
    check(s.dnnl_primitive_attr_set_post_ops(attr, ops), "attr_set_post_ops");
    return attr;
  }

  /** The primitive descriptor of an initialised op descriptor. */
  pd(
    desc: Uint8Array<ArrayBuffer>,
    what: string,
    hint: Deno.PointerValue = null,
    attr: Deno.PointerValue = null,
  ): Deno.PointerObject {
    return outPtr(
      (o) => this.symbols.dnnl_primitive_desc_create(o, desc, attr, this.engine, hint),
      `${what}: primitive_desc_create`,
    );
  }

  private implName(pd: Deno.PointerObject): string {
    const out = new BigUint64Array(1);
    check(this.symbols.dnnl_primitive_desc_query(pd, IMPL_INFO, 0, out), "query impl");
    const p = Deno.UnsafePointer.create(out[0]);
    return p == null ? "?" : Deno.UnsafePointerView.getCString(p);
  }

  private memory(md: Deno.PointerValue, handle: Deno.PointerValue): Deno.PointerObject {
    return outPtr((o) => this.symbols.dnnl_memory_create(o, md, this.engine, handle), "memory");
  }

  /** A library-owned buffer for `pd`'s workspace (max pooling's argmax), or null if it has none. */
  workspace(pd: Deno.PointerObject): Deno.PointerObject | null {
    const md = this.symbols.dnnl_primitive_desc_query_md(pd, QUERY.workspace, 0);
    // A zero descriptor (ndims 0) when there is none.
    if (md == null || new Deno.UnsafePointerView(md).getInt32(0) === 0) return null;
    return this.memory(md, MEMORY_ALLOCATE);
  }

  /** Packs `dnnl_exec_arg_t`s: { int arg; dnnl_memory_t memory @ 8 }. */
  private execArgs(list: [number, Deno.PointerObject][]): Uint8Array<ArrayBuffer> {
    const b = new Uint8Array(EXEC_ARG_BYTES * list.length);
    const view = new DataView(b.buffer);
    list.forEach(([arg, mem], i) => {
      view.setInt32(i * EXEC_ARG_BYTES, arg, true);
      view.setBigUint64(i * EXEC_ARG_BYTES + 8, BigInt(Deno.UnsafePointer.value(mem)), true);
    });
    return b;
  }

  /** Runs a primitive on the stream (the caller waits). */
  execute(prim: Deno.PointerObject, args: Uint8Array<ArrayBuffer>, n: number): void {
    check(this.symbols.dnnl_primitive_execute(prim, this.stream, n, args), "primitive_execute");
  }

  /**
   * Creates the primitive of `pd`. An argument whose memory descriptor in `pd` differs from the
   * caller's (the primitive picked its own layout) gets an internal buffer and a reorder.
   * `workspace`: a memory from {@link Dnnl.workspace}, shared by a forward and its backward.
   */
  op(pd: Deno.PointerObject, spec: SlotSpec[], workspace?: Deno.PointerObject): Op {
    const s = this.symbols;
    let impl = this.implName(pd);
    const list: [number, Deno.PointerObject][] = [];
    const keep: unknown[] = [spec];
    const slots = spec.map(({ arg, user, query, queryIndex, output }): Slot => {
      const userMem = this.memory(ptr(user), null);
      const inner = query == null
        ? null
        : s.dnnl_primitive_desc_query_md(pd, query, queryIndex ?? 0);
      if (inner == null || s.dnnl_memory_desc_equal(ptr(user), inner) === 1) {
        list.push([arg, userMem]);
        return { arg, user: userMem, output: output ?? false };
      }
      const innerMem = this.memory(inner, MEMORY_ALLOCATE);
      const [from, to] = output ? [inner, ptr(user)] : [ptr(user), inner];
      const rpd = outPtr(
        (o) => s.dnnl_reorder_primitive_desc_create(o, from, this.engine, to, this.engine, null),
        "reorder primitive_desc_create",
      );
      const args = output
        ? this.execArgs([[ARG.from, innerMem], [ARG.to, userMem]])
        : this.execArgs([[ARG.from, userMem], [ARG.to, innerMem]]);
      list.push([arg, innerMem]);
      impl += ` +reorder(${arg})`;
      const prim = outPtr((o) => s.dnnl_primitive_create(o, rpd), "reorder primitive_create");
      return { arg, user: userMem, reorder: { prim, args }, output: output ?? false };
    });
    if (workspace != null) list.push([ARG.workspace, workspace]);
    const prim = outPtr((o) => s.dnnl_primitive_create(o, pd), "primitive_create");
    return new Op(this, prim, slots, this.execArgs(list), impl, keep);
  }
}

/** libgomp's thread count (oneDNN's OpenMP runtime), per calling thread. */
interface Omp {
  set(n: number): void;
  max(): number;
}

let omp: Omp | null | undefined;

/** The OpenMP runtime oneDNN runs on, or null when it is not loadable (e.g. a TBB build). */
export function openMp(): Omp | null {
  if (omp !== undefined) return omp;
  const names = Deno.build.os === "darwin"
    ? ["/opt/homebrew/opt/libomp/lib/libomp.dylib", "libomp.dylib"]
    : ["libgomp.so.1"];
  for (const name of names) {
    try {
      const lib = Deno.dlopen(name, {
        omp_set_num_threads: { parameters: ["i32"], result: "void" },
        omp_get_max_threads: { parameters: [], result: "i32" },
      });
      omp = {
        set: (n) => lib.symbols.omp_set_num_threads(n),
        max: () => lib.symbols.omp_get_max_threads(),
      };
      return omp;
    } catch { /* try the next name */ }
  }
  omp = null;
  return omp;
}

const loaded = new Map<string, Dnnl>();

/**
 * Loads oneDNN (`$DNNL_LIBRARY`, else the system's `libdnnl.so.2`) once per thread.
 * @throws NativeUnavailable naming the library, what is wrong (missing, a symbol missing, an
 *   unsupported version) and how to fix it.
 */
export function loadDnnl(): Dnnl {
  const tried: string[] = [];
  for (const path of candidates()) {
    const hit = loaded.get(path);
    if (hit) return hit;
    let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      lib = Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      const message = (e as Error).message;
      if (/symbol/i.test(message) && !/cannot open|No such file/i.test(message)) {
        throw new NativeUnavailable(
          `${path} loads but lacks a oneDNN 2.x symbol (${message}); the native backend needs ` +
            `${SUPPORTED}. oneDNN 3.x removed the 2.x op descriptors. Install Debian's libdnnl2 ` +
            `(apt-get install libdnnl2), or point DNNL_LIBRARY at a 2.x copy, or use BACKEND=wasm.`,
        );
      }
      tried.push(`${path} (${message.split("\n")[0]})`);
      continue;
    }
    const dnnl = new Dnnl(path, lib.symbols);
    if (!dnnl.version.startsWith("2.")) {
      lib.close();
      throw new NativeUnavailable(
        `${path} is oneDNN ${dnnl.version}; the native backend needs ${SUPPORTED}. Install ` +
          `Debian's libdnnl2 (apt-get install libdnnl2) or point DNNL_LIBRARY at a 2.x copy, or ` +
          `use BACKEND=wasm.`,
      );
    }
    loaded.set(path, dnnl);
    return dnnl;
  }
  throw new NativeUnavailable(
    `oneDNN not found: tried ${tried.join("; ")}. Install it (Debian/Ubuntu: apt-get install ` +
      `libdnnl2; bin/setup does this), or set DNNL_LIBRARY to a oneDNN 2.x shared library, or use ` +
      `BACKEND=wasm.`,
  );
}
