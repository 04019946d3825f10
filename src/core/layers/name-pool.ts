// Interned name segments stored as UTF-8 in one growable byte pool (columnar index, DESIGN.md "Memory").
// While building, a Map interns strings; freeze() drops it so only the bytes and offsets stay. Pure.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export class NamePool {
  private bytes = new Uint8Array(1 << 12);
  private offsets = new Uint32Array(1 << 10);
  private used = 0;
  private interned: Map<string, number> | undefined = new Map();
  count = 0;

  /** Returns the id of `name`, adding it if new. Only while building. */
  intern(name: string): number {
    const map = this.interned;
    if (!map) throw new Error('NamePool is frozen');
    const found = map.get(name);
    if (found !== undefined) return found;
    const id = this.append(name);
    map.set(name, id);
    return id;
  }

  /** Id of an already interned name, or -1. Only while building. */
  find(name: string): number {
    return this.interned?.get(name) ?? -1;
  }

  private append(name: string): number {
    const id = this.count++;
    if (id + 1 >= this.offsets.length) {
      const next = new Uint32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    const max = name.length * 3;
    if (this.used + max > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + max));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    let written: number;
    if (isAscii(name)) {
      for (let i = 0; i < name.length; i++) this.bytes[this.used + i] = name.charCodeAt(i);
      written = name.length;
    } else {
      written = encoder.encodeInto(name, this.bytes.subarray(this.used)).written;
    }
    this.offsets[id] = this.used;
    this.used += written;
    this.offsets[id + 1] = this.used;
    return id;
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
    this.interned = undefined;
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

  /** Makes a frozen (e.g. restored) pool internable again by rebuilding its name → id map: O(names), done lazily. */
  thaw(): void {
    if (this.interned) return;
    const map = new Map<string, number>();
    for (let i = 0; i < this.count; i++) map.set(this.name(i), i);
    this.interned = map;
  }

  get frozen(): boolean {
    return this.interned === undefined;
  }

  /** Replaces the contents with serialised parts (as exportParts gives them); the pool is frozen afterwards. */
  restoreParts(bytes: Uint8Array<ArrayBuffer>, offsets: Uint32Array<ArrayBuffer>, count: number): void {
    this.interned = undefined;
    this.bytes = bytes;
    this.offsets = offsets;
    this.count = count;
    this.used = bytes.length;
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
