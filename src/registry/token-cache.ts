// Bearer-token responses and their cache per scope set (Docker token auth spec: `token` or `access_token`,
// `expires_in` defaults to 60 s and is never less than 60 s — containers/image clamps; hardening P2). Page, worker, Node.

export const MIN_TOKEN_SECONDS = 60;
/** Tokens are renewed this long before they expire, so a request never leaves with a token about to lapse. */
const RENEW_MARGIN_MS = 5_000;

export type TokenResponse = { readonly token: string; readonly lifetimeSeconds: number; readonly refreshToken?: string };

/** Validates a token endpoint's JSON body; undefined when it carries no usable token. */
export function parseTokenResponse(v: unknown): TokenResponse | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const token = typeof o.token === 'string' && o.token !== '' ? o.token : typeof o.access_token === 'string' && o.access_token !== '' ? o.access_token : undefined;
  if (token === undefined || token.length > 64 * 1024 || /[\r\n]/.test(token)) return undefined;
  const out: { token: string; lifetimeSeconds: number; refreshToken?: string } = { token, lifetimeSeconds: tokenLifetimeSeconds(o.expires_in) };
  if (typeof o.refresh_token === 'string' && o.refresh_token !== '') out.refreshToken = o.refresh_token;
  return out;
}

/** expires_in → seconds: absent or invalid → 60; below 60 → 60 (the spec says a token never lives less). */
export function tokenLifetimeSeconds(expiresIn: unknown): number {
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn)) return MIN_TOKEN_SECONDS;
  return Math.max(MIN_TOKEN_SECONDS, Math.floor(expiresIn));
}

/** A stable key for a set of scopes (order-insensitive). */
export function scopeKey(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}

type Entry = { readonly token: string; readonly expiresAt: number };

/** Tokens by scope key, valid until `expires_in` (clamped) after they were received. */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  get(key: string): string | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (this.now() >= e.expiresAt - RENEW_MARGIN_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return e.token;
  }

  set(key: string, response: TokenResponse): void {
    this.entries.set(key, { token: response.token, expiresAt: this.now() + response.lifetimeSeconds * 1000 });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
