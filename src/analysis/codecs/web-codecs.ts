// The browser's Codecs for the layer pipeline (worker side, also usable in Node tests): member-aware gunzip on
// zlib WebAssembly (DecompressionStream, then pako, where that cannot run), libzstd WebAssembly, hash-wasm
// SHA-256/512 — on a pool of hash workers for the big streams when a factory is given — and the XXH64 content
// hasher. Each is the fastest correct choice measured in spec/perf.md and bench/.
import type { DigestAlgorithm } from '../../core/oci/digest.ts';
import type { Codecs, IncrementalHash } from '../codecs.ts';
import { createContentHasherWeb } from './content-hash-web.ts';
import { gunzipWeb } from './gunzip-web.ts';
import { HashWorkerPool, type HashPort } from './hash-offload.ts';
import { createSha256Web, createSha512Web } from './sha256-web.ts';
import { unzstd } from './unzstd.ts';

export type WebCodecsOptions = {
  /** starts one hash worker (workers/hash.worker.ts); without it every hash runs on the calling thread */
  readonly createHashWorker?: () => HashPort;
  /** hash workers at most (default 2: digest and diffId of one layer on separate threads) */
  readonly hashWorkers?: number;
};

/** An in-thread hash-wasm hasher behind the (async) IncrementalHash contract. */
export async function createInThreadHasher(algorithm: DigestAlgorithm): Promise<IncrementalHash> {
  const h = algorithm === 'sha512' ? await createSha512Web() : await createSha256Web();
  return { update: (bytes) => h.update(bytes), digestHex: async () => h.digestHex(), dispose: () => undefined };
}

export function createWebCodecs(options: WebCodecsOptions = {}): Codecs {
  const { createHashWorker } = options;
  const pool = createHashWorker ? new HashWorkerPool(createHashWorker, options.hashWorkers ?? 2) : undefined;
  return {
    name: `web (zlib wasm gzip, libzstd wasm, hash-wasm sha256${pool ? ' in hash workers' : ''}, xxh64)`,
    hasher: async (algorithm, hasherOptions) => {
      if (!pool || !hasherOptions?.offload) return createInThreadHasher(algorithm);
      try {
        return pool.open(algorithm);
      } catch {
        // No nested workers here (the constructor throws): hash on this thread, as before.
        return createInThreadHasher(algorithm);
      }
    },
    gunzip: (input, decodeOptions) => gunzipWeb(input, decodeOptions),
    unzstd: (input, decodeOptions) => unzstd(input, decodeOptions),
    contentHasher: () => createContentHasherWeb(),
  };
}

/** Everything on the calling thread (Node tests, environments without nested workers). */
export const webCodecs: Codecs = createWebCodecs();
