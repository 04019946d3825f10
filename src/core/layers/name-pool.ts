// Interned name segments stored as UTF-8 in one growable byte pool (columnar index, DESIGN.md "Memory").
// While building, an open-addressing table of ids hashed over those bytes interns names (no string kept per name);
// freeze() drops it so only the bytes and offsets stay. Pure.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export class NamePool {
  private bytes = new Uint8Array(1 << 12);
  private offsets = new Uint32Array(1 << 10);
  private used = 0;
  /** slot → name id (-1 empty), hashed over the name's UTF-8 bytes; undefined once frozen */
  private table: Int32Array | undefined = new Int32Array(1 << 11).fill(-1);
  /** names with lone surrogates, which UTF-8 cannot tell apart: interned by string, as before (rare) */
  private odd: Map<string, number> | undefined;
  count = 0;

  /** Returns the id of `name`, adding it if new. Only while building. */
  intern(name: string): number {
    const table = this.table;
    if (table === undefined) throw new Error('NamePool is frozen');
    if (hasLoneSurrogate(name)) {
      this.odd ??= new Map();
      const found = this.odd.get(name);
      if (found !== undefined) return found;
      const id = this.commit(this.encodeTail(name));
      this.odd.set(name, id);
      return id;
    }
    const len = this.encodeTail(name);
    const h = hashBytes(this.bytes, this.used, len);
    const mask = table.length - 1;
    let i = h & mask;
    for (let id = table[i]!; id >= 0; id = table[i]!) {
      if (this.equalsTail(id, len)) return id;
      i = (i + 1) & mask;
    }
    const id = this.commit(len);
    table[i] = id;
    if (this.count * 2 > table.length) this.rehash(table.length * 2);
    return id;
  }

  /** Id of an already interned name, or -1. Only while building. */
  find(name: string): number {
    const table = this.table;
    if (table === undefined) return -1;
    if (hasLoneSurrogate(name)) return this.odd?.get(name) ?? -1;
    const len = this.encodeTail(name);
    const h = hashBytes(this.bytes, this.used, len);
    const mask = table.length - 1;
    for (let i = h & mask, id = table[i]!; id >= 0; i = (i + 1) & mask, id = table[i]!) {
      if (this.equalsTail(id, len)) return id;
    }
    return -1;
  }

  /** Writes `name` as UTF-8 after the used bytes (growing the pool if needed) without taking it; returns its length. */
  private encodeTail(name: string): number {
    const max = name.length * 3;
    if (this.used + max > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + max));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    if (isAscii(name)) {
      const bytes = this.bytes;
      const at = this.used;
      for (let i = 0; i < name.length; i++) bytes[at + i] = name.charCodeAt(i);
      return name.length;
    }
    return encoder.encodeInto(name, this.bytes.subarray(this.used)).written;
  }

  private equalsTail(id: number, len: number): boolean {
    const start = this.offsets[id]!;
    if (this.offsets[id + 1]! - start !== len) return false;
    const bytes = this.bytes;
    const at = this.used;
    for (let k = 0; k < len; k++) if (bytes[start + k] !== bytes[at + k]) return false;
    return true;
  }

  /** Takes the `len` bytes written after the used ones as a new name. */
  private commit(len: number): number {
    const id = this.count++;
    if (id + 1 >= this.offsets.length) {
      const next = new Uint32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    this.offsets[id] = this.used;
    this.used += len;
    this.offsets[id + 1] = this.used;
    return id;
  }

  private rehash(size: number): void {
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const odd = this.odd === undefined ? undefined : new Set(this.odd.values());
    for (let id = 0; id < this.count; id++) {
      if (odd?.has(id)) continue;
      const start = this.offsets[id]!;
      let i = hashBytes(this.bytes, start, this.offsets[id + 1]! - start) & mask;
      while (table[i]! >= 0) i = (i + 1) & mask;
      table[i] = id;
    }
    this.table = table;
  }

  name(id: number): string {
    const start = this.offsets[id]!;
    const end = this.offsets[id + 1]!;
    let ascii = true;
    for (let i = start; i < end; i++) if (this.bytes[i]! > 0x7f) { ascii = false; break; }
    if (ascii && end - start < 4096) return String.fromCharCode.apply(null, this.bytes.subarray(start, end) as unknown as number[]);
    return decoder.decode(this.bytes.subarray(start, end));
  }

  /** Stops interning and trims the buffers to size. */
  freeze(): void {
    this.table = undefined;
    this.odd = undefined;
    this.bytes = this.bytes.slice(0, this.used);
    this.offsets = this.offsets.slice(0, this.count + 1);
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.offsets.byteLength;
  }

  /** The UTF-8 bytes and count+1 offsets of every name (views, not copies), for serialisation. */
  exportParts(): { readonly bytes: Uint8Array; readonly offsets: Uint32Array; readonly count: number } {
    return { bytes: this.bytes.subarray(0, this.used), offsets: this.offsets.subarray(0, this.count + 1), count: this.count };
  }

  /**
   * Makes a frozen (e.g. restored) pool internable again by rebuilding its lookup table: O(names), done lazily. As a
   * name → id map built in id order would, a name stored twice answers with its last id.
   */
  thaw(): void {
    if (this.table !== undefined) return;
    const bytes = this.bytes;
    let size = 1 << 11;
    while (this.count * 2 > size) size *= 2;
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let id = 0; id < this.count; id++) {
      const start = this.offsets[id]!;
      const len = this.offsets[id + 1]! - start;
      let i = hashBytes(bytes, start, len) & mask;
      for (let other = table[i]!; other >= 0; other = table[i]!) {
        if (this.offsets[other + 1]! - this.offsets[other]! === len && sameBytes(bytes, this.offsets[other]!, start, len)) break;
        i = (i + 1) & mask;
      }
      table[i] = id;
    }
    this.table = table;
  }

  get frozen(): boolean {
    return this.table === undefined;
  }

  /** Replaces the contents with serialised parts (as exportParts gives them); the pool is frozen afterwards. */
  restoreParts(bytes: Uint8Array<ArrayBuffer>, offsets: Uint32Array<ArrayBuffer>, count: number): void {
    this.table = undefined;
    this.odd = undefined;
    this.bytes = bytes;
    this.offsets = offsets;
    this.count = count;
    this.used = bytes.length;
  }
}

/** FNV-1a over bytes [at, at + len), finished with a murmur3 mix; a non-negative 31-bit value. */
function hashBytes(bytes: Uint8Array, at: number, len: number): number {
  let h = 0x811c9dc5 ^ len;
  for (let k = 0; k < len; k++) h = Math.imul(h ^ bytes[at + k]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 0x7fffffff;
}

function sameBytes(bytes: Uint8Array, a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Whether a string holds a surrogate without its pair (TextEncoder would write U+FFFD for it). */
function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return true;
    const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (d < 0xdc00 || d > 0xdfff) return true;
    i++;
  }
  return false;
}
