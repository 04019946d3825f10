// Open-addressing hash table from (parent id, name id) to an entry id, storing only entry ids (4 bytes a
// slot): keys are read back from the owner's columns, so no per-entry objects and no boxed keys. Pure.

export type PairKeys = { parentOf(id: number): number; nameOf(id: number): number };

export class PairTable {
  private slots: Int32Array;
  private mask: number;
  private size = 0;

  constructor(private readonly keys: PairKeys, capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.slots = new Int32Array(n).fill(-1);
    this.mask = n - 1;
  }

  private static hash(parent: number, name: number): number {
    let h = Math.imul(parent ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(name + 0x632be5ab, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x27d4eb2f);
    return (h ^ (h >>> 13)) >>> 0;
  }

  get(parent: number, name: number): number {
    let i = PairTable.hash(parent, name) & this.mask;
    for (;;) {
      const id = this.slots[i]!;
      if (id < 0) return -1;
      if (this.keys.nameOf(id) === name && this.keys.parentOf(id) === parent) return id;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds an id whose (parent, name) is not in the table yet. */
  add(id: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    this.place(this.slots, this.mask, id);
    this.size++;
  }

  private place(slots: Int32Array, mask: number, id: number): void {
    let i = PairTable.hash(this.keys.parentOf(id), this.keys.nameOf(id)) & mask;
    while (slots[i]! >= 0) i = (i + 1) & mask;
    slots[i] = id;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let i = 0; i < old.length; i++) {
      const id = old[i]!;
      if (id >= 0) this.place(slots, mask, id);
    }
    this.slots = slots;
    this.mask = mask;
  }

  get byteLength(): number {
    return this.slots.byteLength;
  }
}
