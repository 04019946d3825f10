// The cache of parsed layer indexes, keyed by blob digest (worker side): IndexedDB in the browser, a Map in
// tests. Only digest-verified layers are stored (hardening B5); a miss or an evicted entry simply means the
// layer is downloaded again (B6); a full store rejects put() with QuotaExceededError for the caller to report (B4).
// Beside it, the stacked union tree of whole images keyed by their ordered layer digests, so a reopen skips stacking.
import { deserializeLayerIndex, serializeLayerIndex } from '../../core/layers/layer-index-codec.ts';
import type { LayerIndex } from '../../core/layers/layer-index.ts';
import type { Metrics } from '../../protocol/messages.ts';
import type { Compression } from '../sniff.ts';

export type CachedLayerMeta = {
  readonly compression: Compression;
  readonly digest: string;
  readonly diffId: string;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
};

export type CachedLayer = { readonly layer: LayerIndex; readonly meta: CachedLayerMeta };

/** What a stacked image needs besides its tree bytes: tree position → image layer, reclaimable bytes, metrics. */
export type CachedStackMeta = { readonly stacked: readonly number[]; readonly reclaimable: readonly number[]; readonly metrics: Metrics };
/**
 * A serialised union tree (src/core/tree/union-tree-codec.ts), read back as stored (no copy, no decode here), and
 * the first page of its default view (stored as a small record of its own, read before the tree).
 */
export type CachedStack = { readonly bytes: ArrayBuffer; readonly meta: CachedStackMeta; readonly preview?: unknown };

/** The key of an image's stacked tree: its layers' keys in order (undefined when one has none). */
export function stackKeyOf(layerKeys: readonly (string | undefined)[]): string | undefined {
  return layerKeys.every((k) => k !== undefined) && layerKeys.length > 0 ? `stack:${layerKeys.join(',')}` : undefined;
}

const MAX_STACKS = 8;

export type LayerCache = {
  /** The stored layer, or undefined (never stored, evicted, or unreadable — a damaged entry is dropped). */
  get(key: string): Promise<CachedLayer | undefined>;
  /** Stores a verified layer; rejects with the store's error (QuotaExceededError when full). */
  put(key: string, entry: CachedLayer): Promise<void>;
  clear(): Promise<void>;
  /** The stacked tree stored for this image key, or undefined. */
  getStack?(key: string): Promise<CachedStack | undefined>;
  /** Stores an image's stacked tree and its preview (at most a few are kept); rejects with the store's error. */
  putStack?(key: string, entry: CachedStack): Promise<void>;
  /** The preview stored with this image key's tree (first-page-preview.ts validates it), or undefined. */
  getPreview?(key: string): Promise<unknown>;
};

type StoredStack = { readonly v: 1; readonly bytes: ArrayBuffer; readonly meta: CachedStackMeta };

function stackFromRecord(value: unknown): CachedStack | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<StoredStack>;
  if (r.v !== RECORD_VERSION || !(r.bytes instanceof ArrayBuffer) || typeof r.meta !== 'object' || r.meta === null) return undefined;
  if (!Array.isArray(r.meta.stacked) || !Array.isArray(r.meta.reclaimable) || typeof r.meta.metrics !== 'object') return undefined;
  return { bytes: r.bytes, meta: r.meta };
}

type StoredRecord = { readonly v: 1; readonly bytes: ArrayBuffer; readonly meta: CachedLayerMeta; readonly storedAt: number };

const RECORD_VERSION = 1;
const STORE = 'layers';
const STACKS = 'stacks';
const PREVIEWS = 'previews';

function toRecord(entry: CachedLayer): StoredRecord {
  return { v: RECORD_VERSION, bytes: serializeLayerIndex(entry.layer), meta: entry.meta, storedAt: Date.now() };
}

function fromRecord(value: unknown): CachedLayer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<StoredRecord>;
  if (r.v !== RECORD_VERSION || !(r.bytes instanceof ArrayBuffer) || typeof r.meta !== 'object' || r.meta === null) return undefined;
  const ix = deserializeLayerIndex(r.bytes);
  return ix.ok ? { layer: ix.value, meta: r.meta } : undefined;
}

/** A Map-backed cache (tests, and browsers without IndexedDB); `quotaBytes` makes put() fail like a full store. */
export function createMemoryLayerCache(options: { quotaBytes?: number } = {}): LayerCache & { readonly size: number } {
  const records = new Map<string, StoredRecord>();
  const stacks = new Map<string, StoredStack>();
  const previews = new Map<string, unknown>();
  let used = 0;
  return {
    get size() {
      return records.size;
    },
    get: async (key) => {
      const found = fromRecord(records.get(key));
      if (!found) records.delete(key);
      return found;
    },
    put: async (key, entry) => {
      const record = toRecord(entry);
      if (options.quotaBytes !== undefined && used + record.bytes.byteLength > options.quotaBytes) {
        throw new DOMException('the storage quota has been exceeded', 'QuotaExceededError');
      }
      used += record.bytes.byteLength;
      records.set(key, record);
    },
    clear: async () => {
      records.clear();
      stacks.clear();
      previews.clear();
      used = 0;
    },
    getStack: async (key) => {
      const found = stackFromRecord(stacks.get(key));
      // A copy, as IndexedDB would give: an adopted tree owns its buffer.
      return found && { bytes: found.bytes.slice(0), meta: found.meta };
    },
    putStack: async (key, entry) => {
      if (options.quotaBytes !== undefined && used + entry.bytes.byteLength > options.quotaBytes) {
        throw new DOMException('the storage quota has been exceeded', 'QuotaExceededError');
      }
      if (stacks.size >= MAX_STACKS) {
        const oldest = stacks.keys().next().value!;
        stacks.delete(oldest);
        previews.delete(oldest);
      }
      stacks.set(key, { v: RECORD_VERSION, bytes: entry.bytes.slice(0), meta: entry.meta });
      if (entry.preview !== undefined) previews.set(key, structuredClone(entry.preview));
      else previews.delete(key);
    },
    getPreview: async (key) => structuredClone(previews.get(key)),
  };
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // A quota failure surfaces as an aborted transaction whose error is the QuotaExceededError.
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
    tx.onerror = () => undefined;
  });
}

/**
 * The browser cache on IndexedDB (database "strata-layer-cache"). Where IndexedDB is missing or refuses to open
 * (private windows, blocked storage), every get misses and put does nothing: the app works, only slower.
 */
export function createIndexedDbLayerCache(options: { name?: string; factory?: IDBFactory } = {}): LayerCache {
  const name = options.name ?? 'strata-layer-cache';
  const dbs = new Map<string, Promise<IDBDatabase | undefined>>();
  // Previews this worker stored, kept in memory too: a reopen right after the first open would otherwise wait for the
  // tree's write (tens of MB) to commit before IndexedDB answers even a small read.
  const recentPreviews = new Map<string, unknown>();
  // Stacks live in their own database, so the layer database keeps its version and single store.
  const openDb = (dbName: string, version: number, stores: readonly string[]): Promise<IDBDatabase | undefined> => {
    let db = dbs.get(dbName);
    if (db === undefined) {
      db = (async () => {
        const factory = options.factory ?? (typeof indexedDB === 'undefined' ? undefined : indexedDB);
        if (!factory) return undefined;
        try {
          const req = factory.open(dbName, version);
          req.onupgradeneeded = () => {
            for (const store of stores) if (!req.result.objectStoreNames.contains(store)) req.result.createObjectStore(store);
          };
          const opened = await request(req);
          opened.onversionchange = () => opened.close();
          return opened;
        } catch {
          return undefined;
        }
      })();
      dbs.set(dbName, db);
    }
    return db;
  };
  const open = () => openDb(name, 1, [STORE]);
  // Version 2 added the previews store: a store of its own, so reading a preview never waits for a tree being written.
  const openStacks = () => openDb(`${name}-stacks`, 2, [STACKS, PREVIEWS]);
  return {
    async get(key) {
      const d = await open();
      if (!d) return undefined;
      const value = await request(d.transaction(STORE, 'readonly').objectStore(STORE).get(key)).catch(() => undefined);
      if (value === undefined) return undefined;
      const found = fromRecord(value);
      if (!found) {
        const tx = d.transaction(STORE, 'readwrite');
        tx.objectStore(STORE).delete(key);
        await done(tx).catch(() => undefined);
      }
      return found;
    },
    async put(key, entry) {
      const d = await open();
      if (!d) return;
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(toRecord(entry), key);
      await done(tx);
    },
    async clear() {
      recentPreviews.clear();
      const d = await open();
      if (!d) return;
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).clear();
      await done(tx);
      const ds = await openStacks();
      if (!ds) return;
      const txs = ds.transaction([STACKS, PREVIEWS], 'readwrite');
      txs.objectStore(STACKS).clear();
      txs.objectStore(PREVIEWS).clear();
      await done(txs);
    },
    async getStack(key) {
      const d = await openStacks();
      if (!d) return undefined;
      const value = await request(d.transaction(STACKS, 'readonly').objectStore(STACKS).get(key)).catch(() => undefined);
      return stackFromRecord(value);
    },
    async getPreview(key) {
      if (recentPreviews.has(key)) return structuredClone(recentPreviews.get(key));
      const d = await openStacks();
      if (!d) return undefined;
      return request(d.transaction(PREVIEWS, 'readonly').objectStore(PREVIEWS).get(key)).catch(() => undefined);
    },
    async putStack(key, entry) {
      const d = await openStacks();
      if (!d) return;
      recentPreviews.delete(key);
      if (recentPreviews.size >= MAX_STACKS) recentPreviews.delete(recentPreviews.keys().next().value!);
      if (entry.preview !== undefined) recentPreviews.set(key, structuredClone(entry.preview));
      // The small preview first, in its own store and transaction; a preview whose tree is missing is dropped by
      // the reopen that finds no tree (image-session.ts), and both stores are capped alike.
      const txp = d.transaction(PREVIEWS, 'readwrite');
      const previews = txp.objectStore(PREVIEWS);
      if (await request(previews.count()) >= MAX_STACKS) previews.clear();
      if (entry.preview !== undefined) previews.put(entry.preview, key);
      else previews.delete(key);
      await done(txp);
      const tx = d.transaction(STACKS, 'readwrite');
      const store = tx.objectStore(STACKS);
      // Whole-image trees are large and only speed up reopening: keep a few, dropping them all when full.
      const n = await request(store.count());
      if (n >= MAX_STACKS) store.clear();
      const record: StoredStack = { v: RECORD_VERSION, bytes: entry.bytes, meta: entry.meta };
      store.put(record, key);
      await done(tx);
    },
  };
}

/** Whether an error from put() means the storage is full (B4). */
export function isQuotaError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QuotaExceededError';
}
