// Finds where a gzip member header (1f 8b 08) may start in a compressed chunk (worker side). Every byte of a
// gzip layer passes through this, so it uses the SIMD search in the libzstd WebAssembly module (several times
// faster than Uint8Array.indexOf, which cost ~12% of gunzip time), with indexOf where WebAssembly is missing.
import { compileZstdWasm } from './zstd-wasm.ts';

/** Positions p < end in buf where 1f 8b 08 starts (the caller judges the rest of the header). */
export type MagicScanner = (buf: Uint8Array, end: number) => number[];

type ScanExports = {
  readonly memory: WebAssembly.Memory;
  zs_scan_buffer(capacity: number): number;
  zs_scan(length: number, from: number): number;
};

const WINDOW = 1 << 20;

export async function createMagicScanner(): Promise<MagicScanner> {
  let x: ScanExports;
  let ptr: number;
  try {
    x = new WebAssembly.Instance(await compileZstdWasm(), {}).exports as unknown as ScanExports;
    ptr = x.zs_scan_buffer(WINDOW);
    if (ptr === 0) return scanWithIndexOf;
  } catch {
    return scanWithIndexOf;
  }
  const heap = new Uint8Array(x.memory.buffer);
  return (buf, end) => {
    const found: number[] = [];
    const stop = Math.min(buf.length, end + 2);
    // Windows overlap by 2 bytes so a magic split across two windows is still seen.
    for (let w = 0; w + 3 <= stop; w += WINDOW - 2) {
      const length = Math.min(stop, w + WINDOW) - w;
      heap.set(buf.subarray(w, w + length), ptr);
      for (let p = x.zs_scan(length, 0); p !== -1 && w + p < end; p = x.zs_scan(length, p + 1)) found.push(w + p);
      if (w + length >= stop) break;
    }
    return found;
  };
}

function scanWithIndexOf(buf: Uint8Array, end: number): number[] {
  const found: number[] = [];
  for (let p = buf.indexOf(0x1f); p !== -1 && p < end; p = buf.indexOf(0x1f, p + 1)) {
    if (buf[p + 1] === 0x8b && buf[p + 2] === 8) found.push(p);
  }
  return found;
}
