// Remembers which registry each token issued through the proxy is meant for (node side, S8): the proxy reads token
// responses (capped, S16), keys them by SHA-256 of the token, and later refuses to forward that Bearer token to any
// other registry — even if the page, fooled by a same-origin URL, sends it there.
import { createHash } from 'node:crypto';
import { createExpiringMap } from './expiring-map.ts';

export type TokenBindings = {
  /** Records the tokens of a token-endpoint JSON body as meant for `registries`. */
  noteTokenResponse(body: Buffer, registries: readonly string[]): void;
  /**
   * For an Authorization value sent to `registry`: 'forward', or the registries the token was issued for when it
   * was issued through this proxy for others. Tokens the proxy never saw (and Basic credentials) go to the host the
   * page addressed — the only host they can have been meant for.
   */
  check(authorization: string, registry: string): { readonly forward: true } | { readonly forward: false; readonly issuedFor: readonly string[] };
  clear(): void;
};

const MIN_TTL_S = 60;
const MAX_TTL_S = 24 * 60 * 60;

function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createTokenBindings(now: () => number = Date.now): TokenBindings {
  const tokens = createExpiringMap<readonly string[]>(10_000, now);
  return {
    noteTokenResponse(body, registries) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const record = parsed as Record<string, unknown>;
      const expiresIn = typeof record.expires_in === 'number' && Number.isFinite(record.expires_in) ? record.expires_in : MIN_TTL_S;
      // Clamp like containers/image (≥ 60 s), keep a minute of slack for clocks and slow pulls.
      const ttlMs = (Math.min(Math.max(expiresIn, MIN_TTL_S), MAX_TTL_S) + 60) * 1000;
      for (const field of ['token', 'access_token']) {
        const token = record[field];
        if (typeof token === 'string' && token !== '') tokens.set(digestToken(token), registries, ttlMs);
      }
    },
    check(authorization, registry) {
      const bearer = /^bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!bearer) return { forward: true };
      const issuedFor = tokens.get(digestToken(bearer[1]!));
      if (issuedFor === undefined || issuedFor.includes(registry)) return { forward: true };
      return { forward: false, issuedFor };
    },
    clear() {
      tokens.clear();
    },
  };
}
