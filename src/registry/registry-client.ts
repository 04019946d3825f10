// RegistryClient: one registry host's pull-side API (ping, manifests, blobs with resume and verification, tags,
// catalog) over an injected transport. Effectful; page, workers and Node. See session.ts for the request rules.
import type { Descriptor } from '../core/oci/manifest.ts';
import { LIMITS_JSON } from '../core/oci/json.ts';
import { streamBlob, type BlobOpenOptions, type ForeignUrlPolicy } from './blob-stream.ts';
import { readBlobBytes, readVerifiedBlob, verifyingStream, type VerifiedReadOptions } from './blob-verify.ts';
import type { RegistryError } from './errors.ts';
import { createWasmHasher, type CreateHasher } from './hashing.ts';
import { listCatalog, listTags, type Listing, type ListingOptions } from './listing.ts';
import { fetchManifest, headManifest, type FetchedManifest, type ManifestHead } from './manifests.ts';
import { RegistrySession, type SendSpec, type SessionOptions, type SessionResponse } from './session.ts';

export type RegistryClientOptions = SessionOptions & {
  /** Which descriptor `urls` (foreign layers) may be downloaded; default none (P18). */
  readonly foreignUrlPolicy?: ForeignUrlPolicy | undefined;
  /** Hash implementation for verification (default: hash-wasm). */
  readonly createHasher?: CreateHasher | undefined;
};

export type PingResult = {
  readonly status: number;
  /** How the registry wants to be authenticated, as its /v2/ answer says. */
  readonly auth: 'none' | 'bearer' | 'basic';
  /** Scheme that worked (http only for local/insecure registries). */
  readonly scheme: 'https' | 'http';
};

type Signal = { readonly signal?: AbortSignal | undefined };

export class RegistryClient {
  readonly registry: string;
  /** The request core; push code and advanced callers use `send`. */
  readonly session: RegistrySession;
  private readonly foreignUrlPolicy: ForeignUrlPolicy | undefined;
  private readonly createHasher: CreateHasher;

  constructor(options: RegistryClientOptions) {
    this.session = new RegistrySession(options);
    this.registry = options.registry;
    this.foreignUrlPolicy = options.foreignUrlPolicy;
    this.createHasher = options.createHasher ?? createWasmHasher;
  }

  /** GET /v2/: checks the registry speaks the API and learns its auth challenge (a 401 here is normal). */
  async ping(options: Signal = {}): Promise<PingResult> {
    const res = await this.session.send({ method: 'GET', path: '/v2/', what: 'API check (/v2/)', accept: (s) => s === 200 || s === 401, signal: options.signal });
    await res.discard();
    const mode = res.status === 401 ? this.session.auth.noteChallenge(res.headers.get('www-authenticate')) : undefined;
    return { status: res.status, auth: mode?.kind ?? 'none', scheme: this.session.baseUrl().protocol === 'http:' ? 'http' : 'https' };
  }

  /** A manifest or index by tag or digest; by digest the bytes are verified (P8). */
  getManifest(repository: string, reference: string, options: Signal = {}): Promise<FetchedManifest> {
    return fetchManifest(this.session, repository, reference, { signal: options.signal, createHasher: this.createHasher });
  }

  /** A manifest named by a descriptor (an index entry): size and digest both verified. */
  getManifestFor(repository: string, descriptor: Descriptor, options: Signal = {}): Promise<FetchedManifest> {
    return fetchManifest(this.session, repository, descriptor.digest, { signal: options.signal, createHasher: this.createHasher, expected: descriptor });
  }

  headManifest(repository: string, reference: string, options: Signal = {}): Promise<ManifestHead> {
    return headManifest(this.session, repository, reference, { signal: options.signal, createHasher: this.createHasher });
  }

  /**
   * Streams a blob's bytes, resuming broken downloads; never yields more than descriptor.size bytes. The bytes are NOT
   * digest-verified here: hash them yourself, wrap with `verifiedChunks`, or use `readVerifiedBlob`.
   */
  openBlob(repository: string, descriptor: Descriptor, options: BlobOpenOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    return streamBlob(this.session, repository, descriptor, { ...options, foreignUrlPolicy: this.foreignUrlPolicy });
  }

  /** `openBlob` plus size and digest verification at the end (throws DIGEST_MISMATCH/SIZE_MISMATCH instead of ending). */
  verifiedChunks(repository: string, descriptor: Descriptor, options: BlobOpenOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const what = { what: `blob ${descriptor.digest}`, repository, digest: descriptor.digest };
    const fail = (code: 'DIGEST_MISMATCH' | 'SIZE_MISMATCH', why: string): RegistryError => this.session.failure(what, code, why);
    return verifyingStream(this.openBlob(repository, descriptor, options), descriptor, fail, this.createHasher);
  }

  /** Verified download fed to `consume`, restarted once from byte 0 if a resumed download fails verification (F6). */
  readVerifiedBlob<T>(
    repository: string,
    descriptor: Descriptor,
    consume: (chunks: AsyncIterable<Uint8Array>, attempt: number) => Promise<T>,
    options: VerifiedReadOptions = {},
  ): Promise<T> {
    return readVerifiedBlob(this.session, repository, descriptor, consume, { createHasher: this.createHasher, foreignUrlPolicy: this.foreignUrlPolicy, ...options });
  }

  /** A small blob (config) read whole and verified; refused before any request above `maxBytes` (default 8 MiB). */
  readBlob(repository: string, descriptor: Descriptor, options: Signal & { readonly maxBytes?: number } = {}): Promise<Uint8Array> {
    return readBlobBytes(this.session, repository, descriptor, options.maxBytes ?? LIMITS_JSON.configBytes, {
      signal: options.signal, createHasher: this.createHasher, foreignUrlPolicy: this.foreignUrlPolicy,
    });
  }

  listTags(repository: string, options: ListingOptions = {}): Promise<Listing> {
    return listTags(this.session, repository, options);
  }

  listCatalog(options: ListingOptions = {}): Promise<Listing> {
    return listCatalog(this.session, options);
  }

  /** Low-level request with this client's auth, retries and timeouts. */
  send(spec: SendSpec): Promise<SessionResponse> {
    return this.session.send(spec);
  }

  /** Distinct `Warning: 299` texts the registry sent, capped at 4096 bytes in total (P19). */
  warnings(): readonly string[] {
    return this.session.warnings.list();
  }
}
