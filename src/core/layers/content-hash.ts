// Content hashing of regular file bodies, so "modified" means changed and identical re-adds are recognised.
// The interface is implemented natively by the shell (fast); this pure 64-bit hash is the portable fallback.

export type ContentHasher = {
  start(): void;
  update(bytes: Uint8Array, start: number, end: number): void;
  /** Returns the hash as two unsigned 32-bit halves. */
  finish(): [number, number];
};

/** Two interleaved 32-bit FNV-1a-style lanes with a final avalanche: portable, deterministic, not cryptographic. */
export function createPortableContentHasher(): ContentHasher {
  let a = 0;
  let b = 0;
  let n = 0;
  return {
    start() {
      a = 0x811c9dc5;
      b = 0x01000193 ^ 0x5bd1e995;
      n = 0;
    },
    update(bytes, start, end) {
      for (let i = start; i < end; i++) {
        const c = bytes[i]!;
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
      }
      n += end - start;
    },
    finish() {
      let x = a ^ Math.imul(n | 0, 0x9e3779b1);
      let y = b ^ Math.floor(n / 4294967296);
      x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      y = Math.imul(y ^ (y >>> 13), 0xc2b2ae35);
      x ^= y >>> 7;
      y ^= x >>> 11;
      return [x >>> 0, y >>> 0];
    },
  };
}
