// When to retry a registry request, and how long to wait (hardening F8–F11, F19). 429: ≤5 attempts honouring
// Retry-After (seconds or HTTP-date), capped at 60 s, doubling from 2 s otherwise (containers/image); 5xx: bounded
// backoff that stops as soon as the same status repeats (containerd); network: resets retried briefly, DNS/TLS/refused
// never (fail fast). Pure decisions; the session does the waiting. Page, worker and Node.

export type RetryLimits = {
  readonly maxAttempts429: number;
  readonly maxDelayMs: number;
  readonly initial429DelayMs: number;
  readonly maxServerErrorAttempts: number;
  readonly serverErrorDelayMs: number;
  readonly maxNetworkAttempts: number;
  readonly networkDelayMs: number;
};

export const DEFAULT_RETRY: RetryLimits = {
  maxAttempts429: 5,
  maxDelayMs: 60_000,
  initial429DelayMs: 2_000,
  maxServerErrorAttempts: 4,
  serverErrorDelayMs: 500,
  maxNetworkAttempts: 3,
  networkDelayMs: 250,
};

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly why: string };

/** Retry-After (RFC 9110 §10.2.3) → milliseconds from now; undefined for absent, garbage or past values. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  const ms = at - nowMs;
  return ms > 0 ? ms : undefined;
}

export type NetworkErrorKind = 'dns' | 'tls' | 'refused' | 'reset' | 'unknown';

/** Classifies a fetch rejection by its cause code (undici in Node; browsers give no cause → 'unknown'). */
export function classifyNetworkError(e: unknown): { readonly kind: NetworkErrorKind; readonly detail: string } {
  const codes: string[] = [];
  const messages: string[] = [];
  const visit = (x: unknown, depth: number): void => {
    if (typeof x !== 'object' || x === null || depth > 4) return;
    const o = x as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof o.code === 'string') codes.push(o.code);
    if (typeof o.message === 'string' && o.message !== '') messages.push(o.message);
    visit(o.cause, depth + 1);
    if (Array.isArray(o.errors)) for (const inner of o.errors) visit(inner, depth + 1);
  };
  visit(e, 0);
  const detail = [...new Set([...codes, ...messages.slice(-1)])].join(': ').slice(0, 300) || 'network error';
  const has = (re: RegExp): boolean => codes.some((c) => re.test(c));
  if (has(/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/)) return { kind: 'dns', detail };
  if (has(/^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_CERT)/) || messages.some((m) => /SSL|TLS|certificate/i.test(m))) return { kind: 'tls', detail };
  if (has(/^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)$/)) return { kind: 'refused', detail };
  if (has(/^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED|ETIMEDOUT)$/) || messages.some((m) => /terminated|other side closed|socket hang up/i.test(m))) {
    return { kind: 'reset', detail };
  }
  return { kind: 'unknown', detail };
}

/** Docker Hub's pull-rate-limit 429 says "pull rate limit"; a plain throttling 429 does not (hardening F10, [40]). */
export function isPullLimitMessage(text: string): boolean {
  return /pull rate limit|increase-rate-limit|rate-limit exceeded for pulls/i.test(text);
}

/** Per-request retry bookkeeping. */
export class RetryState {
  private attempts429 = 0;
  private serverErrors = 0;
  private lastServerStatus: number | undefined;
  private networkFailures = 0;

  constructor(private readonly limits: RetryLimits) {}

  /** After a 429: `retryAfterMs` is the parsed header, if any. */
  after429(retryAfterMs: number | undefined): RetryDecision {
    this.attempts429++;
    if (this.attempts429 >= this.limits.maxAttempts429) return { retry: false, why: `still throttled after ${this.attempts429} attempts` };
    if (retryAfterMs !== undefined && retryAfterMs > this.limits.maxDelayMs) {
      return { retry: false, why: `the registry asks to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than we wait (${this.limits.maxDelayMs / 1000} s)` };
    }
    const fallback = this.limits.initial429DelayMs * 2 ** (this.attempts429 - 1);
    return { retry: true, delayMs: Math.min(retryAfterMs ?? fallback, this.limits.maxDelayMs) };
  }

  /** After 408/500/502/503/504: stop when the same status repeats or the bound is reached. */
  afterServerError(status: number): RetryDecision {
    this.serverErrors++;
    const repeated = this.lastServerStatus === status;
    this.lastServerStatus = status;
    if (repeated) return { retry: false, why: `the registry answered ${status} twice in a row` };
    if (this.serverErrors >= this.limits.maxServerErrorAttempts) return { retry: false, why: `${this.serverErrors} attempts failed` };
    return { retry: true, delayMs: Math.min(this.limits.serverErrorDelayMs * 2 ** (this.serverErrors - 1), this.limits.maxDelayMs) };
  }

  /** After a failed fetch: DNS, TLS and refused connections fail fast (F19); resets and timeouts retry briefly. */
  afterNetworkError(kind: NetworkErrorKind | 'timeout'): RetryDecision {
    this.networkFailures++;
    if (kind === 'dns' || kind === 'tls' || kind === 'refused') return { retry: false, why: 'not a transient failure' };
    if (this.networkFailures >= this.limits.maxNetworkAttempts) return { retry: false, why: `${this.networkFailures} attempts failed` };
    return { retry: true, delayMs: this.limits.networkDelayMs * this.networkFailures };
  }
}

/** Statuses worth retrying as transient server trouble (408 and the usual 5xx gateway/availability codes). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 500 || status === 502 || status === 503 || status === 504;
}
