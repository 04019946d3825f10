// Member-aware gzip decoding on pako's zlib port (worker side; the fallback where DecompressionStream is
// missing or accepts trailing data silently, as Node 20's does). Knows every member boundary exactly, so it
// decodes multi-member streams fully (Go's multistream semantics, hardening T22), tolerates zero padding
// with a warning (T23) and reports truncation and bad CRC/ISIZE after yielding what was decoded (T24).
import { ZStream, Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateInit2, zlibInflateReset } from 'pako';
import { CodecError } from './codec-error.ts';
import { hasGzipMagic, toGzipError, warnTrailingZeros } from './gzip-members.ts';

const OUT_CHUNK = 64 * 1024;
/** windowBits 15 plus 16: gzip wrapper only, with CRC32 and ISIZE checked by the inflater. */
const GZIP_WINDOW_BITS = 31;

type Phase = 'header' | 'member' | 'zeros';

/** A push decoder: push() and finish() are generators so output leaves in 64 KiB pieces as it is made. */
export class PakoGunzip {
  private readonly strm = new ZStream();
  private phase: Phase = 'header';
  private members = 0;
  private carry: Uint8Array | undefined;
  private consumed = 0;
  private zeros = 0;
  private readonly onWarning: ((code: string, message: string) => void) | undefined;

  constructor(onWarning?: (code: string, message: string) => void) {
    this.onWarning = onWarning;
    this.strm.avail_out = 0;
    zlibInflateInit2(this.strm, GZIP_WINDOW_BITS);
  }

  *push(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    let buf = chunk;
    if (this.carry) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.consumed -= this.carry.length;
      this.carry = undefined;
    }
    let pos = 0;
    while (pos < buf.length) {
      if (this.phase === 'zeros') {
        for (; pos < buf.length; pos++) {
          if (buf[pos] !== 0) throw this.trailing(this.consumed + pos);
          this.zeros++;
        }
        break;
      }
      if (this.phase === 'header') {
        if (this.members > 0 && buf[pos] === 0) {
          this.phase = 'zeros';
          continue;
        }
        if (buf.length - pos < 2) {
          this.carry = buf.slice(pos);
          this.consumed += pos + this.carry.length;
          return;
        }
        if (!hasGzipMagic(buf.subarray(pos, pos + 2))) {
          if (this.members === 0) throw new CodecError('GZIP_CORRUPT', 'not a gzip stream (no 1f 8b magic at offset 0)');
          throw this.trailing(this.consumed + pos);
        }
        if (this.members > 0) zlibInflateReset(this.strm);
        this.phase = 'member';
      }
      pos = yield* this.inflate(buf, pos);
    }
    this.consumed += buf.length;
  }

  *finish(): Generator<Uint8Array, void, undefined> {
    yield* this.flush();
    if (this.phase === 'member') {
      throw new CodecError('GZIP_TRUNCATED', `gzip data truncated: member ${this.members + 1} ends early at offset ${this.consumed}`);
    }
    if (this.members === 0) throw new CodecError('GZIP_TRUNCATED', 'gzip data truncated: the stream is empty');
    if (this.carry) {
      throw this.carry[0] === 0x1f
        ? new CodecError('GZIP_TRUNCATED', `gzip data truncated inside a member header at offset ${this.consumed - 1}`)
        : this.trailing(this.consumed - 1);
    }
    if (this.zeros > 0) warnTrailingZeros(this.onWarning, this.zeros, this.consumed - this.zeros);
  }

  /** Inflates buf from pos until the member ends or the input runs out; returns the new position. */
  private *inflate(buf: Uint8Array, pos: number): Generator<Uint8Array, number, undefined> {
    const strm = this.strm;
    strm.input = buf;
    strm.next_in = pos;
    strm.avail_in = buf.length - pos;
    for (;;) {
      if (strm.avail_out === 0) {
        strm.output = new Uint8Array(OUT_CHUNK);
        strm.next_out = 0;
        strm.avail_out = OUT_CHUNK;
      }
      const status = zlibInflate(strm, Z_NO_FLUSH);
      if (status === Z_STREAM_END) {
        this.members++;
        this.phase = 'header';
        yield* this.flush();
        return strm.next_in;
      }
      if (status !== Z_OK && status !== Z_BUF_ERROR) {
        const at = this.consumed + strm.next_in;
        yield* this.flush();
        throw toGzipError(new Error(strm.msg || `zlib status ${status}`), `in member ${this.members + 1} near offset ${at}`);
      }
      if (strm.avail_out === 0) {
        const full = strm.output;
        strm.next_out = 0;
        yield full;
        continue;
      }
      if (strm.avail_in === 0) return buf.length;
    }
  }

  /** Hands out the partly filled output buffer; the next inflate call gets a fresh one. */
  private *flush(): Generator<Uint8Array, void, undefined> {
    const strm = this.strm;
    if (strm.next_out > 0) {
      const out = strm.next_out === strm.output.length ? strm.output : strm.output.subarray(0, strm.next_out);
      strm.avail_out = 0;
      strm.next_out = 0;
      yield out;
    }
  }

  private trailing(offset: number): CodecError {
    return new CodecError('GZIP_TRAILING_DATA', `unexpected non-gzip data after gzip member ${this.members} at offset ${offset}`);
  }
}
