// Pure tar writer: ustar headers, PAX `x` records for long names/links, large numbers and non-ASCII text, all entry
// types, two zero blocks at the end. Output is a lazy sequence of Uint8Array chunks. POSIX.1-2001 pax / ustar.
import { err, ok, type Result } from '../result.ts';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** File body: exact bytes, or `size` copies of one byte (for simulated files whose bytes are not known). */
export type TarBody = { readonly kind: 'bytes'; readonly bytes: Uint8Array } | { readonly kind: 'fill'; readonly byte: number; readonly size: number };

export type TarEntry = {
  /** Path inside the archive, relative ('etc/motd'); a leading '/' is stripped, directories get a trailing '/'. */
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly uname?: string;
  readonly gname?: string;
  readonly body?: TarBody;
  readonly linkTarget?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
  /** Extra PAX records, e.g. `SCHILY.xattr.security.capability`. */
  readonly pax?: Readonly<Record<string, string>>;
};

export type TarStream = {
  /** Total archive size in bytes, end-of-archive blocks included. */
  readonly size: number;
  /** The archive as chunks; each call starts over. */
  chunks(): Iterable<Uint8Array>;
};

const BLOCK = 512;
const FILL_CHUNK = 64 * 1024;
const TYPEFLAG: Record<TarEntryType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };
const encoder = new TextEncoder();

/** Validates the entries and returns the archive as a lazy chunk stream with its exact size. */
export function createTarStream(entries: readonly TarEntry[]): Result<TarStream> {
  const prepared: Prepared[] = [];
  for (const entry of entries) {
    const p = prepareEntry(entry);
    if (!p.ok) return p;
    prepared.push(p.value);
  }
  let size = 2 * BLOCK;
  for (const p of prepared) size += p.headerBytes.length + padded(bodySize(p.entry));
  return ok({ size, chunks: () => generateChunks(prepared) });
}

/** Joins a tar stream into one Uint8Array (tests, small commits). */
export function collectTarBytes(stream: TarStream): Uint8Array {
  const out = new Uint8Array(stream.size);
  let at = 0;
  for (const chunk of stream.chunks()) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

type Prepared = { readonly entry: TarEntry; readonly headerBytes: Uint8Array };

function bodySize(entry: TarEntry): number {
  if (entry.type !== 'file' || entry.body === undefined) return 0;
  return entry.body.kind === 'bytes' ? entry.body.bytes.length : entry.body.size;
}

const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

function prepareEntry(entry: TarEntry): Result<Prepared> {
  let name = entry.path.replace(/^\/+/, '');
  if (name === '' || name.includes('\0')) return err('TAR_ENTRY_INVALID', `tar entry path "${entry.path}" is empty or contains NUL`);
  if (entry.type === 'dir' && !name.endsWith('/')) name += '/';
  const link = entry.linkTarget ?? '';
  if ((entry.type === 'symlink' || entry.type === 'hardlink') && link === '') return err('TAR_ENTRY_INVALID', `${entry.type} "${name}" has no link target`);
  if (link.includes('\0')) return err('TAR_ENTRY_INVALID', `link target of "${name}" contains NUL`);
  const size = bodySize(entry);
  for (const [field, v] of [['mode', entry.mode], ['uid', entry.uid], ['gid', entry.gid], ['size', size]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) return err('TAR_ENTRY_INVALID', `${field} of "${name}" is not a non-negative integer`);
  }
  if (!Number.isFinite(entry.mtime)) return err('TAR_ENTRY_INVALID', `mtime of "${name}" is not a number`);

  const pax: [string, string][] = [];
  const fields = { name, prefix: '', link };
  if (!fitsUstar(name, 100)) {
    const split = splitUstarPath(name);
    if (split) Object.assign(fields, split);
    else { pax.push(['path', name]); fields.name = asciiCut(name, 100); }
  }
  if (!fitsUstar(link, 100)) { pax.push(['linkpath', link]); fields.link = asciiCut(link, 100); }
  const mtime = Math.floor(entry.mtime);
  if (size > 0o77777777777) pax.push(['size', String(size)]);
  if (entry.uid > 0o7777777) pax.push(['uid', String(entry.uid)]);
  if (entry.gid > 0o7777777) pax.push(['gid', String(entry.gid)]);
  if (mtime < 0 || mtime > 0o77777777777) pax.push(['mtime', String(mtime)]);
  const uname = entry.uname ?? '';
  const gname = entry.gname ?? '';
  if (!fitsUstar(uname, 32)) pax.push(['uname', uname]);
  if (!fitsUstar(gname, 32)) pax.push(['gname', gname]);
  for (const [k, v] of Object.entries(entry.pax ?? {})) pax.push([k, v]);

  const header = ustarHeader({
    name: fields.name, prefix: fields.prefix, link: fields.link, typeflag: TYPEFLAG[entry.type],
    mode: entry.mode & 0o7777, uid: entry.uid, gid: entry.gid, size, mtime,
    uname: fitsUstar(uname, 32) ? uname : '', gname: fitsUstar(gname, 32) ? gname : '',
    devMajor: entry.devMajor ?? 0, devMinor: entry.devMinor ?? 0,
  });
  if (pax.length === 0) return ok({ entry, headerBytes: header });
  const paxBody = encodePaxRecords(pax);
  const base = fields.name.replace(/\/$/, '').split('/').pop() ?? 'entry';
  const paxHeader = ustarHeader({
    name: asciiCut(`PaxHeaders.0/${base}`, 100), prefix: '', link: '', typeflag: 'x', mode: 0o644, uid: 0, gid: 0,
    size: paxBody.length, mtime: Math.max(0, Math.min(mtime, 0o77777777777)), uname: '', gname: '', devMajor: 0, devMinor: 0,
  });
  const headerBytes = new Uint8Array(BLOCK + padded(paxBody.length) + BLOCK);
  headerBytes.set(paxHeader, 0);
  headerBytes.set(paxBody, BLOCK);
  headerBytes.set(header, BLOCK + padded(paxBody.length));
  return ok({ entry, headerBytes });
}

/** A value fits a ustar text field if it is ASCII and no longer than the field. */
function fitsUstar(value: string, width: number): boolean {
  return value.length <= width && /^[\x20-\x7e]*$/.test(value);
}

function asciiCut(value: string, width: number): string {
  return value.replace(/[^\x20-\x7e]/g, '_').slice(0, width);
}

/** ustar stores long names as prefix (≤155) + '/' + name (≤100), split at a slash. */
function splitUstarPath(path: string): { name: string; prefix: string } | undefined {
  if (!fitsUstar(path, 256)) return undefined;
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return { name, prefix };
    if (name.length > 100) return undefined;
  }
  return undefined;
}

/** PAX records "<len> <key>=<value>\n", where len counts the whole record in bytes. */
function encodePaxRecords(records: readonly [string, string][]): Uint8Array {
  let text = '';
  for (const [key, value] of records) {
    const rest = ` ${key}=${value}\n`;
    const restBytes = encoder.encode(rest).length;
    let len = restBytes + 1;
    while (String(len).length + restBytes !== len) len = String(len).length + restBytes;
    text += `${len}${rest}`;
  }
  return encoder.encode(text);
}

type HeaderFields = {
  name: string; prefix: string; link: string; typeflag: string; mode: number; uid: number; gid: number;
  size: number; mtime: number; uname: string; gname: string; devMajor: number; devMinor: number;
};

function ustarHeader(f: HeaderFields): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const text = (at: number, width: number, value: string): void => { h.set(encoder.encode(value).subarray(0, width), at); };
  const octal = (at: number, width: number, value: number): void => {
    const digits = Math.min(value, 8 ** (width - 1) - 1).toString(8).padStart(width - 1, '0');
    text(at, width - 1, digits);
  };
  text(0, 100, f.name);
  octal(100, 8, f.mode);
  octal(108, 8, f.uid);
  octal(116, 8, f.gid);
  octal(124, 12, f.size);
  octal(136, 12, f.mtime);
  text(156, 1, f.typeflag);
  text(157, 100, f.link);
  text(257, 6, 'ustar');
  text(263, 2, '00');
  text(265, 32, f.uname);
  text(297, 32, f.gname);
  if (f.typeflag === '3' || f.typeflag === '4') {
    octal(329, 8, f.devMajor);
    octal(337, 8, f.devMinor);
  }
  text(345, 155, f.prefix);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  text(148, 7, sum.toString(8).padStart(6, '0') + '\0');
  return h;
}

function* generateChunks(prepared: readonly Prepared[]): Generator<Uint8Array> {
  for (const { entry, headerBytes } of prepared) {
    yield headerBytes;
    const size = bodySize(entry);
    if (size === 0 || entry.body === undefined) continue;
    if (entry.body.kind === 'bytes') {
      yield entry.body.bytes;
    } else {
      const fill = new Uint8Array(Math.min(FILL_CHUNK, size)).fill(entry.body.byte & 0xff);
      for (let left = size; left > 0; left -= fill.length) yield left >= fill.length ? fill : fill.subarray(0, left);
    }
    const pad = padded(size) - size;
    if (pad > 0) yield new Uint8Array(pad);
  }
  yield new Uint8Array(2 * BLOCK);
}
