// Tar header field decoding (POSIX ustar, GNU, PAX records): numbers, strings, checksums. Pure.
// Numeric fields are octal ASCII or GNU base-256; a negative base-256 value is rejected (hardening T11).

export const BLOCK = 512;

/** Entry kinds shared by the tar reader, the layer index and the union tree. */
export const KIND = {
  file: 0,
  dir: 1,
  symlink: 2,
  hardlink: 3,
  char: 4,
  block: 5,
  fifo: 6,
  whiteout: 7,
  opaque: 8,
} as const;
export type KindCode = (typeof KIND)[keyof typeof KIND];
export const KIND_NAMES = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'whiteout', 'opaque'] as const;
export type KindName = (typeof KIND_NAMES)[number];

/** Reads a NUL-terminated field as text: ASCII fast path, UTF-8 otherwise (invalid bytes become U+FFFD). */
export function readString(buf: Uint8Array, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  let ascii = true;
  while (end < limit) {
    const c = buf[end]!;
    if (c === 0) break;
    if (c > 0x7f) ascii = false;
    end++;
  }
  if (end === start) return '';
  if (ascii) {
    // String.fromCharCode over a short subarray is faster than TextDecoder for header-sized names.
    return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(buf.subarray(start, end));
}

const utf8 = new TextDecoder('utf-8');

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * Parses a numeric header field. Returns -1 for an unparseable field and -2 for a negative base-256 value;
 * values above Number.MAX_SAFE_INTEGER return -3.
 */
export function readNumber(buf: Uint8Array, start: number, length: number): number {
  const first = buf[start]!;
  if (first & 0x80) {
    if (first === 0xff) return -2; // base-256 negative (two's complement, sign bit set)
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + buf[i]!;
      if (value > Number.MAX_SAFE_INTEGER) return -3;
    }
    return value;
  }
  let i = start;
  const end = start + length;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  if (i === end) return 0;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) return -1;
    value = value * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) if (buf[i] !== 0x20 && buf[i] !== 0) return -1;
  return digits === 0 ? 0 : value;
}

/** True when the checksum field matches the unsigned (or historical signed) sum of the header bytes. */
export function checksumMatches(buf: Uint8Array, start: number): boolean {
  const stored = readNumber(buf, start + 148, 8);
  if (stored < 0) return false;
  // The checksum field itself counts as eight spaces. Unsigned first (every modern writer); the historical
  // signed sum only when that fails.
  let unsigned = 8 * 0x20;
  const end = start + BLOCK;
  for (let i = start; i < start + 148; i++) unsigned += buf[i]!;
  for (let i = start + 156; i < end; i++) unsigned += buf[i]!;
  if (stored === unsigned) return true;
  let signed = 8 * 0x20;
  for (let i = start; i < end; i++) {
    if (i >= start + 148 && i < start + 156) continue;
    const b = buf[i]!;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === signed;
}

export function isZeroBlock(buf: Uint8Array, start: number): boolean {
  for (let i = start; i < start + BLOCK; i++) if (buf[i] !== 0) return false;
  return true;
}

/** PAX extended header records "LEN key=value\n" (POSIX pax). Errors name the offending record. */
export function parsePaxRecords(body: Uint8Array): { records: Map<string, string> } | { error: string } {
  const records = new Map<string, string>();
  let pos = 0;
  let guard = 0;
  while (pos < body.length) {
    if (++guard > 100000) return { error: 'PAX header has too many records' };
    if (body[pos] === 0) break; // NUL padding after the last record
    let len = 0;
    let p = pos;
    while (p < body.length && body[p] !== 0x20) {
      const c = body[p]!;
      if (c < 0x30 || c > 0x39 || p - pos > 8) return { error: 'PAX record length is not a decimal number' };
      len = len * 10 + (c - 0x30);
      p++;
    }
    if (len <= 0 || pos + len > body.length || body[pos + len - 1] !== 0x0a) return { error: 'PAX record length does not match its content' };
    const eq = body.indexOf(0x3d, p + 1);
    if (eq < 0 || eq >= pos + len) return { error: 'PAX record has no "="' };
    const key = decodeUtf8(body.subarray(p + 1, eq));
    let value = decodeUtf8(body.subarray(eq + 1, pos + len - 1));
    const nul = value.indexOf('\0');
    if (nul >= 0) value = value.slice(0, nul); // a NUL ends the value, as in C readers (hardening T10)
    records.set(key, value);
    pos += len;
  }
  return { records };
}

/** A PAX numeric value: decimal digits (optionally with a fraction for times); anything else is invalid. */
export function parsePaxInteger(value: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}
