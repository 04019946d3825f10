// A size-bounded map whose entries expire (node side): holds the recently seen token realms and the tokens the
// proxy saw issued, without letting a flood of distinct keys grow memory.

export type ExpiringMap<V> = {
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs: number): void;
  readonly size: number;
  clear(): void;
};

export function createExpiringMap<V>(maxEntries: number, now: () => number = Date.now): ExpiringMap<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      if (e.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    set(key, value, ttlMs) {
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const t = now();
        for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
        // Still full: drop the oldest insertion (Map iterates in insertion order).
        while (entries.size >= maxEntries) {
          const oldest = entries.keys().next();
          if (oldest.done === true) break;
          entries.delete(oldest.value);
        }
      }
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
