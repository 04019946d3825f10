// Pure SHA-256 (FIPS 180-4), incremental and one-shot, for chainIDs and small tars in core. Pure, no crypto API.
// The worker hashes blobs with WebAssembly (DESIGN.md); this one is for ids and test-sized inputs.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INIT = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** An incremental SHA-256: feed bytes with `update`, read the digest once with `digestHex`/`digestBytes`. */
export type Sha256 = {
  update(bytes: Uint8Array): Sha256;
  digestBytes(): Uint8Array;
  digestHex(): string;
};

const encoder = new TextEncoder();

/** Starts an incremental SHA-256. */
export function createSha256(): Sha256 {
  const h = new Uint32Array(INIT);
  const w = new Uint32Array(64);
  const block = new Uint8Array(64);
  let blockLength = 0;
  let totalBytes = 0;
  let done: Uint8Array | undefined;

  function compress(chunk: Uint8Array, at: number): void {
    for (let i = 0; i < 16; i++) {
      const j = at + i * 4;
      w[i] = ((chunk[j]! << 24) | (chunk[j + 1]! << 16) | (chunk[j + 2]! << 8) | chunk[j + 3]!) >>> 0;
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0;
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + s1 + ch + K[i]! + w[i]!) >>> 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0]! + a) >>> 0; h[1] = (h[1]! + b) >>> 0; h[2] = (h[2]! + c) >>> 0; h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0; h[5] = (h[5]! + f) >>> 0; h[6] = (h[6]! + g) >>> 0; h[7] = (h[7]! + hh) >>> 0;
  }

  function finish(): Uint8Array {
    if (done) return done;
    const bitsHigh = Math.floor(totalBytes / 0x20000000);
    const bitsLow = (totalBytes * 8) >>> 0;
    block[blockLength++] = 0x80;
    if (blockLength > 56) {
      block.fill(0, blockLength);
      compress(block, 0);
      blockLength = 0;
    }
    block.fill(0, blockLength, 56);
    const view = new DataView(block.buffer);
    view.setUint32(56, bitsHigh);
    view.setUint32(60, bitsLow);
    compress(block, 0);
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!);
    done = out;
    return out;
  }

  const hasher: Sha256 = {
    update(bytes: Uint8Array): Sha256 {
      if (done) throw new Error('sha256: update after digest');
      totalBytes += bytes.length;
      let i = 0;
      if (blockLength > 0) {
        const take = Math.min(64 - blockLength, bytes.length);
        block.set(bytes.subarray(0, take), blockLength);
        blockLength += take;
        i = take;
        if (blockLength < 64) return hasher;
        compress(block, 0);
        blockLength = 0;
      }
      for (; i + 64 <= bytes.length; i += 64) compress(bytes, i);
      if (i < bytes.length) {
        block.set(bytes.subarray(i), 0);
        blockLength = bytes.length - i;
      }
      return hasher;
    },
    digestBytes: () => finish().slice(),
    digestHex: () => toHex(finish()),
  };
  return hasher;
}

/** SHA-256 of bytes or of a string's UTF-8 encoding, as lowercase hex. */
export function sha256Hex(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  return createSha256().update(bytes).digestHex();
}

/** SHA-256 over a sequence of chunks (e.g. the tar writer's output), as lowercase hex. */
export function sha256HexOfChunks(chunks: Iterable<Uint8Array>): string {
  const hasher = createSha256();
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.digestHex();
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
