// Member-aware gzip decoding on pako's zlib port (worker side; the fallback where DecompressionStream is
// missing or accepts trailing data silently, as Node 20's does). Knows every member boundary exactly, so it
// decodes multi-member streams fully (Go's multistream semantics, hardening T22), tolerates zero padding
// with a warning (T23) and reports truncation and bad CRC/ISIZE after yielding what was decoded (T24).
import { ZStream, Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, Z_STREAM_END, zlibInflate, zlibInflateInit2, zlibInflateReset } from 'pako';
import { MemberGunzip } from './gzip-member-decoder.ts';
import { toGzipError } from './gzip-members.ts';

const OUT_CHUNK = 64 * 1024;
/** windowBits 15 plus 16: gzip wrapper only, with CRC32 and ISIZE checked by the inflater. */
const GZIP_WINDOW_BITS = 31;

/** A push decoder: push() and finish() are generators so output leaves in 64 KiB pieces as it is made. */
export class PakoGunzip extends MemberGunzip {
  private readonly strm = new ZStream();

  constructor(onWarning?: (code: string, message: string) => void) {
    super(onWarning);
    this.strm.avail_out = 0;
    zlibInflateInit2(this.strm, GZIP_WINDOW_BITS);
  }

  protected resetMember(): void {
    zlibInflateReset(this.strm);
  }

  protected *inflate(buf: Uint8Array, pos: number): Generator<Uint8Array, number, undefined> {
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
        this.memberEnded();
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
  protected *flush(): Generator<Uint8Array, void, undefined> {
    const strm = this.strm;
    if (strm.next_out > 0) {
      const out = strm.next_out === strm.output.length ? strm.output : strm.output.subarray(0, strm.next_out);
      strm.avail_out = 0;
      strm.next_out = 0;
      yield out;
    }
  }

}
