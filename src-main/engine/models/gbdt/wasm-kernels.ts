// The trainer's hot loops in WebAssembly (with SIMD), on the trainer's shared memory, without
// bounds checks per element. Each does what its JavaScript twin (hist.ts, parallel.ts) does, in
// the same order, so the models are bit-identical; the JavaScript stays the fallback where
// WebAssembly SIMD or shared memory is missing. The source is kernels.wat (named locals,
// comments); `npm run build:kernels` compiles it into kernels-wasm.ts. Every address is a byte
// offset into the shared memory.
import { KERNELS_WASM } from './kernels-wasm';

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
    compiled ??= new WebAssembly.Module(KERNELS_WASM);
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
