// The SSRF address guard (node side, S1–S4): resolves a host once, checks every A/AAAA answer, and hands back the one
// address the proxy then connects to (pinned: the socket goes to exactly the checked IP, Host/SNI keep the name), so
// a DNS answer that changes between check and connect (rebinding) cannot slip through.
import { promises as dns } from 'node:dns';
import { classifyAddress, isMetadataHostName } from './address-class.ts';
import type { ParsedHost } from './authority.ts';
import { denied, ProxyError } from './errors.ts';
import { formatIp, parseIpAddress } from './ip-parse.ts';

export type ResolvedAddress = { readonly address: string; readonly family: 4 | 6 };
export type Resolver = (host: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (host) => {
  const answers = await dns.lookup(host, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export type AddressPolicy = {
  /** Private/loopback addresses may be used (allowPrivate, or an explicitly allowed local registry). */
  readonly privateOk: boolean;
  /** Shown in refusals: what the operator would allow to reach this host. */
  readonly authority: string;
};

function privateHint(authority: string): string {
  return `if this is your own registry, run strata serve locally with --allow-host ${authority}`;
}

/** Checks one address; throws 403 DENIED for metadata/link-local/unspecified (always) and private (unless allowed). */
export function checkAddress(address: string, host: ParsedHost, policy: AddressPolicy): ResolvedAddress {
  const ip = parseIpAddress(address);
  const shown = host.kind === 'ip' ? host.text : `${host.text} (resolved to ${address})`;
  if (ip === undefined) throw denied(`${shown} is not an address the proxy can check`);
  const cls = classifyAddress(ip);
  if (cls.kind === 'forbidden') throw denied(`${shown} is a ${cls.range} address; the proxy never connects there`);
  if (cls.kind === 'private' && !policy.privateOk) {
    throw denied(`${shown} is a ${cls.range} address, which this proxy does not reach; ${privateHint(policy.authority)}`);
  }
  return { address: formatIp(ip), family: ip.family };
}

/**
 * The address to connect to for `host`: an IP literal is checked as is; a name is resolved once and every answer
 * must pass (OWASP: validate all A and AAAA records), then the first answer is used.
 */
export async function resolveAllowedAddress(host: ParsedHost, policy: AddressPolicy, resolver: Resolver, timeoutMs: number): Promise<ResolvedAddress> {
  if (host.kind === 'ip') return checkAddress(host.text.replace(/^\[|\]$/g, ''), host, policy);
  if (isMetadataHostName(host.text)) throw denied(`${host.text} is a cloud metadata service; the proxy never connects there`);
  let answers: readonly ResolvedAddress[];
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), timeoutMs);
    });
    answers = await Promise.race([resolver(host.text), timeout]);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new ProxyError(502, 'UNAVAILABLE', `strata proxy: DNS lookup for ${host.text} failed${typeof code === 'string' ? ` (${code})` : ''}; check the registry host name`);
  } finally {
    clearTimeout(timer);
  }
  if (answers.length === 0) throw new ProxyError(502, 'UNAVAILABLE', `strata proxy: DNS lookup for ${host.text} returned no address`);
  const checked = answers.map((a) => checkAddress(a.address, host, policy));
  return checked[0]!;
}
