// Where the gzip checkpoint index of a layer is kept between file views and reloads (worker side): its own
// IndexedDB database keyed by the layer's blob digest (content-addressed, so it never goes stale), separate from
// the layer cache; an in-memory store where IndexedDB is missing (Node, tests).
import type { GzipCheckpoint, GzipCheckpointIndex } from '../codecs/gzip-checkpoints.ts';

export type CheckpointStore = {
  get(digest: string): Promise<GzipCheckpointIndex | undefined>;
  put(digest: string, index: GzipCheckpointIndex): Promise<void>;
  clear(): Promise<void>;
};

const DB_NAME = 'strata-gzip-checkpoints';
const STORE = 'checkpoints';

/** The stored form: three numbers per checkpoint and all windows back to back (structured-clone friendly). */
type Packed = {
  readonly digest: string;
  readonly span: number;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  /** compressedOffset, bits, uncompressedOffset, window length — per checkpoint */
  readonly numbers: Float64Array;
  readonly windows: Uint8Array;
};

export function packCheckpoints(digest: string, index: GzipCheckpointIndex): Packed {
  const n = index.checkpoints.length;
  const numbers = new Float64Array(n * 4);
  const windows = new Uint8Array(index.checkpoints.reduce((s, c) => s + c.window.length, 0));
  let at = 0;
  index.checkpoints.forEach((c, i) => {
    numbers.set([c.compressedOffset, c.bits, c.uncompressedOffset, c.window.length], i * 4);
    windows.set(c.window, at);
    at += c.window.length;
  });
  return { digest, span: index.span, compressedBytes: index.compressedBytes, uncompressedBytes: index.uncompressedBytes, numbers, windows };
}

/** The index back from its stored form; undefined for anything malformed (a damaged record is just missing). */
export function unpackCheckpoints(value: unknown): GzipCheckpointIndex | undefined {
  const p = value as Partial<Packed> | undefined;
  if (!p || !(p.numbers instanceof Float64Array) || !(p.windows instanceof Uint8Array) || p.numbers.length % 4 !== 0) return undefined;
  if (typeof p.span !== 'number' || typeof p.compressedBytes !== 'number' || typeof p.uncompressedBytes !== 'number') return undefined;
  const checkpoints: GzipCheckpoint[] = [];
  let at = 0;
  for (let i = 0; i < p.numbers.length; i += 4) {
    const [compressedOffset, bits, uncompressedOffset, length] = [p.numbers[i]!, p.numbers[i + 1]!, p.numbers[i + 2]!, p.numbers[i + 3]!];
    const prev = checkpoints.at(-1);
    if (!(bits >= 0 && bits <= 7) || length > 32768 || at + length > p.windows.length || compressedOffset > p.compressedBytes) return undefined;
    if (prev && (uncompressedOffset <= prev.uncompressedOffset || compressedOffset < prev.compressedOffset)) return undefined;
    checkpoints.push({ compressedOffset, bits, uncompressedOffset, window: p.windows.subarray(at, at + length) });
    at += length;
  }
  return { span: p.span, compressedBytes: p.compressedBytes, uncompressedBytes: p.uncompressedBytes, checkpoints };
}

export function createMemoryCheckpointStore(): CheckpointStore {
  const map = new Map<string, Packed>();
  return {
    get: async (digest) => unpackCheckpoints(map.get(digest)),
    put: async (digest, index) => void map.set(digest, packCheckpoints(digest, index)),
    clear: async () => map.clear(),
  };
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export function createIndexedDbCheckpointStore(factory: IDBFactory = indexedDB): CheckpointStore {
  let db: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const r = factory.open(DB_NAME, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'digest' });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error('cannot open the checkpoint store'));
    });
    db.catch(() => { db = undefined; });
    return db;
  };
  const store = async (mode: IDBTransactionMode) => (await open()).transaction(STORE, mode).objectStore(STORE);
  return {
    get: async (digest) => unpackCheckpoints(await request((await store('readonly')).get(digest))),
    put: async (digest, index) => void (await request((await store('readwrite')).put(packCheckpoints(digest, index)))),
    clear: async () => void (await request((await store('readwrite')).clear())),
  };
}

let shared: CheckpointStore | undefined;

/** The worker's store: IndexedDB where it exists, else memory (lives as long as the worker). */
export function defaultCheckpointStore(): CheckpointStore {
  shared ??= typeof indexedDB === 'undefined' ? createMemoryCheckpointStore() : createIndexedDbCheckpointStore();
  return shared;
}
