// The browser's Codecs for the layer pipeline (worker side, also usable in Node tests): member-aware gunzip on
// DecompressionStream (pako where it is missing or lenient), libzstd WebAssembly, hash-wasm SHA-256/512 and the
// XXH64 content hasher. Each is the fastest correct choice measured in spec/perf.md.
import type { Codecs } from '../codecs.ts';
import { createContentHasherWeb } from './content-hash-web.ts';
import { gunzipWeb } from './gunzip-web.ts';
import { createSha256Web, createSha512Web } from './sha256-web.ts';
import { unzstd } from './unzstd.ts';

export const webCodecs: Codecs = {
  name: 'web (DecompressionStream gzip, libzstd wasm, hash-wasm sha256, xxh64)',
  hasher: (algorithm) => (algorithm === 'sha512' ? createSha512Web() : createSha256Web()),
  gunzip: (input, options) => gunzipWeb(input, options),
  unzstd: (input, options) => unzstd(input, options),
  contentHasher: () => createContentHasherWeb(),
};
