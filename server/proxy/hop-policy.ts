// Validates each redirect hop exactly like the first request (node side, S5, S19, F16): http(s) only, no userinfo,
// allowlisted host — or, for blob and token-realm requests, any public https host on port 443 (object storage, CDNs)
// — and the address guard runs again on every hop. Also decides when Authorization must be dropped (S7, F17).
import { isMetadataHostName } from './address-class.ts';
import type { Allowlist } from './allowlist.ts';
import { authorityOfUrl, formatAuthority, type ParsedHost, type Scheme } from './authority.ts';
import { denied } from './errors.ts';
import { redactUrl } from './redact.ts';
import type { RequestKind } from './target.ts';

export type Hop = {
  readonly url: URL;
  readonly host: ParsedHost;
  readonly scheme: Scheme;
  readonly effectivePort: number;
  readonly authority: string;
  readonly privateOk: boolean;
  /** The host is on the allowlist (a registry), not just a public blob host reached by redirect. */
  readonly allowlisted: boolean;
};

export type HopContext = { readonly allowlist: Allowlist; readonly allowPrivate: boolean };

/** Checks a Location target; `kind` is the kind of the original request. Throws 403 DENIED with the reason. */
export function checkRedirectHop(location: URL, kind: RequestKind, from: Hop, ctx: HopContext): Hop {
  const shown = redactUrl(location.href).slice(0, 300);
  const parsed = authorityOfUrl(location);
  const why = (reason: string): Error => denied(`${from.authority} redirected to ${shown}, which the proxy does not follow: ${reason}`);
  if (parsed === undefined) throw why(`scheme ${location.protocol} is not http(s)`);
  if (location.username !== '' || location.password !== '') throw why('the URL carries user:password');
  const { host, port, scheme, effectivePort } = parsed;
  if (host.kind === 'name' && isMetadataHostName(host.text)) throw why('it is a cloud metadata service');
  const match = ctx.allowlist.match(host, port, scheme);
  if (match !== undefined) {
    return {
      url: location, host, scheme, effectivePort, authority: formatAuthority(host, port, scheme),
      privateOk: ctx.allowPrivate || match.localRegistry, allowlisted: true,
    };
  }
  if (kind !== 'blob' && kind !== 'realm') throw why(`${host.text} is not on the registry allowlist (only blob downloads may leave it)`);
  if (scheme !== 'https') throw why('plain http is only followed to a host allowed explicitly over http');
  if (effectivePort !== 443) throw why(`port ${effectivePort} is not allowed (443 only)`);
  return { url: location, host, scheme, effectivePort, authority: host.text, privateOk: ctx.allowPrivate, allowlisted: false };
}

/** curl's rule (hardening §1.4): another host means a change of host name, scheme or port. */
export function isSameOrigin(a: Hop, b: Hop): boolean {
  return a.host.text === b.host.text && a.scheme === b.scheme && a.effectivePort === b.effectivePort;
}
