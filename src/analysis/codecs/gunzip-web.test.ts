import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { CodecError } from './codec-error.ts';
import { gunzipWeb, gunzipWithPako, hasStrictGzipDecompressionStream } from './gunzip-web.ts';
import { gunzipWithStreams, type GunzipOptions } from './gunzip-streams.ts';
import { createStrictGzipStream } from '../../testing/strict-gzip-stream.ts';

const ESTARGZ_FIXTURE = new URL('../../../../shared/fixtures/dive/test-oci-estargz-image.tar', import.meta.url).pathname;

type Decoder = (input: AsyncIterable<Uint8Array>, options?: GunzipOptions) => AsyncIterable<Uint8Array>;
const decoders: [string, Decoder][] = [
  ['gunzipWeb', (i, o) => gunzipWeb(i, o)],
  ['pako back end', (i, o) => gunzipWithPako(i, o)],
  ['strict-stream back end', (i, o) => gunzipWithStreams(i, o ?? {}, createStrictGzipStream)],
];

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, Math.min(bytes.length, at + size));
}

async function decode(decoder: Decoder, bytes: Uint8Array, size: number, options?: GunzipOptions): Promise<{ out: Buffer; error?: CodecError }> {
  const parts: Uint8Array[] = [];
  try {
    for await (const c of decoder(chunksOf(bytes, size), options)) parts.push(c);
    return { out: Buffer.concat(parts) };
  } catch (e) {
    assert.ok(e instanceof CodecError, `expected a CodecError, got ${String(e)}`);
    return { out: Buffer.concat(parts), error: e };
  }
}

/** Deterministic bytes that compress somewhat: random runs mixed with repeats. */
function sampleBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = i % 97 < 60 ? s >>> 24 : out[i - 1] ?? 0;
  }
  return out;
}

const CHUNK_SIZES = [7, 509, 4096, 65536, 1 << 20];

test('decodes single-member gzip from node:zlib identically at every chunk size, including 1-byte chunks', async () => {
  for (const [length, sizes] of [[200_000, CHUNK_SIZES], [20_000, [1, 2, 3]]] as const) {
    const raw = sampleBytes(length, 1);
    const gz = gzipSync(raw);
    for (const [name, decoder] of decoders) {
      for (const size of sizes) {
        const r = await decode(decoder, gz, size);
        assert.equal(r.error, undefined, `${name} @${size}`);
        assert.ok(r.out.equals(raw), `${name} @${size}: output differs`);
      }
    }
  }
});

test('decodes empty members and members written by gzip -9 with a file name header', async () => {
  const raw = sampleBytes(20_000, 2);
  const dir = mkdtempSync(join(tmpdir(), 'strata-gz-'));
  writeFileSync(join(dir, 'sample.bin'), raw);
  const named = execFileSync('gzip', ['-9', '-c', '-N', join(dir, 'sample.bin')]);
  rmSync(dir, { recursive: true });
  const stream = Buffer.concat([gzipSync(Buffer.alloc(0)), named, gzipSync(Buffer.alloc(0))]);
  for (const [name, decoder] of decoders) {
    for (const size of [1, 3, 4096]) {
      const r = await decode(decoder, stream, size);
      assert.equal(r.error, undefined, `${name} @${size}: ${r.error?.message}`);
      assert.ok(r.out.equals(raw), `${name} @${size}`);
    }
  }
});

test('T22 multi-member gzip: two gzipSync members concatenated decode fully, not only the first', async () => {
  const a = sampleBytes(30_000, 3);
  const b = Buffer.from('second member\n');
  const stream = Buffer.concat([gzipSync(a), gzipSync(b)]);
  for (const [name, decoder] of decoders) {
    for (const size of [1, ...CHUNK_SIZES]) {
      const r = await decode(decoder, stream, size);
      assert.equal(r.error, undefined, `${name} @${size}: ${r.error?.message}`);
      assert.ok(r.out.equals(Buffer.concat([a, b])), `${name} @${size}: got ${r.out.length} bytes`);
    }
  }
});

test('T22 many small members (a member per 1000 bytes) decode fully', async () => {
  const raw = sampleBytes(30_000, 4);
  const parts: Buffer[] = [];
  for (let at = 0; at < raw.length; at += 1000) parts.push(gzipSync(raw.subarray(at, at + 1000)));
  const stream = Buffer.concat(parts);
  for (const [name, decoder] of decoders) {
    for (const size of [1, 100, 65536]) {
      if (size === 1 && name === 'gunzipWeb') continue;
      const r = await decode(decoder, stream, size);
      assert.equal(r.error, undefined, `${name} @${size}: ${r.error?.message}`);
      assert.ok(r.out.equals(raw), `${name} @${size}`);
    }
  }
});

test('T22 eStargz layer from the dive fixture decodes to the full tar (TOC and footer members included)', async () => {
  const index = JSON.parse(execFileSync('tar', ['-xOf', ESTARGZ_FIXTURE, 'index.json'], { encoding: 'utf8' })) as { manifests: { digest: string }[] };
  const manifestPath = `blobs/sha256/${index.manifests[0]!.digest.slice('sha256:'.length)}`;
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', ESTARGZ_FIXTURE, manifestPath], { encoding: 'utf8' })) as { layers: { digest: string }[] };
  const blob = execFileSync('tar', ['-xOf', ESTARGZ_FIXTURE, `blobs/sha256/${manifest.layers[0]!.digest.slice('sha256:'.length)}`]);
  const expected = gunzipSync(blob); // node:zlib reads every member
  assert.equal(expected.length, 14848, 'io.containers.estargz.uncompressed-size');
  for (const [name, decoder] of decoders) {
    for (const size of [1, 64, 4096]) {
      const r = await decode(decoder, blob, size);
      assert.equal(r.error, undefined, `${name} @${size}: ${r.error?.message}`);
      assert.ok(r.out.equals(expected), `${name} @${size}: got ${r.out.length} of ${expected.length} bytes`);
    }
  }
});

test('T23 zero padding after the last member is tolerated with a warning, and the output is complete', async () => {
  const raw = sampleBytes(20_000, 5);
  for (const padding of [1, 512, 100_000]) {
    const stream = Buffer.concat([gzipSync(raw), gzipSync(raw), Buffer.alloc(padding)]);
    for (const [name, decoder] of decoders) {
      for (const size of [1, 333, 65536]) {
        if (size === 1 && padding > 1) continue;
        const warnings: string[] = [];
        const r = await decode(decoder, stream, size, { onWarning: (code) => warnings.push(code) });
        assert.equal(r.error, undefined, `${name} @${size}: ${r.error?.message}`);
        assert.ok(r.out.equals(Buffer.concat([raw, raw])), `${name} @${size}`);
        assert.deepEqual(warnings, ['GZIP_TRAILING_ZEROS'], `${name} @${size} padding ${padding}`);
      }
    }
  }
});

test('T23 non-zero data after the last member is GZIP_TRAILING_DATA, never silently dropped', async () => {
  const raw = sampleBytes(20_000, 6);
  for (const junk of [Buffer.from('junk'), Buffer.from([0, 0, 0x41]), Buffer.from([0x1f])]) {
    const stream = Buffer.concat([gzipSync(raw), junk]);
    for (const [name, decoder] of decoders) {
      for (const size of [1, 4096]) {
        const r = await decode(decoder, stream, size);
        assert.ok(r.error, `${name} @${size}: expected an error for trailing ${junk.toString('hex')}`);
        assert.ok(['GZIP_TRAILING_DATA', 'GZIP_TRUNCATED'].includes(r.error.code), `${name}: ${r.error.code}`);
        assert.ok(raw.subarray(0, r.out.length).equals(r.out), `${name}: output is a prefix`);
      }
    }
  }
});

test('T24 truncated gzip (last 8 bytes dropped) yields the data decoded so far, then GZIP_TRUNCATED', async () => {
  const raw = sampleBytes(20_000, 7);
  const gz = gzipSync(raw);
  for (const cut of [8, 1, Math.floor(gz.length / 2)]) {
    for (const [name, decoder] of decoders) {
      for (const size of [1, 4096]) {
        const r = await decode(decoder, gz.subarray(0, gz.length - cut), size);
        assert.equal(r.error?.code, 'GZIP_TRUNCATED', `${name} @${size} cut ${cut}: ${r.error?.message}`);
        assert.ok(raw.subarray(0, r.out.length).equals(r.out), `${name}: output is a prefix`);
        if (cut === 8) assert.ok(r.out.length >= raw.length - 16384, `${name}: kept the decoded data (${r.out.length})`);
      }
    }
  }
  const full = await decode((i) => gunzipWithPako(i), gz.subarray(0, gz.length - 8), 4096);
  assert.equal(full.out.length, raw.length, 'the pako back end keeps every decoded byte');
});

test('T24 bad CRC or bad ISIZE in the trailer is GZIP_CORRUPT after the decoded data', async () => {
  const raw = sampleBytes(30_000, 8);
  const gz = gzipSync(raw);
  for (const at of [gz.length - 8, gz.length - 3]) {
    const bad = Buffer.from(gz);
    bad[at]! ^= 0x55;
    for (const [name, decoder] of decoders) {
      for (const size of [1, 65536]) {
        const r = await decode(decoder, bad, size);
        assert.ok(r.error, `${name} @${size}: corrupt trailer at ${at} accepted`);
        assert.ok(['GZIP_CORRUPT', 'GZIP_TRUNCATED'].includes(r.error.code), `${name}: ${r.error.code}`);
        assert.ok(raw.subarray(0, r.out.length).equals(r.out), `${name}: output is a prefix`);
      }
    }
  }
});

test('rejects an empty stream as truncated and a non-gzip stream as corrupt', async () => {
  for (const [name, decoder] of decoders) {
    assert.equal((await decode(decoder, Buffer.alloc(0), 1)).error?.code, 'GZIP_TRUNCATED', name);
    assert.equal((await decode(decoder, Buffer.from('ustar plain tar'), 4)).error?.code, 'GZIP_CORRUPT', name);
    assert.equal((await decode(decoder, Buffer.from([0x1f, 0x8b, 8, 0, 0]), 2)).error?.code, 'GZIP_TRUNCATED', name);
  }
});

test('T19 gzip bomb: output streams out in bounded pieces while only a little input has been read', async () => {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (c: Buffer) => parts.push(c));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < 1024; i++) gzip.write(zeros);
  await new Promise<void>((resolve) => gzip.end(resolve));
  const bomb = Buffer.concat(parts); // 1 GiB of zeros in about 1 MB
  for (const [name, decoder] of decoders) {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const c of chunksOf(bomb, 16 * 1024)) {
        pulled += c.length;
        yield c;
      }
    }
    let out = 0;
    let largest = 0;
    for await (const c of decoder(counted())) {
      out += c.length;
      largest = Math.max(largest, c.length);
      if (out >= 64 << 20) break;
    }
    assert.ok(out >= 64 << 20, name);
    assert.ok(largest <= 1 << 20, `${name}: largest output piece ${largest}`);
    assert.ok(pulled <= 256 * 1024, `${name}: read ${pulled} compressed bytes for 64 MiB of output`);
  }
});

test('stops with the abort reason when the signal is aborted mid-stream', async () => {
  const raw = sampleBytes(300_000, 9);
  const gz = gzipSync(raw);
  for (const [name, decoder] of decoders) {
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(async () => {
      for await (const c of decoder(chunksOf(gz, 1000), { signal: controller.signal })) {
        seen += c.length;
        if (seen > 1000) controller.abort();
      }
    }, { name: 'AbortError' }, name);
  }
});

test('Node 20 DecompressionStream is lenient about trailing data, so the probe picks the pako back end here', async () => {
  assert.equal(typeof (await hasStrictGzipDecompressionStream()), 'boolean');
  if (process.versions.node.startsWith('20.')) assert.equal(await hasStrictGzipDecompressionStream(), false);
});
