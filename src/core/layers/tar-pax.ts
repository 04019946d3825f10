// The rules of PAX `x` headers and GNU meta bodies applied to the next tar entry (POSIX pax, GNU sparse 0.x/1.0
// keys, NUL-terminated GNU long names). Used by tar-reader.ts. Pure.
import type { CoreError } from '../result.ts';
import { decodeUtf8, parsePaxInteger } from './tar-header.ts';

const fail = (code: string, message: string): CoreError => ({ code, message });

/** The text of a GNU long name/link body, up to its first NUL. */
export function cString(body: Uint8Array): string {
  const nul = body.indexOf(0);
  return decodeUtf8(nul >= 0 ? body.subarray(0, nul) : body);
}

/** Applies a pending PAX `x` header to the next filesystem entry (POSIX pax; GNU sparse 0.x/1.0 keys). */
export function applyPax(pax: Map<string, string>, h: { name: string; link: string; size: number }, maxSparse: number): { name: string; link: string; size: number; realSize: number; sparse: boolean } | CoreError {
  let { name, link, size } = h;
  let realSize = size;
  let sparse = false;
  name = pax.get('path') ?? name;
  link = pax.get('linkpath') ?? link;
  const ps = pax.get('size');
  if (ps !== undefined) {
    const n = parsePaxInteger(ps);
    if (n === undefined) return fail('TAR_BAD_HEADER', `invalid PAX size "${ps.slice(0, 30)}" for "${name.slice(0, 200)}"`);
    size = n;
    realSize = n;
  }
  name = pax.get('GNU.sparse.name') ?? name;
  const real = pax.get('GNU.sparse.realsize') ?? pax.get('GNU.sparse.size');
  if (real !== undefined) {
    const n = parsePaxInteger(real);
    if (n === undefined) return fail('TAR_BAD_HEADER', `invalid GNU sparse size for "${name.slice(0, 200)}"`);
    realSize = n;
    sparse = true;
  }
  const blocks = pax.get('GNU.sparse.numblocks');
  if (blocks !== undefined) {
    const n = parsePaxInteger(blocks);
    if (n === undefined || n > maxSparse) return fail('TAR_LIMIT', `sparse map of "${name.slice(0, 200)}" has more than ${maxSparse} entries`);
  }
  return { name, link, size, realSize, sparse };
}

/** A numeric PAX value when it parses, else the ustar header value (never negative). */
export function numberOr(paxValue: string | undefined, headerValue: number): number {
  if (paxValue !== undefined) {
    const n = parsePaxInteger(paxValue);
    if (n !== undefined) return n;
  }
  return Math.max(0, headerValue);
}
