// Node's codecs for the shared layer pipeline: zlib gunzip (multi-member, native), OpenSSL sha256/sha512,
// the worker's zstd decoder (Node 20 has no zstd in zlib) and an xxhash64 content hasher. Node side.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createXXHash64 } from 'hash-wasm';
import type { Codecs, DecodeOptions, IncrementalHash } from '../analysis/codecs.ts';
import type { ContentHasher } from '../core/layers/content-hash.ts';
import { CodecError } from '../analysis/codecs/codec-error.ts';
import { warnTrailingZeros } from '../analysis/codecs/gzip-members.ts';
import { unzstd } from '../analysis/codecs/unzstd.ts';

function nodeHasher(algorithm: 'sha256' | 'sha512'): IncrementalHash {
  const h = createHash(algorithm);
  // In-thread OpenSSL (SHA-NI, ~630 MB/s): faster than shipping the bytes to another thread.
  return { update: (b) => void h.update(b), digestHex: async () => h.digest('hex'), dispose: () => undefined };
}

async function* gunzipNode(input: AsyncIterable<Uint8Array>, options: DecodeOptions): AsyncIterable<Uint8Array> {
  let fed = 0;
  /** input offset just past the last non-zero byte: tells zero padding from junk after the last member (T23) */
  let dataEnd = 0;
  const counted = (async function* () {
    for await (const chunk of input) {
      let i = chunk.length;
      while (i > 0 && chunk[i - 1] === 0) i--;
      if (i > 0) dataEnd = fed + i;
      fed += chunk.length;
      yield chunk;
    }
  })();
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const source = Readable.from(counted, { objectMode: false });
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) {
      throw Object.assign(new Error('compressed data is truncated (gzip stream ends early)'), { code: 'GZIP_TRUNCATED' });
    }
    if (err.code?.startsWith('Z_')) throw Object.assign(new Error(`gzip data is corrupt: ${err.message}`), { code: 'GZIP_CORRUPT' });
    throw e;
  } finally {
    source.destroy();
  }
  // zlib stops at trailing bytes that are not another gzip member. As in the browser's decoders (gzip-members.ts):
  // zero padding is tolerated with a warning, anything else fails the layer — never dropped silently (T23).
  const consumed = gunzip.bytesWritten;
  if (consumed >= fed) return;
  if (dataEnd <= consumed) {
    warnTrailingZeros(options.onWarning, fed - consumed, consumed);
    return;
  }
  throw new CodecError('GZIP_TRAILING_DATA', `unexpected data after the last gzip member at offset ${consumed}: ${fed - consumed} bytes that are not gzip`);
}

async function contentHasher(): Promise<ContentHasher> {
  const h = await createXXHash64();
  return {
    start: () => void h.init(),
    update: (bytes, start, end) => void h.update(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end)),
    finish: () => {
      const d = h.digest('binary');
      return [((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0, ((d[4]! << 24) | (d[5]! << 16) | (d[6]! << 8) | d[7]!) >>> 0];
    },
  };
}

export const nodeCodecs: Codecs = {
  name: 'node (zlib, openssl, zstd wasm)',
  hasher: async (algorithm) => nodeHasher(algorithm),
  gunzip: gunzipNode,
  unzstd,
  contentHasher,
};
