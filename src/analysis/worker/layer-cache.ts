// The cache of parsed layer indexes, keyed by blob digest (worker side): IndexedDB in the browser, a Map in
// tests. Only digest-verified layers are stored (hardening B5); a miss or an evicted entry simply means the
// layer is downloaded again (B6); a full store rejects put() with QuotaExceededError for the caller to report (B4).
import { deserializeLayerIndex, serializeLayerIndex } from '../../core/layers/layer-index-codec.ts';
import type { LayerIndex } from '../../core/layers/layer-index.ts';
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

export type LayerCache = {
  /** The stored layer, or undefined (never stored, evicted, or unreadable — a damaged entry is dropped). */
  get(key: string): Promise<CachedLayer | undefined>;
  /** Stores a verified layer; rejects with the store's error (QuotaExceededError when full). */
  put(key: string, entry: CachedLayer): Promise<void>;
  clear(): Promise<void>;
};

type StoredRecord = { readonly v: 1; readonly bytes: ArrayBuffer; readonly meta: CachedLayerMeta; readonly storedAt: number };

const RECORD_VERSION = 1;
const STORE = 'layers';

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
      used = 0;
    },
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
  let db: Promise<IDBDatabase | undefined> | undefined;
  const open = (): Promise<IDBDatabase | undefined> => {
    db ??= (async () => {
      const factory = options.factory ?? (typeof indexedDB === 'undefined' ? undefined : indexedDB);
      if (!factory) return undefined;
      try {
        const req = factory.open(name, 1);
        req.onupgradeneeded = () => {
          if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
        };
        const opened = await request(req);
        opened.onversionchange = () => opened.close();
        return opened;
      } catch {
        return undefined;
      }
    })();
    return db;
  };
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
      const d = await open();
      if (!d) return;
      const tx = d.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).clear();
      await done(tx);
    },
  };
}

/** Whether an error from put() means the storage is full (B4). */
export function isQuotaError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QuotaExceededError';
}
