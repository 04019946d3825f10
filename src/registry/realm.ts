// Token-realm validation as go-containerregistry does since 2026 (hardening §1.2, S6): https only (http only for an
// insecure registry), and no IP-literal realm in loopback/private/link-local/unspecified space unless it is the
// registry's own host. DNS-based SSRF is the proxy's job. Pure; page, worker and Node.

export type RealmCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

/** `registryHost` is host[:port] as the client talks to it; `insecure` allows an http realm. */
export function checkRealm(realm: string, registryHost: string, insecure: boolean): RealmCheck {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return { ok: false, reason: `token realm "${realm.slice(0, 100)}" is not a URL` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && insecure)) {
    return { ok: false, reason: `token realm ${url.protocol}//${url.host} is not https (only an insecure/local registry may use http)` };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'token realm carries user:password in its URL' };
  // WHATWG URL parsing already canonicalises IPv4 forms such as 0x7f.1 or 2130706433 to dotted quads.
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const registryName = hostnameOf(registryHost);
  if (isNonPublicAddress(host) && host !== registryName) {
    return { ok: false, reason: `token realm ${url.host} is a loopback, private or link-local address that differs from the registry host ${registryHost}` };
  }
  return { ok: true, url };
}

/** host[:port] or [v6]:port → bare lowercase host name / address. */
export function hostnameOf(hostPort: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(hostPort);
  if (v6) return v6[1]!.toLowerCase();
  return hostPort.replace(/:\d+$/, '').toLowerCase();
}

/** True for IPv4/IPv6 literals in loopback, private, link-local, CGNAT, unspecified, multicast or broadcast space. */
export function isNonPublicAddress(host: string): boolean {
  const v4 = parseIPv4(host);
  if (v4) return isNonPublicV4(v4);
  if (host.includes(':')) return isNonPublicV6(host);
  return false;
}

function parseIPv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function isNonPublicV4([a, b]: number[]): boolean {
  if (a === undefined || b === undefined) return true;
  return a === 0 || a === 10 || a === 127 || a >= 224
    || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
    || (a === 100 && b >= 64 && b <= 127);
}

function isNonPublicV6(host: string): boolean {
  const words = expandIPv6(host);
  if (!words) return true; // unparseable literal: refuse rather than guess
  if (words.every((w) => w === 0)) return true; // ::
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return true; // ::1
  const [w0 = 0] = words;
  if ((w0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local (incl. fd00:ec2::254)
  if ((w0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((w0 & 0xff00) === 0xff00) return true; // multicast
  if (words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || words[5] === 0)) {
    const hi = words[6] ?? 0;
    const lo = words[7] ?? 0;
    return isNonPublicV4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]); // IPv4-mapped / -compatible
  }
  return false;
}

function expandIPv6(s: string): number[] | undefined {
  let text = s.split('%', 1)[0]!;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = parseIPv4(tail[1]!);
    if (!v4) return undefined;
    text = `${text.slice(0, -tail[1]!.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const ws = part.split(':').map((w) => (/^[0-9a-f]{1,4}$/i.test(w) ? parseInt(w, 16) : NaN));
    return ws.some(Number.isNaN) ? undefined : ws;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const fill = 8 - head.length - rest.length;
  if (fill < 1) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...rest];
}
