// Per-client request rate limit for the proxy (node side, S14): a fixed window per client address (IPv6 by /64,
// as Docker Hub counts), answering with the seconds until the window reopens for Retry-After.

export type RateLimit = { readonly requests: number; readonly perMs: number };

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export type RateLimiter = { take(clientAddress: string): RateDecision; close(): void };

/** The key a client is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix. */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...headGroups, ...new Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const sweep = (): void => {
    const t = now();
    for (const [k, w] of windows) if (t - w.start >= limit.perMs) windows.delete(k);
  };
  const timer = setInterval(sweep, Math.max(1000, limit.perMs));
  timer.unref();
  return {
    take(clientAddress) {
      const key = clientKey(clientAddress);
      const t = now();
      let w = windows.get(key);
      if (w === undefined || t - w.start >= limit.perMs) {
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      if (w.count <= limit.requests) return { ok: true };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + limit.perMs - t) / 1000)) };
    },
    close() {
      clearInterval(timer);
      windows.clear();
    },
  };
}
