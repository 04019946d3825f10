// The gzip member framing shared by the push decoders that drive an inflater themselves (gunzip-pako.ts,
// gunzip-inflate-wasm.ts; worker side, also Node): each member starts with the 1f 8b magic and is inflated to its
// exact end (Go's multistream semantics, T22); after the last one only zero padding is allowed, with a warning (T23);
// truncation and other trailing bytes are errors after the output decoded so far was handed out (T24).
import { CodecError } from './codec-error.ts';
import { hasGzipMagic, warnTrailingZeros } from './gzip-members.ts';

type Phase = 'header' | 'member' | 'zeros';

export abstract class MemberGunzip {
  private phase: Phase = 'header';
  /** members decoded to their end so far */
  protected members = 0;
  /** stream offset of the first byte of the buffer being pushed */
  protected consumed = 0;
  private carry: Uint8Array | undefined;
  private zeros = 0;

  constructor(private readonly onWarning?: (code: string, message: string) => void) {}

  /** Inflates buf from pos until the member ends (call memberEnded()) or the input runs out; returns the new position. */
  protected abstract inflate(buf: Uint8Array, pos: number): Generator<Uint8Array, number, undefined>;
  /** Readies the inflater for the next member (not called for the first). */
  protected abstract resetMember(): void;
  /** Hands out the output decoded and not yet yielded. */
  protected abstract flush(): Generator<Uint8Array, void, undefined>;
  /** Whether push() hands out what it decoded before it returns (else output waits until a buffer fills). */
  protected readonly flushEachPush: boolean = false;

  protected memberEnded(): void {
    this.members++;
    this.phase = 'header';
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
          if (this.flushEachPush) yield* this.flush();
          return;
        }
        if (!hasGzipMagic(buf.subarray(pos, pos + 2))) {
          if (this.members === 0) throw new CodecError('GZIP_CORRUPT', 'not a gzip stream (no 1f 8b magic at offset 0)');
          throw this.trailing(this.consumed + pos);
        }
        if (this.members > 0) this.resetMember();
        this.phase = 'member';
      }
      pos = yield* this.inflate(buf, pos);
    }
    this.consumed += buf.length;
    if (this.flushEachPush) yield* this.flush();
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

  private trailing(offset: number): CodecError {
    return new CodecError('GZIP_TRAILING_DATA', `unexpected non-gzip data after gzip member ${this.members} at offset ${offset}`);
  }
}
