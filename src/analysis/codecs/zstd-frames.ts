// A zstd frame walker (worker side): follows frame and block headers without decoding (RFC 8878 §3.1), so
// decoders without a window limit (fzstd) or without multi-frame support (a per-frame native stream) can be
// given one checked frame at a time. It rejects a frame whose window exceeds the limit before any decoder
// sees the window descriptor (hardening T20) and skips skippable frames (T21).
import { CodecError } from './codec-error.ts';

const ZSTD_MAGIC = 0xfd2fb528;
export const ZSTD_MAGIC_BYTES = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd);

export type FrameEvent =
  | { readonly kind: 'start' }
  | { readonly kind: 'data'; readonly start: number; readonly end: number }
  | { readonly kind: 'end' };

/** What scan() found in one chunk; `failed` is set when the chunk is bad from offset `failedAt` on. */
export type FrameScan = { readonly events: FrameEvent[]; readonly failed?: CodecError; readonly failedAt: number };

type State = 'magic' | 'skip-size' | 'skip-body' | 'header' | 'block-header' | 'block-body' | 'checksum';

export class ZstdFrameWalker {
  private state: State = 'magic';
  private readonly hdr = new Uint8Array(18);
  private hdrLen = 0;
  private hdrNeed = 4;
  private left = 0;
  private lastBlock = false;
  private checksum = false;
  private offset = 0;
  private frames = 0;
  /** Block_Maximum_Size of the current frame: min(Window_Size, 128 KiB) (RFC 8878 §3.1.1.2.3). */
  private blockMax = 128 * 1024;
  private readonly maxWindowBytes: number;

  constructor(maxWindowBytes: number) {
    this.maxWindowBytes = maxWindowBytes;
  }

  /** Whether the input so far ends exactly between frames. */
  get atFrameBoundary(): boolean {
    return this.state === 'magic' && this.hdrLen === 0;
  }

  get framesSeen(): number {
    return this.frames;
  }

  scan(chunk: Uint8Array): FrameScan {
    const events: FrameEvent[] = [];
    let dataStart = -1;
    const openData = (at: number) => { if (dataStart < 0) dataStart = at; };
    const closeData = (at: number) => {
      if (dataStart >= 0 && at > dataStart) events.push({ kind: 'data', start: dataStart, end: at });
      dataStart = -1;
    };
    let i = 0;
    try {
      while (i < chunk.length) {
        switch (this.state) {
          case 'magic':
          case 'skip-size':
          case 'header':
          case 'block-header': {
            if (this.state !== 'magic' && this.state !== 'skip-size') openData(i);
            const take = Math.min(this.hdrNeed - this.hdrLen, chunk.length - i);
            this.hdr.set(chunk.subarray(i, i + take), this.hdrLen);
            this.hdrLen += take;
            i += take;
            if (this.hdrLen === this.hdrNeed) this.onHeaderBytes(events, i, closeData);
            break;
          }
          case 'skip-body': {
            const take = Math.min(this.left, chunk.length - i);
            i += take;
            this.left -= take;
            if (this.left === 0) this.expectMagic();
            break;
          }
          case 'block-body':
          case 'checksum': {
            openData(i);
            const take = Math.min(this.left, chunk.length - i);
            i += take;
            this.left -= take;
            if (this.left === 0) this.afterBody(events, i, closeData);
            break;
          }
        }
      }
      closeData(chunk.length);
      this.offset += chunk.length;
      return { events, failedAt: chunk.length };
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      closeData(i - 1);
      this.offset += chunk.length;
      return { events, failed: e, failedAt: Math.max(0, i - 1) };
    }
  }

  /** Call at the end of input: an error if the input stopped inside a frame or held no frame at all. */
  finish(): CodecError | undefined {
    if (!this.atFrameBoundary) return new CodecError('ZSTD_TRUNCATED', `zstd data truncated: the stream ends inside frame ${this.frames + 1} at offset ${this.offset}`);
    if (this.frames === 0) return new CodecError('ZSTD_TRUNCATED', 'zstd data truncated: the stream holds no frame');
    return undefined;
  }

  private expectMagic(): void {
    this.state = 'magic';
    this.hdrLen = 0;
    this.hdrNeed = 4;
  }

  private onHeaderBytes(events: FrameEvent[], i: number, closeData: (at: number) => void): void {
    const h = this.hdr;
    switch (this.state) {
      case 'magic': {
        const magic = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) {
          events.push({ kind: 'start' });
          this.state = 'header';
          this.hdrLen = 0;
          this.hdrNeed = 1;
        } else if ((magic & 0xfffffff0) === 0x184d2a50) {
          this.state = 'skip-size';
          this.hdrLen = 0;
          this.hdrNeed = 4;
        } else {
          throw new CodecError('ZSTD_CORRUPT', `zstd data corrupt: unknown frame magic 0x${magic.toString(16)} at offset ${this.offset + i - 4}`);
        }
        return;
      }
      case 'skip-size':
        this.left = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        this.frames++;
        if (this.left === 0) this.expectMagic();
        else this.state = 'skip-body';
        return;
      case 'header': {
        const fhd = h[0]!;
        if (this.hdrNeed === 1) {
          if (fhd & 0x08) throw new CodecError('ZSTD_CORRUPT', `zstd data corrupt: reserved frame header bit set at offset ${this.offset + i - 1}`);
          const single = (fhd >> 5) & 1;
          const fcsFlag = fhd >> 6;
          const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
          const dictBytes = [0, 1, 2, 4][fhd & 3]!;
          this.hdrNeed = 1 + (single ? 0 : 1) + dictBytes + fcsBytes;
          if (this.hdrLen < this.hdrNeed) return;
        }
        this.checkWindow(i);
        this.checksum = ((fhd >> 2) & 1) === 1;
        this.hdrLen = 0;
        this.hdrNeed = 3;
        this.state = 'block-header';
        return;
      }
      case 'block-header': {
        const bh = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        this.lastBlock = (bh & 1) === 1;
        const type = (bh >> 1) & 3;
        const size = bh >>> 3;
        if (type === 3) throw new CodecError('ZSTD_CORRUPT', `zstd data corrupt: reserved block type at offset ${this.offset + i - 3}`);
        // libzstd refuses larger blocks; fzstd would decode an RLE block of up to 2 MiB from 4 bytes.
        if (size > this.blockMax) throw new CodecError('ZSTD_CORRUPT', `zstd data corrupt: a ${size}-byte block is above Block_Maximum_Size ${this.blockMax} at offset ${this.offset + i - 3}`);
        this.left = type === 1 ? 1 : size;
        this.state = 'block-body';
        if (this.left === 0) this.afterBody(events, i, closeData);
        return;
      }
      default:
        return;
    }
  }

  private afterBody(events: FrameEvent[], i: number, closeData: (at: number) => void): void {
    if (this.state === 'block-body' && !this.lastBlock) {
      this.state = 'block-header';
      this.hdrLen = 0;
      this.hdrNeed = 3;
      return;
    }
    if (this.state === 'block-body' && this.checksum) {
      this.state = 'checksum';
      this.left = 4;
      return;
    }
    closeData(i);
    events.push({ kind: 'end' });
    this.frames++;
    this.expectMagic();
  }

  /** Window_Size per RFC 8878 §3.1.1.1.2, or the content size of a single-segment frame. */
  private checkWindow(i: number): void {
    const h = this.hdr;
    const fhd = h[0]!;
    const single = (fhd >> 5) & 1;
    let windowSize: number;
    if (!single) {
      const wd = h[1]!;
      const base = 2 ** (10 + (wd >> 3));
      windowSize = base + (base / 8) * (wd & 7);
    } else {
      const fcsFlag = fhd >> 6;
      const at = 1 + [0, 1, 2, 4][fhd & 3]!;
      windowSize = 0;
      const n = fcsFlag === 0 ? 1 : 1 << fcsFlag;
      for (let k = n - 1; k >= 0; k--) windowSize = windowSize * 256 + h[at + k]!;
      if (fcsFlag === 1) windowSize += 256;
    }
    this.blockMax = Math.min(windowSize, 128 * 1024);
    if (windowSize > this.maxWindowBytes) {
      throw new CodecError('ZSTD_WINDOW_TOO_LARGE', `zstd frame ${this.frames + 1} at offset ${this.offset + i - this.hdrNeed - 4} requires too much memory: a ${windowSize}-byte window is above the ${this.maxWindowBytes}-byte limit`);
    }
  }
}
