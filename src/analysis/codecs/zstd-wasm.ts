// libzstd's streaming decoder compiled to WebAssembly (worker side, also Node): zstd-wasm/zstd-glue.c built
// by zstd-wasm/build-zstd-wasm.sh. One instance per stream, so each stream's window memory goes with it.
// Multiple frames, skippable frames and content checksums are libzstd's own behaviour (RFC 8878).
import { CodecError } from './codec-error.ts';
import { compileBase64Wasm, WasmHeap } from './wasm-module.ts';
import { ZSTD_WASM_BASE64 } from './zstd-wasm-binary.ts';

type ZstdExports = {
  readonly memory: WebAssembly.Memory;
  zs_in_ptr(): number;
  zs_out_ptr(): number;
  zs_state_ptr(): number;
  zs_in_cap(): number;
  zs_out_cap(): number;
  zs_init(windowLogMax: number): number;
  zs_step(inSize: number, inPos: number, outPos: number): number;
  zs_error_name(code: number): number;
};

/** ZSTD_ErrorCode values from zstd_errors.h that get their own CodecError code. */
const ERROR_WINDOW_TOO_LARGE = 16;
const ERROR_MEMORY_ALLOCATION = 64;

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles the module once per realm; rejects where WebAssembly (or its SIMD) is unavailable or forbidden. */
export function compileZstdWasm(): Promise<WebAssembly.Module> {
  compiled ??= compileBase64Wasm(ZSTD_WASM_BASE64);
  return compiled;
}

export class WasmZstdDecoder {
  private readonly x: ZstdExports;
  private readonly mem: WasmHeap;
  private readonly inPtr: number;
  private readonly outPtr: number;
  private readonly statePtr: number;
  private readonly inCap: number;
  private readonly outCap: number;
  private frameOpen = false;
  private sawInput = false;
  private consumed = 0;
  /** Bytes of decoded output waiting in the module's output buffer. */
  private outLen = 0;

  constructor(module: WebAssembly.Module, windowLogMax: number) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as ZstdExports;
    const rc = this.x.zs_init(windowLogMax);
    if (rc !== 0) throw this.error(rc);
    this.mem = new WasmHeap(this.x.memory);
    this.inPtr = this.x.zs_in_ptr();
    this.outPtr = this.x.zs_out_ptr();
    this.statePtr = this.x.zs_state_ptr();
    this.inCap = this.x.zs_in_cap();
    this.outCap = this.x.zs_out_cap();
  }

  /**
   * Decodes a chunk. Output collects in the module's output buffer and is yielded (one copy, an owned Uint8Array)
   * each time that buffer fills; flush() or finish() yields the rest.
   */
  *push(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    if (chunk.length > 0) this.sawInput = true;
    const state = this.statePtr >>> 2;
    for (let at = 0; at < chunk.length;) {
      const n = Math.min(this.inCap, chunk.length - at);
      this.mem.bytes().set(chunk.subarray(at, at + n), this.inPtr);
      let pos = 0;
      for (;;) {
        const before = pos;
        const held = this.outLen;
        const rc = this.x.zs_step(n, pos, this.outLen);
        const words = this.mem.words();
        pos = words[state]!;
        this.outLen = words[state + 1]!;
        if (rc < 0) {
          yield* this.flush();
          throw this.error(-rc, this.consumed + at + pos);
        }
        this.frameOpen = rc !== 0;
        const full = this.outLen >= this.outCap;
        // libzstd always consumes input or produces output while it has room: never spin if it does neither.
        if (pos === before && this.outLen === held && pos < n && !full) {
          throw new CodecError('ZSTD_CORRUPT', `zstd decoder made no progress near offset ${this.consumed + at + pos}`);
        }
        if (full) yield this.take();
        // A full output buffer may hide more output, unless the frame just completed (libzstd returned 0).
        if (pos >= n && (!full || !this.frameOpen)) break;
      }
      at += n;
    }
    this.consumed += chunk.length;
  }

  /** Yields the output decoded so far and not yet yielded (push() holds up to one output buffer back). */
  *flush(): Generator<Uint8Array, void, undefined> {
    if (this.outLen > 0) yield this.take();
  }

  /** Ends the stream: yields the held output, then checks that the input did not stop inside a frame. */
  *finish(): Generator<Uint8Array, void, undefined> {
    yield* this.flush();
    if (!this.sawInput) throw new CodecError('ZSTD_TRUNCATED', 'zstd data truncated: the stream is empty');
    if (this.frameOpen) throw new CodecError('ZSTD_TRUNCATED', `zstd data truncated: the stream ends inside a frame at offset ${this.consumed}`);
  }

  private take(): Uint8Array {
    const out = this.mem.bytes().slice(this.outPtr, this.outPtr + this.outLen);
    this.outLen = 0;
    return out;
  }


  private error(code: number, offset?: number): CodecError {
    const at = offset === undefined ? '' : ` near offset ${offset}`;
    const name = this.errorName(code);
    if (code === ERROR_WINDOW_TOO_LARGE || code === ERROR_MEMORY_ALLOCATION) {
      return new CodecError('ZSTD_WINDOW_TOO_LARGE', `zstd frame requires too much memory for decoding${at}: ${name}`);
    }
    return new CodecError('ZSTD_CORRUPT', `zstd data corrupt${at}: ${name}`);
  }

  private errorName(code: number): string {
    return this.mem.cString(this.x.zs_error_name(code));
  }
}
