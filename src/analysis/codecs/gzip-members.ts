// gzip member framing shared by both gunzip back ends (worker side, also Node for tests): header checks for
// finding where a member may start (RFC 1952 §2.3), and the mapping of decoder failures to CodecError codes.
import { CodecError } from './codec-error.ts';

/** Smallest possible member: 10-byte header, 2-byte empty deflate stream, 8-byte trailer. */
export const MIN_MEMBER_BYTES = 20;

/** Bytes of a header needed to judge a candidate member start: ID1 ID2 CM FLG MTIME(4) XFL OS. */
export const HEADER_PROBE_BYTES = 10;

/**
 * Whether a member header may start at buf[p], judged on the bytes available (fewer than ten at the end of a
 * chunk means "maybe"). Strict on purpose: a false candidate costs a decoder round trip, a missed one an error.
 * XFL is 0, 2 or 4 and OS is 0-13 or 255 for every encoder we know (gzip, zlib, Go, pigz, Java).
 */
export function mayStartMember(buf: Uint8Array, p: number): boolean {
  const n = buf.length - p;
  if (n < 1 || buf[p] !== 0x1f) return false;
  if (n >= 2 && buf[p + 1] !== 0x8b) return false;
  if (n >= 3 && buf[p + 2] !== 8) return false;
  if (n >= 4 && (buf[p + 3]! & 0xe0) !== 0) return false;
  if (n >= 9) {
    const xfl = buf[p + 8]!;
    if (xfl !== 0 && xfl !== 2 && xfl !== 4) return false;
  }
  if (n >= 10) {
    const os = buf[p + 9]!;
    if (os > 13 && os !== 255) return false;
  }
  return true;
}

/** Whether `buf` starts with the gzip magic (checked on the first member only; later ones by mayStartMember). */
export function hasGzipMagic(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Maps a decoder's failure (zlib/pako message or a DecompressionStream TypeError) to a CodecError. */
export function toGzipError(cause: unknown, where: string): CodecError {
  if (cause instanceof CodecError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/trunc|unexpected end|premature|incomplete/i.test(message)) {
    return new CodecError('GZIP_TRUNCATED', `gzip data truncated ${where}: ${message}`);
  }
  if (/junk|extra bytes|after the end|trailing/i.test(message)) {
    return new CodecError('GZIP_TRAILING_DATA', `unexpected data after the last gzip member ${where}: ${message}`);
  }
  return new CodecError('GZIP_CORRUPT', `gzip data corrupt ${where}: ${message}`);
}

/** The warning for zero padding after the last member (hardening T23): tolerated, never silent. */
export function warnTrailingZeros(onWarning: ((code: string, message: string) => void) | undefined, zeros: number, offset: number): void {
  onWarning?.('GZIP_TRAILING_ZEROS', `${zeros} zero byte(s) of padding after the last gzip member at offset ${offset} were ignored`);
}
