// Compiling the checked-in WebAssembly modules (worker side, also Node): each is a base64 string in a generated .ts
// file (zstd-wasm-binary.ts, inflate-wasm-binary.ts), decoded and compiled once per realm by its codec.

/** Compiles a base64-encoded module; rejects where WebAssembly (or a feature it uses, e.g. SIMD) is unavailable. */
export async function compileBase64Wasm(base64: string): Promise<WebAssembly.Module> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return WebAssembly.compile(bytes);
}

/** Views of a module's memory, renewed whenever the memory has grown (growing detaches the old buffer). */
export class WasmHeap {
  private u8: Uint8Array;
  private u32: Uint32Array;

  constructor(private readonly memory: WebAssembly.Memory) {
    this.u8 = new Uint8Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer);
  }

  bytes(): Uint8Array {
    this.renew();
    return this.u8;
  }

  words(): Uint32Array {
    this.renew();
    return this.u32;
  }

  /** The NUL-terminated UTF-8 string at `ptr`. */
  cString(ptr: number): string {
    const heap = this.bytes();
    let end = ptr;
    while (end < heap.length && heap[end] !== 0) end++;
    return new TextDecoder().decode(heap.subarray(ptr, end));
  }

  private renew(): void {
    if (this.u8.buffer === this.memory.buffer) return;
    this.u8 = new Uint8Array(this.memory.buffer);
    this.u32 = new Uint32Array(this.memory.buffer);
  }
}
