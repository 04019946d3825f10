// The IndexedDB layer cache on fake-indexeddb (an in-memory IndexedDB for Node): round trip, damaged entries,
// clearing, and running where IndexedDB is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import { layer } from '../../testing/layers.ts';
import { renderTree } from '../../core/tree/tree-rows.ts';
import { stackLayers } from '../../core/tree/union-tree.ts';
import { createIndexedDbLayerCache, createMemoryLayerCache, isQuotaError, stackKeyOf, type CachedLayer } from './layer-cache.ts';

const entry = (): CachedLayer => ({
  layer: layer({ name: 'etc/os-release', body: 'ID=strata' }, { name: 'bin/sh', type: 'symlink', link: 'busybox' }),
  meta: { compression: 'gzip', digest: 'sha256:aa', diffId: 'sha256:bb', compressedBytes: 10, uncompressedBytes: 2048, warnings: [{ code: 'X', message: 'kept' }] },
});

test('a stored layer index comes back equal from IndexedDB, across cache instances on the same database', async () => {
  const factory = new IDBFactory();
  await createIndexedDbLayerCache({ factory }).put('sha256:aa', entry());
  const got = await createIndexedDbLayerCache({ factory }).get('sha256:aa');
  assert.ok(got);
  assert.deepEqual(got.meta, entry().meta);
  assert.equal(renderTree(stackLayers([got.layer]), { sizes: true }), renderTree(stackLayers([entry().layer]), { sizes: true }));
  assert.equal(await createIndexedDbLayerCache({ factory }).get('sha256:missing'), undefined);
});

test('B6 a damaged entry is a miss and is deleted, so the layer is simply downloaded again', async () => {
  const factory = new IDBFactory();
  const cache = createIndexedDbLayerCache({ factory });
  await cache.put('sha256:aa', entry());
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = factory.open('strata-layer-cache', 1);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('layers', 'readwrite');
    tx.objectStore('layers').put({ v: 1, bytes: new ArrayBuffer(12), meta: entry().meta, storedAt: 0 }, 'sha256:aa');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
  assert.equal(await cache.get('sha256:aa'), undefined);
  const count = await new Promise<number>((resolve) => {
    const r = factory.open('strata-layer-cache', 1);
    r.onsuccess = () => {
      const c = r.result.transaction('layers').objectStore('layers').count();
      c.onsuccess = () => resolve(c.result);
    };
  });
  assert.equal(count, 0);
});

test('clear() empties the store', async () => {
  const cache = createIndexedDbLayerCache({ factory: new IDBFactory() });
  await cache.put('sha256:aa', entry());
  await cache.clear();
  assert.equal(await cache.get('sha256:aa'), undefined);
});

test('without IndexedDB every lookup misses and storing does nothing', async () => {
  const cache = createIndexedDbLayerCache({ factory: undefined as unknown as IDBFactory, name: 'x' });
  const hadGlobal = 'indexedDB' in globalThis;
  assert.equal(hadGlobal, false, 'Node has no IndexedDB of its own');
  await cache.put('sha256:aa', entry());
  assert.equal(await cache.get('sha256:aa'), undefined);
});

test('B4 the memory cache fails like a full store once over its quota', async () => {
  const cache = createMemoryLayerCache({ quotaBytes: 100 });
  const e = await cache.put('k', entry()).then(() => undefined, (x: unknown) => x);
  assert.ok(isQuotaError(e));
  assert.equal(cache.size, 0);
});

test('an image\'s stacked tree is stored in its own database, comes back as stored, and clear() empties it too', async () => {
  const factory = new IDBFactory();
  const cache = createIndexedDbLayerCache({ factory });
  const key = stackKeyOf(['sha256:aa', 'sha256:bb'])!;
  const metrics = { efficiencyScore: 1, wastedBytes: 0, sizeBytes: 9, userSizeBytes: 0, userWastedPercent: 0, reclaimableBytes: 0, inefficiencies: [], reclaimablePaths: [], partial: false };
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer;
  await cache.putStack!(key, { bytes, meta: { stacked: [0, 1], reclaimable: [0, 0], metrics } });
  const got = await createIndexedDbLayerCache({ factory }).getStack!(key);
  assert.deepEqual(got && { bytes: [...new Uint8Array(got.bytes)], meta: got.meta }, { bytes: [1, 2, 3, 4, 5, 6, 7, 8], meta: { stacked: [0, 1], reclaimable: [0, 0], metrics } });
  assert.equal(stackKeyOf(['sha256:aa', undefined]), undefined, 'no key without every layer\'s digest');
  await cache.clear();
  assert.equal(await cache.getStack!(key), undefined);
  const layerDb = await new Promise<IDBDatabase>((resolve) => {
    const r = factory.open('strata-layer-cache', 1);
    r.onsuccess = () => resolve(r.result);
  });
  assert.deepEqual([...layerDb.objectStoreNames], ['layers'], 'the layer database keeps its one store and version');
  layerDb.close();
});

test('a stacked tree\'s preview is stored in a store of its own, read back by another cache instance, and cleared with it', async () => {
  const factory = new IDBFactory();
  // A database from before previews existed (version 1, one store) is upgraded in place.
  await new Promise<void>((resolve) => {
    const r = factory.open('strata-layer-cache-stacks', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('stacks');
    r.onsuccess = () => { r.result.close(); resolve(); };
  });
  const cache = createIndexedDbLayerCache({ factory });
  const key = stackKeyOf(['sha256:aa'])!;
  const metrics = { efficiencyScore: 1, wastedBytes: 0, sizeBytes: 9, userSizeBytes: 0, userWastedPercent: 0, reclaimableBytes: 0, inefficiencies: [], reclaimablePaths: [], partial: false };
  const preview = { v: 1, layer: 0, answer: { total: 1, start: 0, rows: [{ path: '/etc' }], partial: false, asOfLayer: 0 } };
  await cache.putStack!(key, { bytes: new ArrayBuffer(8), meta: { stacked: [0], reclaimable: [0], metrics }, preview });
  assert.deepEqual(await cache.getPreview!(key), preview, 'from the writing instance (kept in memory)');
  const other = createIndexedDbLayerCache({ factory });
  assert.deepEqual(await other.getPreview!(key), preview, 'from IndexedDB');
  assert.equal(await other.getPreview!(stackKeyOf(['sha256:bb'])!), undefined);
  await other.putStack!(key, { bytes: new ArrayBuffer(8), meta: { stacked: [0], reclaimable: [0], metrics } });
  assert.equal(await createIndexedDbLayerCache({ factory }).getPreview!(key), undefined, 'a tree stored without a preview drops the old one');
  await cache.putStack!(key, { bytes: new ArrayBuffer(8), meta: { stacked: [0], reclaimable: [0], metrics }, preview });
  await cache.clear();
  assert.equal(await cache.getPreview!(key), undefined);
  assert.equal(await createIndexedDbLayerCache({ factory }).getPreview!(key), undefined);
});
