// Compression sniffing by magic bytes, never by media type alone (dive does the same; hardening T25):
// gzip 1f 8b, zstd 28 b5 2f fd (or a skippable frame 5? 2a 4d 18), anything else is read as a plain tar.
export type Compression = 'gzip' | 'zstd' | 'none';

export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 4 && (head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  return 'none';
}

/** Peeks at the first bytes of a stream without losing them. */
export async function sniffCompression(input: AsyncIterable<Uint8Array>): Promise<{ compression: Compression; stream: AsyncIterable<Uint8Array> }> {
  const it = input[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < 4) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    if (r.value.length === 0) continue;
    head.push(r.value);
    have += r.value.length;
  }
  const first = head.length === 1 ? head[0]! : concatHead(head, have);
  const compression = detectCompression(first);
  const stream = (async function* () {
    for (const h of head) yield h;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })();
  return { compression, stream };
}

function concatHead(parts: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
