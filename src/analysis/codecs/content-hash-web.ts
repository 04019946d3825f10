// Per-file content hash for the worker (also Node): XXH64 with seed 0 from the libzstd WebAssembly module,
// so identical bodies are recognised across layers. A thin wrapper: a file of a few hundred bytes costs
// about as much as its bytes (hash-wasm's xxhash64 wrapper costs ~2 µs per file; see bench/codecs-bench.ts).
import { createPortableContentHasher, type ContentHasher } from '../../core/layers/content-hash.ts';
import { WasmHeap } from './wasm-module.ts';
import { compileZstdWasm } from './zstd-wasm.ts';

export type { ContentHasher } from '../../core/layers/content-hash.ts';

type HashExports = {
  readonly memory: WebAssembly.Memory;
  zs_hash_ptr(): number;
  zs_hash_out_ptr(): number;
  zs_hash_cap(): number;
  zs_hash_reset(): void;
  zs_hash_update(length: number): void;
  zs_hash_digest(): void;
};

/**
 * An XXH64 content hasher; start/update/finish per file body, finish() gives [high, low] 32-bit halves.
 * Where WebAssembly is unavailable it falls back to core's portable hash (different values, same contract).
 */
export async function createContentHasherWeb(): Promise<ContentHasher> {
  let module: WebAssembly.Module;
  try {
    module = await compileZstdWasm();
  } catch {
    return createPortableContentHasher();
  }
  const x = new WebAssembly.Instance(module, {}).exports as unknown as HashExports;
  const ptr = x.zs_hash_ptr();
  const outWord = x.zs_hash_out_ptr() >>> 2;
  const cap = x.zs_hash_cap();
  const mem = new WasmHeap(x.memory);
  return {
    start() {
      x.zs_hash_reset();
    },
    update(bytes, start, end) {
      for (let at = start; at < end; at += cap) {
        const n = Math.min(cap, end - at);
        mem.bytes().set(n === bytes.length ? bytes : bytes.subarray(at, at + n), ptr);
        x.zs_hash_update(n);
      }
    },
    finish() {
      x.zs_hash_digest();
      const words = mem.words();
      return [words[outWord]!, words[outWord + 1]!];
    },
  };
}
