// The trainer's hot loops in WebAssembly (with SIMD), on the trainer's shared memory, without
// bounds checks per element. Each does what its JavaScript twin (hist.ts, parallel.ts) does, in
// the same order, so the models are bit-identical; the JavaScript stays the fallback where
// WebAssembly SIMD or shared memory is missing.
//
// The module is small enough to write out byte by byte (no wasm toolchain is needed to build the
// project). It imports the memory as env.mem (shared, up to 4 GiB); every address is a byte
// offset into it. Exports:
//   hist(histOff, binsOff, F, ghOff, idxOff, begin, end, fLo, fHi): for k in [begin, end),
//     r = idx[k], for f in [fLo, fHi): hist[f * 512 + bins[r * F + f] * 2 .. + 1] += gh[2r .. 2r + 1]
//     (as f64x2)
//   partition(idxOff, colOff, dirOff, rightOff, begin, end) -> rows left: stable partition of
//     idx[begin..end) by dir[col[idx[k]]] (1 = left), the right rows through right[]
//   leaves(idxOff, colOff, dirOff, valueOff, begin, end, vl, vr): for k in [begin, end),
//     r = idx[k]: value[r] *= dir[col[r]] ? vl : vr   (value: f64)
//   leaf(idxOff, valueOff, begin, end, v): value[idx[k]] *= v
//   subtract(aOff, bOff, endOff): a -= b, two f64 at a time, from aOff up to endOff
//   gradients(idxOff, expNegMarginOff, yOff, ghOff, begin, end, posWeight, sumsOff): logistic
//     loss gradient and hessian of rows idx[begin..end) into gh (f64 pairs), their sums to sums

const P = { hist: 0, bins: 1, F: 2, gh: 3, idx: 4, k: 5, end: 6, fLo: 7, fHi: 8 } as const;

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32c = (v: number) => [0x41, v]; // small non-negative constants only (< 64)
/** i32.const of any value (signed LEB128). */
function i32k(v: number): number[] {
  const out = [0x41];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I32_XOR = 0x73;
const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const I32_AND = 0x71;
const I32_GT_U = 0x4b;
const I32_GE_U = 0x4f;
const I32_LT_U = 0x49;
const F64_ADD = 0xa0;
const F64_SUB = 0xa1;
const F64_MUL = 0xa2;
const F64_DIV = 0xa3;
const F64_MAX = 0xa5;
const F64_CONVERT_I32_U = 0xb8;
const SELECT = 0x1b;
const BR_IF = (depth: number) => [0x0d, depth];
const BR = (depth: number) => [0x0c, depth];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const I32_LOAD = [0x28, 0x02, 0x00];
const I32_LOAD_ANY = [0x28, 0x00, 0x00]; // unaligned
const I32_STORE = [0x36, 0x02, 0x00];
const I32_LOAD8_U = [0x2d, 0x00, 0x00];
const F64_LOAD = [0x2b, 0x03, 0x00];
const F64_STORE = [0x39, 0x03, 0x00];
const F64_STORE_8 = [0x39, 0x03, 0x08]; // at address + 8
const V128_LOAD = [0xfd, 0x00, 0x03, 0x00];
const V128_STORE = [0xfd, 0x0b, 0x03, 0x00];
const v128Load = (offset: number) => [0xfd, 0x00, 0x03, ...uleb(offset)];
const v128Store = (offset: number) => [0xfd, 0x0b, 0x03, ...uleb(offset)];
const F64X2_ADD = [0xfd, 0xf0, 0x01];
const F64X2_SUB = [0xfd, 0xf1, 0x01];
const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00];
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

/** for (; k < end; k++) { ...loop }, with k and end locals. */
const forRange = (k: number, end: number, loop: number[]) => [
  ...BLOCK,
  ...get(k),
  ...get(end),
  I32_GE_U,
  ...BR_IF(0),
  ...LOOP,
  ...loop,
  ...get(k),
  ...i32c(1),
  I32_ADD,
  ...tee(k),
  ...get(end),
  I32_LT_U,
  ...BR_IF(0),
  END,
  END,
];

/** addr + (i << shift) */
const at = (addr: number[], i: number[], shift: number) => [...addr, ...i, ...i32c(shift), I32_SHL, I32_ADD];
/** dir[col[r]] (1 when row r goes left), from the locals holding dir, col and r. */
const goesLeft = (dir: number, col: number, r: number) => [
  ...get(dir),
  ...get(col),
  ...get(r),
  I32_ADD,
  ...I32_LOAD8_U,
  I32_ADD,
  ...I32_LOAD8_U,
];
/** local += by */
const bump = (local: number, by: number) => [...get(local), ...i32k(by), I32_ADD, ...set(local)];

// hist(hist 0, bins 1, F 2, gh 3, idx 4, k 5, end 6, fLo 7, fHi 8); locals: bp 9, bend 10,
// hp 11, w 12, r 13, a 14 (i32), ghv 15 (v128). Per row, the bins of four features are read as one
// i32 and their (g, h) added at hp (feature f's histogram) + bin * 16, hp stepping 4096 a
// feature; the features left over one by one.
/** hist[a + offset] += ghv, a being the address on the stack (kept in local 14). */
const addGh = (offset: number) => [
  ...tee(14),
  ...get(14),
  ...v128Load(offset),
  ...get(15),
  ...F64X2_ADD,
  ...v128Store(offset),
];
const add4 = (byte: number) => [
  // a = hp + ((w >> 8 * byte) & 255) << 4; hist[a + 4096 * byte] += ghv
  ...get(11),
  ...get(12),
  ...(byte ? [...i32c(8 * byte), I32_SHR_U] : []),
  ...(byte < 3 ? [...i32k(255), I32_AND] : []),
  ...i32c(4),
  I32_SHL,
  I32_ADD,
  ...addGh(4096 * byte),
];
const histBody = [
  0x02,
  0x06,
  I32,
  0x01,
  V128,
  ...forRange(P.k, P.end, [
    // r = idx[k]; ghv = gh[2r .. 2r + 1]
    ...at(get(P.idx), get(P.k), 2),
    ...I32_LOAD,
    ...set(13),
    ...at(get(P.gh), get(13), 4),
    ...V128_LOAD,
    ...set(15),
    // bp = bins + r * F + fLo; bend = bins + r * F + fHi; hp = hist + fLo * 4096
    ...get(P.bins),
    ...get(13),
    ...get(P.F),
    I32_MUL,
    I32_ADD,
    ...tee(10),
    ...get(P.fLo),
    I32_ADD,
    ...set(9),
    ...get(10),
    ...get(P.fHi),
    I32_ADD,
    ...set(10),
    ...at(get(P.hist), get(P.fLo), 12),
    ...set(11),
    // four features at a time while bp + 4 <= bend
    ...BLOCK,
    ...LOOP,
    ...get(9),
    ...i32c(4),
    I32_ADD,
    ...get(10),
    I32_GT_U,
    ...BR_IF(1),
    ...get(9),
    ...I32_LOAD_ANY,
    ...set(12),
    ...add4(0),
    ...add4(1),
    ...add4(2),
    ...add4(3),
    ...bump(9, 4),
    ...bump(11, 16384),
    ...BR(0),
    END,
    END,
    // the rest one by one
    ...BLOCK,
    ...LOOP,
    ...get(9),
    ...get(10),
    I32_GE_U,
    ...BR_IF(1),
    ...get(11),
    ...get(9),
    ...I32_LOAD8_U,
    ...i32c(4),
    I32_SHL,
    I32_ADD,
    ...addGh(0),
    ...bump(9, 1),
    ...bump(11, 4096),
    ...BR(0),
    END,
    END,
  ]),
  END,
];

// partition(idx 0, col 1, dir 2, right 3, k 4, end 5) -> i32; locals: nl 6, nr 7, r 8, d 9, begin 10
const partitionBody = [
  0x01,
  0x05,
  I32,
  ...get(4),
  ...tee(10),
  ...set(6),
  ...forRange(4, 5, [
    // r = idx[k]; d = dir[col[r]]
    ...at(get(0), get(4), 2),
    ...I32_LOAD,
    ...set(8),
    ...goesLeft(2, 1, 8),
    ...set(9),
    // idx[nl] = r; right[nr] = r; nl += d; nr += d ^ 1
    ...at(get(0), get(6), 2),
    ...get(8),
    ...I32_STORE,
    ...at(get(3), get(7), 2),
    ...get(8),
    ...I32_STORE,
    ...get(6),
    ...get(9),
    I32_ADD,
    ...set(6),
    ...get(7),
    ...get(9),
    ...i32c(1),
    I32_XOR,
    I32_ADD,
    ...set(7),
  ]),
  // idx[nl..] = right[0..nr); return nl - begin
  ...at(get(0), get(6), 2),
  ...get(3),
  ...get(7),
  ...i32c(2),
  I32_SHL,
  ...MEMORY_COPY,
  ...get(6),
  ...get(10),
  I32_SUB,
  END,
];

// leaves(idx 0, col 1, dir 2, value 3, k 4, end 5, vl 6, vr 7); locals: r 8, addr 9
const leavesBody = [
  0x01,
  0x02,
  I32,
  ...forRange(4, 5, [
    ...at(get(0), get(4), 2),
    ...I32_LOAD,
    ...set(8),
    ...at(get(3), get(8), 3),
    ...tee(9),
    ...get(9),
    ...F64_LOAD,
    ...get(6),
    ...get(7),
    ...goesLeft(2, 1, 8),
    SELECT,
    F64_MUL,
    ...F64_STORE,
  ]),
  END,
];

// leaf(idx 0, value 1, k 2, end 3, v 4); locals: addr 5
const leafBody = [
  0x01,
  0x01,
  I32,
  ...forRange(2, 3, [
    ...at(get(1), [...at(get(0), get(2), 2), ...I32_LOAD], 3),
    ...tee(5),
    ...get(5),
    ...F64_LOAD,
    ...get(4),
    F64_MUL,
    ...F64_STORE,
  ]),
  END,
];

/** f64.const v */
const f64c = (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];

// gradients(idx 0, expNegMargin 1, y 2, gh 3, k 4, end 5, posWeight 6 (f64), sums 7);
// locals: i 8, yi 9 (i32); pr 10, w 11, g 12, h 13, G 14, H 15 (f64)
const gradientsBody = [
  0x02,
  0x02,
  I32,
  0x06,
  F64,
  ...forRange(4, 5, [
    // i = idx[k]; yi = y[i]
    ...at(get(0), get(4), 2),
    ...I32_LOAD,
    ...tee(8),
    ...get(2),
    I32_ADD,
    ...I32_LOAD8_U,
    ...set(9),
    // pr = 1 / (1 + expNegMargin[i])
    ...f64c(1),
    ...f64c(1),
    ...at(get(1), get(8), 3),
    ...F64_LOAD,
    F64_ADD,
    F64_DIV,
    ...set(10),
    // w = yi ? posWeight : 1
    ...get(6),
    ...f64c(1),
    ...get(9),
    SELECT,
    ...set(11),
    // g = (pr - yi) * w; h = max(pr * (1 - pr), 1e-16) * w
    ...get(10),
    ...get(9),
    F64_CONVERT_I32_U,
    F64_SUB,
    ...get(11),
    F64_MUL,
    ...set(12),
    ...get(10),
    ...f64c(1),
    ...get(10),
    F64_SUB,
    F64_MUL,
    ...f64c(1e-16),
    F64_MAX,
    ...get(11),
    F64_MUL,
    ...set(13),
    // gh[2i] = g; gh[2i + 1] = h; G += g; H += h
    ...at(get(3), get(8), 4),
    ...get(12),
    ...F64_STORE,
    ...at(get(3), get(8), 4),
    ...get(13),
    ...F64_STORE_8,
    ...get(14),
    ...get(12),
    F64_ADD,
    ...set(14),
    ...get(15),
    ...get(13),
    F64_ADD,
    ...set(15),
  ]),
  // sums[0] = G; sums[1] = H
  ...get(7),
  ...get(14),
  ...F64_STORE,
  ...get(7),
  ...get(15),
  ...F64_STORE_8,
  END,
];

// subtract(a 0, b 1, end 2)
const subtractBody = [
  0x00,
  ...BLOCK,
  ...get(0),
  ...get(2),
  I32_GE_U,
  ...BR_IF(0),
  ...LOOP,
  ...get(0),
  ...get(0),
  ...V128_LOAD,
  ...get(1),
  ...V128_LOAD,
  ...F64X2_SUB,
  ...V128_STORE,
  ...bump(0, 16),
  ...bump(1, 16),
  ...get(0),
  ...get(2),
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
const funcType = (params: number[], results: number[]) => [
  0x60,
  ...uleb(params.length),
  ...params,
  ...uleb(results.length),
  ...results,
];
const code = (body: number[]) => [...uleb(body.length), ...body];

const i32s = (n: number) => new Array<number>(n).fill(I32);
const FUNCTIONS = [
  { name: 'hist', type: funcType(i32s(9), []), body: histBody },
  { name: 'partition', type: funcType(i32s(6), [I32]), body: partitionBody },
  { name: 'leaves', type: funcType([...i32s(6), F64, F64], []), body: leavesBody },
  { name: 'leaf', type: funcType([...i32s(4), F64], []), body: leafBody },
  { name: 'subtract', type: funcType(i32s(3), []), body: subtractBody },
  { name: 'gradients', type: funcType([...i32s(6), F64, I32], []), body: gradientsBody },
];

const MODULE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  // one type per function
  ...section(1, [...uleb(FUNCTIONS.length), ...FUNCTIONS.flatMap((f) => f.type)]),
  // import env.mem: memory, shared, min 1, max 65536 pages
  ...section(2, [0x01, ...name('env'), ...name('mem'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]),
  ...section(3, [...uleb(FUNCTIONS.length), ...FUNCTIONS.map((_, i) => i)]),
  ...section(7, [...uleb(FUNCTIONS.length), ...FUNCTIONS.flatMap((f, i) => [...name(f.name), 0x00, i])]),
  ...section(10, [...uleb(FUNCTIONS.length), ...FUNCTIONS.flatMap((f) => code(f.body))]),
]);

export interface WasmKernels {
  hist(
    histOff: number,
    binsOff: number,
    F: number,
    ghOff: number,
    idxOff: number,
    begin: number,
    end: number,
    fLo: number,
    fHi: number,
  ): void;
  partition(
    idxOff: number,
    colOff: number,
    dirOff: number,
    rightOff: number,
    begin: number,
    end: number,
  ): number;
  leaves(
    idxOff: number,
    colOff: number,
    dirOff: number,
    valueOff: number,
    begin: number,
    end: number,
    vl: number,
    vr: number,
  ): void;
  leaf(idxOff: number, valueOff: number, begin: number, end: number, v: number): void;
  subtract(aOff: number, bOff: number, endOff: number): void;
  gradients(
    idxOff: number,
    expNegMarginOff: number,
    yOff: number,
    ghOff: number,
    begin: number,
    end: number,
    posWeight: number,
    sumsOff: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernels on `memory`, or null where this runtime lacks WebAssembly SIMD or threads. */
export function wasmKernels(memory: WebAssembly.Memory): WasmKernels | null {
  if (compiled === null) return null;
  try {
    compiled ??= new WebAssembly.Module(MODULE);
    const instance = new WebAssembly.Instance(compiled, { env: { mem: memory } });
    return instance.exports as unknown as WasmKernels;
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
