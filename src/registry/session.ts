// The request core of the registry client: URL and scheme choice (https, http fallback for local registries, F20),
// authentication and one re-auth on 401 (P1, P4, P22, F14), bounded retries (F8–F11, F19), header and idle-body
// timeouts (F12), cancellation (F21), Warning collection (P19) and error bodies (P20). Page, worker and Node.
import { Authenticator, MAX_TOKEN_BODY_BYTES, type RegistryCredentials, type TokenReply, type TokenRequest } from './authenticator.ts';
import { collectBounded, collectPrefix, streamBody, type BodyFailure } from './body-reader.ts';
import { abortReason, RequestAbort, systemClock, type Clock } from './clock.ts';
import { errorFromStatus, MAX_ERROR_BODY_BYTES } from './error-response.ts';
import { composeMessage, describeTarget, RegistryError, type RegistryErrorCode } from './errors.ts';
import { checkRealm, hostnameOf } from './realm.ts';
import { fetchFollowing, RedirectError, type FollowResult } from './redirects.ts';
import { classifyNetworkError, DEFAULT_RETRY, isTransientStatus, RetryState, type NetworkErrorKind, type RetryLimits } from './retry-policy.ts';
import type { RegistryTransport } from './transport.ts';
import { WarningLog } from './warnings.ts';

export type Timeouts = { readonly headersMs: number; readonly bodyIdleMs: number };
export const DEFAULT_TIMEOUTS: Timeouts = { headersMs: 30_000, bodyIdleMs: 30_000 };

export type RetryEvent = { readonly what: string; readonly attempt: number; readonly delayMs: number; readonly reason: string };

export type SessionOptions = {
  /** The registry's API host[:port], e.g. registry-1.docker.io, ghcr.io, localhost:5000. */
  readonly registry: string;
  readonly transport: RegistryTransport;
  readonly credentials?: RegistryCredentials | undefined;
  /** Allow plain http after https fails. Default: only for localhost, 127.0.0.0/8 and [::1] (ggcr's rule, F20). */
  readonly insecure?: boolean | undefined;
  readonly timeouts?: Partial<Timeouts> | undefined;
  readonly retry?: Partial<RetryLimits> | undefined;
  readonly clock?: Clock | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
};

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type SendSpec = {
  readonly method: HttpMethod;
  /** "/v2/…" with query, or an absolute URL (upload Location, Link next). */
  readonly path: string;
  readonly repository?: string | undefined;
  /** Token scope this request needs (repository:<name>:pull …); none for /v2/. */
  readonly scope?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: Uint8Array | undefined;
  /** For messages: `manifest "latest"`, `blob sha256:…`. */
  readonly what: string;
  readonly digest?: string | undefined;
  readonly notFound?: RegistryErrorCode | undefined;
  /** Statuses handed back instead of thrown (default: 2xx). */
  readonly accept?: ((status: number) => boolean) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Retry transient failures (default: GET and HEAD only — a sent body is never replayed on a guess). */
  readonly retry?: boolean | undefined;
};

export type SessionResponse = {
  readonly status: number;
  readonly headers: Headers;
  /** The URL that answered (after redirects, when the client follows them). */
  readonly url: URL;
  /** The body's chunks with the idle timeout; iterate once. */
  chunks(): AsyncGenerator<Uint8Array, void, undefined>;
  /** The whole body, failing with `tooLarge()` past `maxBytes` without reading further. */
  readBody(maxBytes: number, tooLarge: () => Error): Promise<Uint8Array>;
  discard(): Promise<void>;
};

const is2xx = (s: number): boolean => s >= 200 && s < 300;

export function isLocalhostClass(host: string): boolean {
  const h = hostnameOf(host);
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1';
}

export class RegistrySession {
  readonly registry: string;
  readonly transport: RegistryTransport;
  readonly clock: Clock;
  readonly timeouts: Timeouts;
  readonly warnings: WarningLog;
  readonly auth: Authenticator;
  private readonly limits: RetryLimits;
  private readonly allowHttp: boolean;
  private scheme: 'https' | 'http' | undefined;

  constructor(private readonly options: SessionOptions) {
    this.registry = options.registry;
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.limits = { ...DEFAULT_RETRY, ...options.retry };
    this.warnings = new WarningLog(options.onWarning);
    this.allowHttp = options.insecure ?? isLocalhostClass(options.registry);
    this.scheme = this.allowHttp ? undefined : 'https';
    this.auth = new Authenticator(this.registry, () => this.allowHttp, options.credentials, () => this.clock.now(), (r, s) => this.fetchToken(r, s));
  }

  /** The registry's base URL as currently known (https unless http was found to be needed). */
  baseUrl(): URL {
    return new URL(`${this.scheme ?? 'https'}://${this.registry}/`);
  }

  /** Sends a request; resolves with an accepted response, throws a RegistryError (or the caller's abort reason). */
  async send(spec: SendSpec): Promise<SessionResponse> {
    const retry = new RetryState(this.limits);
    const canRetry = spec.retry ?? (spec.method === 'GET' || spec.method === 'HEAD');
    let reauthed = false;
    for (let attempt = 1; ; attempt++) {
      if (spec.signal?.aborted) throw abortReason(spec.signal);
      const url = new URL(spec.path, this.baseUrl());
      const onRegistry = url.host === this.registry;
      const headers = new Headers(spec.headers);
      if (this.transport.userAgent !== undefined) headers.set('user-agent', this.transport.userAgent);
      if (onRegistry && spec.scope !== undefined) {
        const authorization = await this.auth.authorization(spec.scope, spec.signal);
        if (authorization !== undefined) headers.set('authorization', authorization);
      }
      const abort = new RequestAbort(spec.signal);
      abort.arm('headers', this.timeouts.headersMs);
      let result: FollowResult;
      try {
        result = await fetchFollowing(this.transport, url, { method: spec.method, headers, body: spec.body }, { signal: abort.signal });
      } catch (e) {
        abort.dispose();
        if (abort.cancelledByCaller()) throw abortReason(spec.signal);
        if (e instanceof RedirectError) throw this.failure(spec, e.kind === 'too-many' ? 'TOO_MANY_REDIRECTS' : 'NETWORK', e.message, e);
        const timedOut = abort.timedOut();
        const kind: NetworkErrorKind | 'timeout' = timedOut ? 'timeout' : classifyNetworkError(e).kind;
        if (onRegistry && this.scheme === undefined && url.protocol === 'https:' && kind !== 'timeout') {
          this.scheme = 'http'; // F20: a local registry speaking plain http
          continue;
        }
        const decision = canRetry ? retry.afterNetworkError(kind) : { retry: false as const, why: 'not retried' };
        if (decision.retry) {
          await this.pause(spec, attempt, decision.delayMs, kind === 'timeout' ? 'timeout' : 'connection failed');
          continue;
        }
        throw timedOut
          ? this.failure(spec, 'TIMEOUT', `no response within ${timedOut.ms / 1000} s (${url.host})`, e)
          : this.failure(spec, 'NETWORK', `could not reach ${url.host} (${classifyNetworkError(e).detail})`, e);
      }
      abort.clear();
      if (onRegistry && this.scheme === undefined) this.scheme = url.protocol === 'http:' ? 'http' : 'https';
      const response = this.wrap(result, abort, spec);
      this.warnings.addFromHeaders(response.headers);
      if ((spec.accept ?? is2xx)(response.status)) return response;

      const body = await collectPrefix(response.chunks(), MAX_ERROR_BODY_BYTES).catch(() => ({ bytes: new Uint8Array(0), truncated: true }));
      const credentialsSent = this.options.credentials !== undefined && headers.has('authorization');
      const error = errorFromStatus(response.status, response.headers, body, { ...spec, registry: this.registry, credentialsSent }, this.clock.now());
      if (response.status === 401 && onRegistry && !result.crossOrigin && spec.scope !== undefined && !reauthed) {
        reauthed = true;
        if (await this.auth.handleChallenge(response.headers.get('www-authenticate'), spec.scope, spec.signal)) continue;
      }
      if (response.status === 429 && canRetry && error.code !== 'PULL_LIMIT') {
        const d = retry.after429(error.retryAfterMs);
        if (d.retry) {
          await this.pause(spec, attempt, d.delayMs, 'HTTP 429');
          continue;
        }
      }
      if (isTransientStatus(response.status) && canRetry) {
        const d = retry.afterServerError(response.status);
        if (d.retry) {
          await this.pause(spec, attempt, d.delayMs, `HTTP ${response.status}`);
          continue;
        }
      }
      throw error;
    }
  }

  /** Builds an error in the standard shape for this session. */
  failure(spec: Pick<SendSpec, 'what' | 'repository' | 'digest'>, code: RegistryErrorCode, why: string, cause?: unknown, status?: number): RegistryError {
    const message = composeMessage(spec.what, describeTarget(this.registry, spec.repository), why, code);
    return new RegistryError(message, { code, registry: this.registry, repository: spec.repository, digest: spec.digest, cause, status });
  }

  private async pause(spec: SendSpec, attempt: number, delayMs: number, reason: string): Promise<void> {
    this.options.onRetry?.({ what: spec.what, attempt, delayMs, reason });
    await this.clock.sleep(delayMs, spec.signal);
  }

  private wrap(result: FollowResult, abort: RequestAbort, spec: SendSpec): SessionResponse {
    const { response } = result;
    const fail = (f: BodyFailure): Error => f.kind === 'timeout'
      ? this.failure(spec, 'TIMEOUT', `the download stalled: no data for ${(f.ms ?? 0) / 1000} s`, f.cause)
      : this.failure(spec, 'NETWORK', `the connection broke while reading (${classifyNetworkError(f.cause).detail})`, f.cause);
    let consumed = false;
    const chunks = (): AsyncGenerator<Uint8Array, void, undefined> => {
      if (consumed) throw new Error('response body already consumed');
      consumed = true;
      return streamBody(response.body, abort, this.timeouts.bodyIdleMs, fail);
    };
    return {
      status: response.status,
      headers: response.headers,
      url: result.finalUrl,
      chunks,
      readBody: async (maxBytes, tooLarge) => {
        // A declared length over the cap is refused before reading a byte (hardening P10/S16: caps on every read).
        const declared = Number(response.headers.get('content-length') ?? Number.NaN);
        if (Number.isFinite(declared) && declared > maxBytes) {
          consumed = true;
          await response.body?.cancel().catch(() => undefined);
          abort.dispose();
          throw tooLarge();
        }
        return collectBounded(chunks(), maxBytes, tooLarge);
      },
      discard: async () => {
        if (!consumed) {
          consumed = true;
          await response.body?.cancel().catch(() => undefined);
        }
        abort.dispose();
      },
    };
  }

  /** Token requests: to the validated realm only, every redirect hop re-validated (S5), body capped (S16). */
  private async fetchToken(req: TokenRequest, signal: AbortSignal | undefined): Promise<TokenReply> {
    const abort = new RequestAbort(signal);
    abort.arm('headers', this.timeouts.headersMs);
    const spec = { what: 'token request', repository: undefined, digest: undefined };
    const headers = new Headers(req.headers);
    if (this.transport.userAgent !== undefined) headers.set('user-agent', this.transport.userAgent);
    try {
      const checkHop = (u: URL): string | undefined => {
        const c = checkRealm(u.href, this.registry, this.allowHttp);
        return c.ok ? undefined : c.reason;
      };
      const result = await fetchFollowing(this.transport, req.url, { method: req.method, headers, body: req.body }, { signal: abort.signal, checkHop });
      abort.clear();
      const reply = this.wrap(result, abort, { ...spec, method: req.method, path: req.url.href });
      const cap = reply.status === 200 ? MAX_TOKEN_BODY_BYTES : MAX_ERROR_BODY_BYTES;
      const body = await collectPrefix(reply.chunks(), cap);
      if (body.truncated && reply.status === 200) throw this.failure(spec, 'TOO_LARGE', `the token response is larger than ${cap} bytes`);
      return { status: reply.status, bytes: body.bytes };
    } catch (e) {
      abort.dispose();
      if (abort.cancelledByCaller()) throw abortReason(signal);
      if (e instanceof RegistryError) throw e;
      if (e instanceof RedirectError) throw this.failure(spec, e.kind === 'too-many' ? 'TOO_MANY_REDIRECTS' : 'REALM_REJECTED', e.message, e);
      const t = abort.timedOut();
      if (t) throw this.failure(spec, 'TIMEOUT', `the token service ${req.url.host} did not answer within ${t.ms / 1000} s`, e);
      throw this.failure(spec, 'NETWORK', `could not reach the token service ${req.url.host} (${classifyNetworkError(e).detail})`, e);
    }
  }
}
