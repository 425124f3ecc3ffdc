// The histogram kernel in WebAssembly with SIMD: each (gradient, hessian) pair is added to its
// bin with one f64x2.add, on the trainer's shared memory, without bounds checks per element.
// Same additions in the same order as buildHist (hist.ts), so the models are bit-identical; the
// JavaScript kernel stays the fallback where WebAssembly SIMD or shared memory is missing.
//
// The module is small enough to write out byte by byte (no wasm toolchain is needed to build the
// project). It imports the memory as env.mem (shared, up to 4 GiB) and exports
//   hist(histOff, binsOff, F, ghOff, idxOff, begin, end, fLo, fHi)
// with byte offsets into that memory: for k in [begin, end), r = idx[k], for f in [fLo, fHi):
//   hist[f * 512 + bins[r * F + f] * 2 .. + 1] += gh[2r .. 2r + 1]   (as f64x2)

const P = { hist: 0, bins: 1, F: 2, gh: 3, idx: 4, k: 5, end: 6, fLo: 7, fHi: 8 } as const;
const L = { r: 9, base: 10, f: 11, addr: 12, ghv: 13 } as const;

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32c = (v: number) => [0x41, v]; // small non-negative constants only (< 64)
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const I32_LT_U = 0x49;
const BR_IF = (depth: number) => [0x0d, depth];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const I32_LOAD = [0x28, 0x02, 0x00];
const I32_LOAD8_U = [0x2d, 0x00, 0x00];
const V128_LOAD = [0xfd, 0x00, 0x03, 0x00];
const V128_STORE = [0xfd, 0x0b, 0x03, 0x00];
const F64X2_ADD = [0xfd, 0xf0, 0x01];

const body = [
  // locals: 4 × i32 (r, base, f, addr), 1 × v128 (ghv)
  0x02,
  0x04,
  0x7f,
  0x01,
  0x7b,
  ...BLOCK,
  ...get(P.k),
  ...get(P.end),
  I32_GE_U,
  ...BR_IF(0),
  ...LOOP,
  // r = idx[k]
  ...get(P.idx),
  ...get(P.k),
  ...i32c(2),
  I32_SHL,
  I32_ADD,
  ...I32_LOAD,
  ...set(L.r),
  // ghv = gh[2r .. 2r + 1]
  ...get(P.gh),
  ...get(L.r),
  ...i32c(4),
  I32_SHL,
  I32_ADD,
  ...V128_LOAD,
  ...set(L.ghv),
  // base = bins + r * F
  ...get(P.bins),
  ...get(L.r),
  ...get(P.F),
  I32_MUL,
  I32_ADD,
  ...set(L.base),
  ...get(P.fLo),
  ...set(L.f),
  ...BLOCK,
  ...get(L.f),
  ...get(P.fHi),
  I32_GE_U,
  ...BR_IF(0),
  ...LOOP,
  // addr = hist + (f << 12) + (bins[base + f] << 4)
  ...get(P.hist),
  ...get(L.f),
  ...i32c(12),
  I32_SHL,
  I32_ADD,
  ...get(L.base),
  ...get(L.f),
  I32_ADD,
  ...I32_LOAD8_U,
  ...i32c(4),
  I32_SHL,
  I32_ADD,
  ...tee(L.addr),
  // mem[addr] = mem[addr] + ghv
  ...get(L.addr),
  ...V128_LOAD,
  ...get(L.ghv),
  ...F64X2_ADD,
  ...V128_STORE,
  // while (++f < fHi)
  ...get(L.f),
  ...i32c(1),
  I32_ADD,
  ...tee(L.f),
  ...get(P.fHi),
  I32_LT_U,
  ...BR_IF(0),
  END,
  END,
  // while (++k < end)
  ...get(P.k),
  ...i32c(1),
  I32_ADD,
  ...tee(P.k),
  ...get(P.end),
  I32_LT_U,
  ...BR_IF(0),
  END,
  END,
  END,
];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const MODULE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  // type 0: (i32 × 9) -> ()
  ...section(1, [0x01, 0x60, 0x09, ...new Array<number>(9).fill(0x7f), 0x00]),
  // import env.mem: memory, shared, min 1, max 65536 pages
  ...section(2, [0x01, ...name('env'), ...name('mem'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]),
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, ...name('hist'), 0x00, 0x00]),
  ...section(10, [0x01, ...uleb(body.length), ...body]),
]);

export type WasmHist = (
  histOff: number,
  binsOff: number,
  F: number,
  ghOff: number,
  idxOff: number,
  begin: number,
  end: number,
  fLo: number,
  fHi: number,
) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The kernel on `memory`, or null where this runtime lacks WebAssembly SIMD or threads. */
export function wasmHist(memory: WebAssembly.Memory): WasmHist | null {
  if (compiled === null) return null;
  try {
    compiled ??= new WebAssembly.Module(MODULE);
    const instance = new WebAssembly.Instance(compiled, { env: { mem: memory } });
    return instance.exports.hist as WasmHist;
  } catch {
    compiled = null;
    return null;
  }
}

/** A shared memory of at least `bytes` (whole 64 KiB pages), or null without WebAssembly threads. */
export function sharedMemory(bytes: number): WebAssembly.Memory | null {
  const pages = Math.max(1, Math.ceil(bytes / 65_536));
  if (pages > 65_536) return null;
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
}
