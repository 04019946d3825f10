// IP literal parsing for the proxy's SSRF guard (node side): every form inet_aton and the WHATWG URL host parser
// accept (2130706433, 017700000001, 0x7f.1, 127.1 …) and RFC 4291 IPv6 text, parsed to numbers — never regex-classified.

export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly groups: readonly number[] };

/** One inet_aton part: 0x-hex (empty hex = 0, as WHATWG), 0-octal, or decimal. */
function parseIPv4Part(part: string): number | undefined {
  if (part === '') return undefined;
  if (/^0x/i.test(part)) {
    const hex = part.slice(2);
    if (hex === '') return 0;
    return /^[0-9a-f]+$/i.test(hex) ? parseInt(hex, 16) : undefined;
  }
  if (part.length > 1 && part.startsWith('0')) return /^[0-7]+$/.test(part) ? parseInt(part, 8) : undefined;
  return /^[0-9]+$/.test(part) ? parseInt(part, 10) : undefined;
}

/**
 * IPv4 in any inet_aton form (WHATWG URL "IPv4 parser"): 1–4 parts, each decimal, octal or hex, the last part
 * filling the remaining bytes; one trailing dot allowed. Returns the 32-bit value, or undefined.
 */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIPv4Part(part);
    if (n === undefined || !Number.isFinite(n)) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop() ?? 0;
  if (numbers.some((n) => n > 255)) return undefined;
  if (last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((acc, n, i) => acc + n * 256 ** (3 - i), last);
}

/** Strict dotted quad (for the tail of an IPv6 literal): decimal, no leading zeros, as the WHATWG IPv6 parser. */
function parseDottedQuad(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function parseGroups(text: string, allowQuadTail: boolean): number[] | undefined {
  if (text === '') return [];
  const pieces = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i === pieces.length - 1 && allowQuadTail && piece.includes('.')) {
      const quad = parseDottedQuad(piece);
      if (quad === undefined) return undefined;
      out.push(Math.floor(quad / 65536), quad % 65536);
    } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
      out.push(parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** IPv6 text without brackets (RFC 4291 §2.2, incl. "::" and a dotted-quad tail); zone ids are refused. */
export function parseIPv6(text: string): number[] | undefined {
  if (text.includes('%')) return undefined;
  const gap = text.indexOf('::');
  if (gap !== text.lastIndexOf('::')) return undefined;
  if (gap < 0) {
    const groups = parseGroups(text, true);
    return groups?.length === 8 ? groups : undefined;
  }
  const head = parseGroups(text.slice(0, gap), false);
  const tail = parseGroups(text.slice(gap + 2), true);
  if (head === undefined || tail === undefined) return undefined;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** RFC 5952 / WHATWG serialisation: lowercase, first longest run (≥2) of zero groups as "::", no dotted tail. */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Canonical text: dotted quad, or bracketless compressed IPv6. */
export function formatIp(ip: IpAddress): string {
  return ip.family === 4 ? formatIPv4(ip.value) : formatIPv6(ip.groups);
}

/** Parses an address as a resolver returns it (dotted quad or IPv6 text) — also used on DNS answers. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const groups = parseIPv6(text);
    return groups === undefined ? undefined : { family: 6, groups };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value };
}
