// One gzip member or zstd frame decoded by a platform DecompressionStream (worker side): write with concurrent
// reads so neither side stalls, drain to quiescence before a boundary decision, close to confirm the end.
import { yieldMacrotask } from './abort.ts';

export type StreamPair = { readonly writable: WritableStream<BufferSource>; readonly readable: ReadableStream<Uint8Array> };

const EMPTY = Symbol('empty');
const WRITTEN = Symbol('written');
/** Largest piece to write at once: bounds what a native stream holds for one write (deflate expands ≤ 1032:1). */
export const MAX_PIECE = 64 * 1024;

export class DsMember {
  /** Output bytes so far (compared with ISIZE modulo 2^32). */
  outBytes = 0;
  /** Compressed bytes written so far. */
  inBytes = 0;
  /** Output drained but not yet handed to the consumer. */
  readonly ready: Uint8Array[] = [];
  private readonly writer: WritableStreamDefaultWriter<BufferSource>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private pending: Promise<ReadableStreamReadResult<Uint8Array>>;
  private ended = false;

  constructor(stream: StreamPair) {
    this.writer = stream.writable.getWriter();
    this.reader = stream.readable.getReader();
    // A read is always outstanding: a TransformStream only runs its transform when its reader asks.
    this.pending = this.reader.read();
    this.pending.catch(() => undefined);
    this.writer.closed.catch(() => undefined);
  }

  /** Writes one piece (at most MAX_PIECE bytes), reading all the while; rejects with the stream's error. */
  async write(piece: Uint8Array): Promise<void> {
    const written = this.writer.write(piece as Uint8Array<ArrayBuffer>).then((): typeof WRITTEN => WRITTEN);
    written.catch(() => undefined);
    for (;;) {
      if (this.ended) {
        await written;
        break;
      }
      const r = await Promise.race([this.pending, written]);
      if (r === WRITTEN) break;
      this.take(r);
    }
    this.inBytes += piece.length;
  }

  /**
   * Collects all output the bytes written so far produce. A spec TransformStream enqueues a write's output
   * before the write resolves; a stream fed from a thread pool may deliver later, so wait until a macrotask
   * passes without new output.
   */
  async settle(): Promise<void> {
    await this.drainQueued();
    for (let round = 0; round < 64; round++) {
      const before = this.outBytes;
      await yieldMacrotask();
      await this.drainQueued();
      if (this.outBytes === before) return;
    }
  }

  /** Closes the writable side and reads to the end; rejects if the member is incomplete or corrupt. */
  async close(): Promise<void> {
    const closed = this.writer.close();
    closed.catch(() => undefined);
    while (!this.ended) this.take(await this.pending);
    await closed;
  }

  /** Abandons the stream (early return, abort or error elsewhere). */
  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.writer.abort().catch(() => undefined);
    this.reader.cancel().catch(() => undefined);
  }

  takeReady(): Uint8Array[] {
    return this.ready.splice(0, this.ready.length);
  }

  private async drainQueued(): Promise<void> {
    while (!this.ended) {
      // Already-settled promises win a race in argument order, so EMPTY means "nothing queued right now".
      const r = await Promise.race([this.pending, Promise.resolve(EMPTY)]);
      if (r === EMPTY) return;
      this.take(r);
    }
  }

  private take(r: ReadableStreamReadResult<Uint8Array>): void {
    if (r.done) {
      this.ended = true;
      return;
    }
    this.ready.push(r.value);
    this.outBytes += r.value.length;
    this.pending = this.reader.read();
    this.pending.catch(() => undefined);
  }
}
