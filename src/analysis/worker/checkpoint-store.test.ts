// The gzip checkpoint store on fake-indexeddb (an in-memory IndexedDB for Node): round trip by digest, a damaged
// record reads as missing, and clear() empties it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { IDBFactory } from 'fake-indexeddb';
import { noiseBytes } from '../../testing/image-fixture.ts';
import { GzipCheckpointRecorder } from '../codecs/gzip-checkpoints.ts';
import { createIndexedDbCheckpointStore, packCheckpoints, unpackCheckpoints } from './checkpoint-store.ts';

function sampleIndex() {
  const text = new TextEncoder().encode(Array.from({ length: 60_000 }, (_, i) => `line ${i % 977} ${i}\n`).join(''));
  const data = new Uint8Array(text.length + 300_000);
  data.set(text);
  data.set(noiseBytes(300_000, 5), text.length);
  const r = new GzipCheckpointRecorder(64 * 1024);
  r.push(new Uint8Array(gzipSync(data)));
  return r.finish();
}

test('a checkpoint index survives IndexedDB by digest, windows and offsets intact; clear() forgets it', async () => {
  const index = sampleIndex();
  assert.ok(index.checkpoints.length >= 5);
  const store = createIndexedDbCheckpointStore(new IDBFactory());
  assert.equal(await store.get('sha256:aa'), undefined);
  await store.put('sha256:aa', index);
  const back = await store.get('sha256:aa');
  assert.ok(back);
  assert.deepEqual({ ...back, checkpoints: back.checkpoints.map((c) => ({ ...c, window: [...c.window] })) },
    { ...index, checkpoints: index.checkpoints.map((c) => ({ ...c, window: [...c.window] })) });
  await store.clear();
  assert.equal(await store.get('sha256:aa'), undefined);
});

test('a damaged stored record reads as no index, never as wrong offsets', () => {
  const packed = packCheckpoints('sha256:bb', sampleIndex());
  assert.ok(unpackCheckpoints(packed));
  const badBits = { ...packed, numbers: packed.numbers.slice() };
  badBits.numbers[1] = 9;
  assert.equal(unpackCheckpoints(badBits), undefined);
  assert.equal(unpackCheckpoints({ ...packed, windows: packed.windows.subarray(0, 10) }), undefined);
  assert.equal(unpackCheckpoints({ ...packed, numbers: new Float64Array(3) }), undefined);
  assert.equal(unpackCheckpoints('junk'), undefined);
});
