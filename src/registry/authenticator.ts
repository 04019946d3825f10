// Registry authentication for one registry host: remembers its challenge (Bearer realm/service or Basic), exchanges
// anonymous or credentialed tokens per scope (Docker token auth; OAuth2 refresh_token POST with containerd's GET
// fallback), caches them (token-cache.ts). Credentials go only to this registry and the realm it named. Page/worker/Node.
import { mergeScopes, parseChallenges, pickChallenge } from './challenge.ts';
import { composeMessage, RegistryError } from './errors.ts';
import { summariseText } from './error-response.ts';
import { checkRealm } from './realm.ts';
import { parseTokenResponse, scopeKey, TokenCache } from './token-cache.ts';

export type RegistryCredentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** A refresh token from `docker login` (docker config "identitytoken"); username is often "<token>". */
  | { readonly kind: 'identity-token'; readonly token: string; readonly username?: string };

/** Token responses are small; cap the read like containers/image (1 MiB). */
export const MAX_TOKEN_BODY_BYTES = 1024 * 1024;

export type TokenRequest = { readonly method: 'GET' | 'POST'; readonly url: URL; readonly headers: Headers; readonly body?: Uint8Array };
export type TokenReply = { readonly status: number; readonly bytes: Uint8Array };
/** Sends a request to a (validated) realm; provided by the session (transport, timeouts, redirect checks). */
export type TokenFetcher = (req: TokenRequest, signal: AbortSignal | undefined) => Promise<TokenReply>;

type Mode = { readonly kind: 'bearer'; readonly realm: URL; readonly service: string | undefined } | { readonly kind: 'basic' };

export class Authenticator {
  private mode: Mode | undefined;
  private readonly cache: TokenCache;
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly registry: string,
    private readonly allowHttpRealm: () => boolean,
    private readonly credentials: RegistryCredentials | undefined,
    now: () => number,
    private readonly fetchToken: TokenFetcher,
  ) {
    this.cache = new TokenCache(now);
  }

  /** The Authorization value for a request needing `scope`, once the registry has told us how it authenticates. */
  async authorization(scope: string, signal?: AbortSignal): Promise<string | undefined> {
    const mode = this.mode;
    if (mode === undefined) return undefined;
    if (mode.kind === 'basic') return this.basicHeader();
    const cached = this.cache.get(scopeKey([scope]));
    if (cached !== undefined) return `Bearer ${cached}`;
    return `Bearer ${await this.exchange(mode, [scope], scopeKey([scope]), signal)}`;
  }

  /** Records the registry's challenge (from /v2/ or any 401) without exchanging a token. */
  noteChallenge(header: string | null): Mode | undefined {
    const challenge = pickChallenge(parseChallenges(header));
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') {
      this.mode = { kind: 'basic' };
      return this.mode;
    }
    const realm = challenge.params.realm ?? '';
    const check = checkRealm(realm, this.registry, this.allowHttpRealm());
    if (!check.ok) {
      throw new RegistryError(composeMessage('authentication', this.registry, check.reason, 'REALM_REJECTED'), { code: 'REALM_REJECTED', registry: this.registry });
    }
    this.mode = { kind: 'bearer', realm: check.url, service: challenge.params.service };
    return this.mode;
  }

  /**
   * After a 401 for a request needing `scope`: forgets the token used, exchanges a new one for the challenge's scopes
   * plus ours (insufficient_scope adds scopes). Returns false when retrying cannot help (no usable credentials).
   */
  async handleChallenge(header: string | null, scope: string, signal?: AbortSignal): Promise<boolean> {
    const challenge = pickChallenge(parseChallenges(header));
    const mode = this.noteChallenge(header);
    if (mode === undefined || challenge === undefined) return false;
    if (mode.kind === 'basic') return this.credentials?.kind === 'basic';
    const key = scopeKey([scope]);
    this.cache.delete(key);
    await this.exchange(mode, mergeScopes(challenge.scopes, [scope]), key, signal);
    return true;
  }

  private basicHeader(): string | undefined {
    const c = this.credentials;
    return c?.kind === 'basic' ? `Basic ${encodeBase64(`${c.username}:${c.password}`)}` : undefined;
  }

  private exchange(mode: Extract<Mode, { kind: 'bearer' }>, scopes: readonly string[], key: string, signal?: AbortSignal): Promise<string> {
    const flightKey = `${key}\n${scopeKey(scopes)}`;
    const running = this.inflight.get(flightKey);
    if (running) return running;
    const p = this.requestToken(mode, scopes, signal)
      .then((t) => {
        this.cache.set(key, t);
        return t.token;
      })
      .finally(() => this.inflight.delete(flightKey));
    this.inflight.set(flightKey, p);
    return p;
  }

  private async requestToken(mode: Extract<Mode, { kind: 'bearer' }>, scopes: readonly string[], signal?: AbortSignal) {
    const c = this.credentials;
    let reply: TokenReply;
    if (c?.kind === 'identity-token') {
      reply = await this.fetchToken(this.oauthRequest(mode, scopes, c.token), signal);
      // containerd: registries without the OAuth POST flow answer 404 (GCR), 401 (Artifactory), 400 (ACR) or 405.
      if ([400, 401, 404, 405].includes(reply.status)) reply = await this.fetchToken(this.getRequest(mode, scopes, c.username ?? '<token>', c.token), signal);
    } else {
      reply = await this.fetchToken(this.getRequest(mode, scopes, c?.username, c?.password), signal);
    }
    const text = new TextDecoder().decode(reply.bytes);
    if (reply.status !== 200) {
      const who = c === undefined ? 'an anonymous token' : 'a token for your credentials';
      const code = reply.status === 401 || reply.status === 403 ? 'UNAUTHORIZED' : 'TOKEN_INVALID';
      const why = `the token service ${mode.realm.host} refused ${who} (HTTP ${reply.status}${text !== '' ? `: ${summariseText(text)}` : ''})`;
      const hint = c !== undefined && code === 'UNAUTHORIZED' ? 'Check the username and password (or token) given with --creds.' : undefined;
      throw new RegistryError(composeMessage('authentication', this.registry, why, code, undefined, hint), { code, status: reply.status, registry: this.registry });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const token = parseTokenResponse(json);
    if (token === undefined) {
      const why = `the token service ${mode.realm.host} answered without a token`;
      throw new RegistryError(composeMessage('authentication', this.registry, why, 'TOKEN_INVALID'), { code: 'TOKEN_INVALID', registry: this.registry });
    }
    return token;
  }

  private getRequest(mode: Extract<Mode, { kind: 'bearer' }>, scopes: readonly string[], user?: string, secret?: string): TokenRequest {
    const url = new URL(mode.realm);
    if (mode.service !== undefined) url.searchParams.set('service', mode.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers = new Headers();
    if (user !== undefined && secret !== undefined) {
      if (user !== '<token>') url.searchParams.set('account', user);
      headers.set('authorization', `Basic ${encodeBase64(`${user}:${secret}`)}`);
    }
    return { method: 'GET', url, headers };
  }

  private oauthRequest(mode: Extract<Mode, { kind: 'bearer' }>, scopes: readonly string[], refreshToken: string): TokenRequest {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'strata' });
    if (mode.service !== undefined) form.set('service', mode.service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' });
    return { method: 'POST', url: new URL(mode.realm), headers, body: new TextEncoder().encode(form.toString()) };
  }
}

/** Base64 of the UTF-8 bytes (btoa alone mangles non-Latin-1 passwords). */
export function encodeBase64(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}
