// Test kit: hand-built tar archives (ustar headers with checksums, PAX x/g records, GNU L/K long names, raw
// field overrides) for reader and hardening tests. Node-side test code only.

export type TarSpec = {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | string;
  body?: Uint8Array | string;
  /** header size field when it must differ from the body length */
  sizeField?: number | Uint8Array;
  mode?: number;
  uid?: number;
  gid?: number;
  link?: string;
  pax?: Record<string, string>;
  gnuLongName?: string;
  gnuLongLink?: string;
  devMajor?: number;
  devMinor?: number;
  /** corrupt the checksum */
  badChecksum?: boolean;
};

const enc = new TextEncoder();
const TYPE: Record<string, string> = { file: '0', dir: '5', symlink: '2', hardlink: '1', char: '3', block: '4', fifo: '6' };

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export function tarHeader(spec: { name: string; typeflag: string; size: number | Uint8Array; mode?: number; uid?: number; gid?: number; link?: string; devMajor?: number; devMinor?: number; badChecksum?: boolean }): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, at: number, len: number) => h.set(enc.encode(s).subarray(0, len), at);
  put(spec.name, 0, 100);
  put(octal(spec.mode ?? 0o644, 8), 100, 8);
  put(octal(spec.uid ?? 0, 8), 108, 8);
  put(octal(spec.gid ?? 0, 8), 116, 8);
  if (typeof spec.size === 'number') put(octal(spec.size, 12), 124, 12);
  else h.set(spec.size.subarray(0, 12), 124);
  put(octal(1700000000, 12), 136, 12);
  put(spec.typeflag, 156, 1);
  put(spec.link ?? '', 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(octal(spec.devMajor ?? 0, 8), 329, 8);
  put(octal(spec.devMinor ?? 0, 8), 337, 8);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  if (spec.badChecksum) sum += 1;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

function pad(bytes: Uint8Array): Uint8Array[] {
  const rem = bytes.length % 512;
  return rem === 0 ? [bytes] : [bytes, new Uint8Array(512 - rem)];
}

export function paxBody(records: Record<string, string>): Uint8Array {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rec = ` ${k}=${v}\n`;
    let len = enc.encode(rec).length + 1;
    while (String(len).length + enc.encode(rec).length !== len) len++;
    out += `${len}${rec}`;
  }
  return enc.encode(out);
}

/** Serialises entries; `end: false` omits the two zero blocks. */
export function buildTar(entries: TarSpec[], options: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const body = typeof e.body === 'string' ? enc.encode(e.body) : (e.body ?? new Uint8Array(0));
    if (e.pax) {
      const pb = paxBody(e.pax);
      parts.push(tarHeader({ name: 'PaxHeaders/x', typeflag: 'x', size: pb.length }), ...pad(pb));
    }
    if (e.gnuLongName !== undefined) {
      const b = enc.encode(`${e.gnuLongName}\0`);
      parts.push(tarHeader({ name: '././@LongLink', typeflag: 'L', size: b.length }), ...pad(b));
    }
    if (e.gnuLongLink !== undefined) {
      const b = enc.encode(`${e.gnuLongLink}\0`);
      parts.push(tarHeader({ name: '././@LongLink', typeflag: 'K', size: b.length }), ...pad(b));
    }
    const typeflag = TYPE[e.type ?? 'file'] ?? e.type ?? '0';
    const header: Parameters<typeof tarHeader>[0] = { name: e.name, typeflag, size: e.sizeField ?? body.length };
    if (e.mode !== undefined) header.mode = e.mode;
    if (e.uid !== undefined) header.uid = e.uid;
    if (e.gid !== undefined) header.gid = e.gid;
    if (e.link !== undefined) header.link = e.link;
    if (e.devMajor !== undefined) header.devMajor = e.devMajor;
    if (e.devMinor !== undefined) header.devMinor = e.devMinor;
    if (e.badChecksum) header.badChecksum = true;
    parts.push(tarHeader(header));
    if (body.length > 0) parts.push(...pad(body));
  }
  if (options.end !== false) parts.push(new Uint8Array(1024));
  return concat(parts);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
