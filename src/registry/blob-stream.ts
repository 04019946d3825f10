// Streams one blob with resume: Content-Length checked against the descriptor before streaming (P16), never more than
// descriptor.size bytes (P17), a dropped connection resumed with `Range: bytes=<offset>-` from the registry URL (F1,
// F15) accepting only a 206 whose Content-Range starts there and runs to the end (F4) or a 200 whose first bytes are
// skipped (F3, containerd); 3 failures without progress end it (F2). Foreign `urls` only by policy (P18). Page/worker/Node.
import type { Descriptor } from '../core/oci/manifest.ts';
import { parseDigest } from '../core/oci/digest.ts';
import { repositoryScope } from './challenge.ts';
import { isRegistryError, RegistryError } from './errors.ts';
import type { RegistrySession, SendSpec, SessionResponse } from './session.ts';

export const MAX_NO_PROGRESS_FAILURES = 3;
const RESUME_DELAY_MS = 250;

export type BlobOpenOptions = {
  readonly signal?: AbortSignal | undefined;
  /** Bytes delivered so far (including `offset`) and the total. */
  readonly onProgress?: ((received: number, total: number) => void) | undefined;
  /** Called each time a broken download continues from `offset` with a Range request. */
  readonly onResume?: ((offset: number) => void) | undefined;
  /** Start at this byte (the caller already holds the bytes before it). */
  readonly offset?: number | undefined;
  /** Stop before this byte (a bounded `Range: bytes=offset-(end-1)`; random access into a blob). Default: the end. */
  readonly end?: number | undefined;
  /** Resume after a broken connection (default true). */
  readonly resume?: boolean | undefined;
};

/** Which foreign URLs (descriptor `urls`, non-distributable layers) may be fetched; none by default (P18). */
export type ForeignUrlPolicy = (url: URL) => boolean;

/** "bytes a-b/total" → numbers; undefined for anything malformed (RFC 9110 §14.4). */
export function parseContentRange(value: string | null): { start: number; end: number; total: number | undefined } | undefined {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? '');
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = m[3] === '*' ? undefined : Number(m[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start || (total !== undefined && end >= total)) return undefined;
  return { start, end, total };
}

function isResumable(e: unknown): boolean {
  return isRegistryError(e) && (e.code === 'NETWORK' || e.code === 'TIMEOUT');
}

/** Opens `descriptor` from `repository` and yields its bytes; see the module header for the guarantees. */
export async function* streamBlob(
  session: RegistrySession,
  repository: string,
  descriptor: Descriptor,
  options: BlobOpenOptions & { readonly foreignUrlPolicy?: ForeignUrlPolicy | undefined } = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { size } = descriptor;
  const spec = { what: `blob ${descriptor.digest}`, repository, digest: descriptor.digest };
  const digest = parseDigest(descriptor.digest);
  if (!digest.ok) throw session.failure(spec, 'DIGEST_INVALID', digest.error.message);
  if (!Number.isSafeInteger(size) || size < 0) throw session.failure(spec, 'SIZE_INVALID', `descriptor size ${size} is not a non-negative integer`);
  let offset = options.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) throw session.failure(spec, 'SIZE_INVALID', `start offset ${offset} is outside the blob (${size} bytes)`);
  const stop = options.end ?? size;
  if (!Number.isSafeInteger(stop) || stop < offset || stop > size) throw session.failure(spec, 'SIZE_INVALID', `end offset ${stop} is outside the blob (${offset}–${size})`);
  const foreign = descriptor.urls?.find((u) => allowed(u, options.foreignUrlPolicy));
  let noProgress = 0;

  while (offset < stop) {
    const fresh = offset === 0;
    const attemptStart = offset;
    try {
      const res = await openAt(session, repository, descriptor, offset, stop, foreign, options.signal);
      let skip = checkResponse(session, spec, res, offset, stop, size);
      for await (const chunk of res.chunks()) {
        let part = chunk;
        if (skip > 0) {
          const dropped = Math.min(skip, part.byteLength);
          skip -= dropped;
          part = part.subarray(dropped);
          if (part.byteLength === 0) continue;
        }
        if (offset + part.byteLength > size) {
          throw session.failure(spec, 'SIZE_MISMATCH', `the registry sent more than the ${size} bytes the manifest declares (trailing data)`);
        }
        // A server that ignored a bounded Range sends the whole blob: stop at `stop`.
        if (offset + part.byteLength > stop) part = part.subarray(0, stop - offset);
        offset += part.byteLength;
        options.onProgress?.(offset, size);
        yield part;
        if (offset >= stop && stop < size) break;
      }
      if (offset < stop) {
        throw session.failure(spec, 'NETWORK', `the response ended early at byte ${offset} of ${size}`);
      }
    } catch (e) {
      if (fresh && offset === 0 && isRegistryError(e, 'BLOB_UNKNOWN') && descriptor.urls?.length && foreign === undefined) {
        throw session.failure(spec, 'FOREIGN_URL_BLOCKED', `the registry does not hold this layer; it lives at ${descriptor.urls.slice(0, 3).join(', ')}, which this client is not allowed to fetch`, e, 404);
      }
      if (!isResumable(e) || options.resume === false) throw e;
      noProgress = offset > attemptStart ? 0 : noProgress + 1;
      if (noProgress >= MAX_NO_PROGRESS_FAILURES) {
        const why = `the download kept failing at byte ${offset} of ${size} (${MAX_NO_PROGRESS_FAILURES} attempts without progress): ${(e as Error).message}`;
        throw session.failure(spec, (e as RegistryError).code, why, e);
      }
      await session.clock.sleep(RESUME_DELAY_MS * (noProgress + 1), options.signal);
      options.onResume?.(offset);
    }
  }
}

function allowed(u: string, policy: ForeignUrlPolicy | undefined): boolean {
  if (policy === undefined) return false;
  try {
    const url = new URL(u);
    return (url.protocol === 'https:' || url.protocol === 'http:') && policy(url);
  } catch {
    return false;
  }
}

function openAt(session: RegistrySession, repository: string, d: Descriptor, offset: number, stop: number, foreign: string | undefined, signal?: AbortSignal): Promise<SessionResponse> {
  const bounded = stop < d.size;
  const spec: SendSpec = {
    method: 'GET',
    // Always the registry (or foreign) URL, never a redirect target from an earlier attempt: presigned URLs expire (F15).
    path: foreign ?? `/v2/${repository}/blobs/${d.digest}`,
    repository,
    scope: foreign === undefined ? repositoryScope(repository, 'pull') : undefined,
    headers: bounded ? { range: `bytes=${offset}-${stop - 1}` } : offset > 0 ? { range: `bytes=${offset}-` } : undefined,
    what: `blob ${d.digest}`,
    digest: d.digest,
    notFound: 'BLOB_UNKNOWN',
    accept: (s) => s === 200 || s === 206 || s === 416,
    signal,
  };
  return session.send(spec);
}

/** Validates status, Content-Range and Content-Length before any byte is used; returns how many bytes to skip. */
function checkResponse(session: RegistrySession, spec: Pick<SendSpec, 'what' | 'repository' | 'digest'>, res: SessionResponse, offset: number, stop: number, size: number): number {
  const fail = (code: 'SIZE_MISMATCH' | 'RESUME_FAILED', why: string): RegistryError => {
    void res.discard();
    return session.failure(spec, code, why, undefined, res.status);
  };
  // With a transport Content-Encoding, Content-Length counts encoded bytes; fetch hands us the decoded entity (F18).
  const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
  const lengthHeader = res.headers.get('content-length');
  const length = !encoded && lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  if (res.status === 416) throw fail('RESUME_FAILED', `the registry refused to resume at byte ${offset} of ${size} (HTTP 416 Range Not Satisfiable)`);
  if (res.status === 200) {
    if (length !== undefined && length !== size) throw fail('SIZE_MISMATCH', `the registry announces ${length} bytes but the manifest declares ${size}`);
    return offset; // a server that ignored Range: skip what we already have, never append it twice (F3)
  }
  const range = parseContentRange(res.headers.get('content-range'));
  if (range === undefined || range.start !== offset || range.end !== stop - 1 || (range.total !== undefined && range.total !== size)) {
    throw fail('RESUME_FAILED', `asked to resume at byte ${offset} of ${size} but got Content-Range "${(res.headers.get('content-range') ?? '').slice(0, 60)}"; refusing to recombine`);
  }
  if (length !== undefined && length !== stop - offset) throw fail('SIZE_MISMATCH', `the partial response announces ${length} bytes, expected ${stop - offset}`);
  return 0;
}
