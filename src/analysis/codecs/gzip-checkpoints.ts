// Random access into a gzip blob (worker side; also Node): while inflating, record a checkpoint about every `span`
// uncompressed bytes at a DEFLATE block boundary — compressed offset, bit offset, uncompressed offset and the 32 KiB
// window — and later inflate from the nearest checkpoint over one byte range. The zran technique of zlib's
// examples/zran.c, on pako's low-level inflate (Z_BLOCK, data_type, setDictionary; inflatePrime done by hand).
import {
  ZStream, Z_BLOCK, Z_NO_FLUSH, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateInit2, zlibInflateReset, zlibInflateSetDictionary,
} from 'pako';

export const WINDOW_BYTES = 32 * 1024;
export const DEFAULT_SPAN = 4 * 1024 * 1024;
const OUT_BYTES = 64 * 1024;

export type GzipCheckpoint = {
  /** first compressed byte not fully consumed at the block boundary */
  readonly compressedOffset: number;
  /** bits of the byte before compressedOffset still unused (0–7) */
  readonly bits: number;
  readonly uncompressedOffset: number;
  /** the last ≤ 32 KiB of output before the boundary: the dictionary to resume with */
  readonly window: Uint8Array;
};

export type GzipCheckpointIndex = {
  readonly span: number;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly checkpoints: readonly GzipCheckpoint[];
};

type PakoState = { hold: number; bits: number };

/** Checkpoints kept per layer at most: past this the span doubles and every other one is dropped (≤ 16 MiB of windows). */
export const MAX_CHECKPOINTS = 512;

/**
 * Collects the checkpoints a gzip back end records while a layer streams (gunzip-inflate-wasm.ts; back ends that
 * cannot record leave `recording` false). Memory stays bounded: the span doubles whenever MAX_CHECKPOINTS is reached.
 */
export class CheckpointCollector {
  /** set by the back end that records */
  recording = false;
  private readonly marks: GzipCheckpoint[] = [];
  private last = 0;

  constructor(public span = DEFAULT_SPAN) {}

  /** Whether a checkpoint is due once `produced` uncompressed bytes have come out. */
  due(produced: number): boolean {
    return produced - this.last >= this.span;
  }

  add(checkpoint: GzipCheckpoint): void {
    this.marks.push(checkpoint);
    this.last = checkpoint.uncompressedOffset;
    if (this.marks.length < MAX_CHECKPOINTS) return;
    this.span *= 2;
    let kept = 0;
    let at = -Infinity;
    for (const c of this.marks) {
      if (c.uncompressedOffset - at < this.span) continue;
      this.marks[kept++] = c;
      at = c.uncompressedOffset;
    }
    this.marks.length = kept;
  }

  /** The index of a stream that decoded to its end; undefined when the back end did not record. */
  index(compressedBytes: number, uncompressedBytes: number): GzipCheckpointIndex | undefined {
    return this.recording ? { span: this.span, compressedBytes, uncompressedBytes, checkpoints: this.marks } : undefined;
  }
}

/** Inflates a gzip stream (one or more members) chunk by chunk and records checkpoints as it goes. */
export class GzipCheckpointRecorder {
  private readonly strm = new ZStream();
  private readonly ring = new Uint8Array(WINDOW_BYTES);
  private consumed = 0;
  private produced = 0;
  private last = 0;
  private readonly checkpoints: GzipCheckpoint[] = [];
  private ended = false;

  constructor(private readonly span = DEFAULT_SPAN) {
    zlibInflateInit2(this.strm, 31);
    this.strm.output = new Uint8Array(OUT_BYTES);
  }

  /** Feeds compressed bytes; returns the uncompressed pieces they produced (fresh copies). */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const s = this.strm;
    s.input = chunk;
    s.next_in = 0;
    s.avail_in = chunk.length;
    while (s.avail_in > 0) {
      if (this.ended) {
        // Another gzip member follows (multistream, as Go and gzip -d read it).
        zlibInflateReset(s);
        this.ended = false;
      }
      const before = s.avail_in;
      s.next_out = 0;
      s.avail_out = OUT_BYTES;
      const ret = zlibInflate(s, Z_BLOCK);
      this.consumed += before - s.avail_in;
      if (s.next_out > 0) {
        const piece = s.output.slice(0, s.next_out);
        this.remember(piece);
        out.push(piece);
      }
      if (ret === Z_STREAM_END) {
        this.ended = true;
        continue;
      }
      if (ret !== Z_OK && !(ret === -5 && s.avail_in === 0)) throw new Error(`gzip: ${s.msg || `inflate error ${ret}`}`);
      // Block boundary (bit 128) that is not the end of the last block (bit 64): a place to resume from.
      if ((s.data_type & 128) !== 0 && (s.data_type & 64) === 0 && this.produced - this.last >= this.span) this.mark(s.data_type & 7);
    }
    return out;
  }

  finish(): GzipCheckpointIndex {
    if (!this.ended) throw new Error('gzip: the stream ended before the end of the last member');
    return { span: this.span, compressedBytes: this.consumed, uncompressedBytes: this.produced, checkpoints: this.checkpoints };
  }

  private remember(piece: Uint8Array): void {
    const tail = piece.length > WINDOW_BYTES ? piece.subarray(piece.length - WINDOW_BYTES) : piece;
    const at = (this.produced + piece.length - tail.length) % WINDOW_BYTES;
    const first = Math.min(tail.length, WINDOW_BYTES - at);
    this.ring.set(tail.subarray(0, first), at);
    this.ring.set(tail.subarray(first), 0);
    this.produced += piece.length;
  }

  private mark(bits: number): void {
    const size = Math.min(WINDOW_BYTES, this.produced);
    const window = new Uint8Array(size);
    const end = this.produced % WINDOW_BYTES;
    // The ring holds the last `size` bytes ending at `end` (wrapping).
    const headLen = Math.min(size, end);
    window.set(this.ring.subarray(WINDOW_BYTES - (size - headLen), WINDOW_BYTES), 0);
    window.set(this.ring.subarray(end - headLen, end), size - headLen);
    this.checkpoints.push({ compressedOffset: this.consumed, bits, uncompressedOffset: this.produced, window });
    this.last = this.produced;
  }
}

/** The checkpoint to start from for `offset` and the compressed byte range [start, end) that covers `length` bytes. */
export function planRead(index: GzipCheckpointIndex, offset: number, length: number): { from: GzipCheckpoint | undefined; start: number; end: number } {
  let from: GzipCheckpoint | undefined;
  let next: GzipCheckpoint | undefined;
  for (const c of index.checkpoints) {
    if (c.uncompressedOffset <= offset) from = c;
    else if (c.uncompressedOffset >= offset + length) {
      next = c;
      break;
    }
  }
  const start = from ? from.compressedOffset - (from.bits > 0 ? 1 : 0) : 0;
  // The block that ends at `next` may need the byte holding its last bits.
  const end = next ? Math.min(index.compressedBytes, next.compressedOffset + 1) : index.compressedBytes;
  return { from, start, end };
}

/**
 * Inflates from `from` (or the stream start) over compressed bytes beginning at planRead's `start`, and returns
 * uncompressed [offset, offset + length). Stops reading as soon as the range is complete.
 */
export async function readFromCheckpoint(from: GzipCheckpoint | undefined, compressed: AsyncIterable<Uint8Array>, offset: number, length: number): Promise<Uint8Array> {
  const strm = new ZStream();
  strm.output = new Uint8Array(OUT_BYTES);
  let position = from?.uncompressedOffset ?? 0;
  let primed = from === undefined || from.bits === 0;
  zlibInflateInit2(strm, from ? -15 : 31);
  if (from) zlibInflateSetDictionary(strm, from.window);
  const result = new Uint8Array(length);
  let filled = 0;
  let skipTrailer = 0;
  for await (let chunk of compressed) {
    if (!primed && from) {
      // inflatePrime: the unused high bits of the byte before the boundary go into the bit buffer first.
      const state = strm.state as PakoState;
      state.hold = chunk[0]! >> (8 - from.bits);
      state.bits = from.bits;
      chunk = chunk.subarray(1);
      primed = true;
    }
    strm.input = chunk;
    strm.next_in = 0;
    strm.avail_in = chunk.length;
    while (strm.avail_in > 0 && filled < length) {
      if (skipTrailer > 0) {
        const n = Math.min(skipTrailer, strm.avail_in);
        strm.next_in += n;
        strm.avail_in -= n;
        skipTrailer -= n;
        if (skipTrailer === 0) zlibInflateInit2(strm, 31);
        continue;
      }
      strm.next_out = 0;
      strm.avail_out = OUT_BYTES;
      const ret = zlibInflate(strm, Z_NO_FLUSH);
      const got = strm.next_out;
      const lo = Math.max(0, offset - position);
      const hi = Math.min(got, offset + length - position);
      if (hi > lo) {
        result.set(strm.output.subarray(lo, hi), filled);
        filled += hi - lo;
      }
      position += got;
      if (ret === Z_STREAM_END) {
        // A raw resume ends at the member's end: skip its 8-byte trailer, then read the next member as gzip.
        if ((strm.state as { wrap: number }).wrap === 0) skipTrailer = 8;
        else zlibInflateReset(strm);
        continue;
      }
      if (ret !== Z_OK && ret !== -5) throw new Error(`gzip: ${strm.msg || `inflate error ${ret}`}`);
    }
    if (filled >= length) break;
  }
  if (filled < length) throw new Error(`gzip: the compressed range ended after ${filled} of ${length} bytes`);
  return result;
}
