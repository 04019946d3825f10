// WWW-Authenticate parsing (RFC 9110 §11.6.1 challenges; Docker token auth: Bearer realm/service/scope, RFC 6750 §3)
// and token-scope helpers. Pure functions, kept next to their only user, the registry client.

export type AuthChallenge = {
  /** Lowercased scheme: "bearer", "basic", … */
  readonly scheme: string;
  /** Parameters with lowercased names; a repeated parameter keeps its last value, except scope (see scopes). */
  readonly params: Readonly<Record<string, string>>;
  /** Every scope named, from all `scope` parameters, split on spaces (Docker token auth allows several). */
  readonly scopes: readonly string[];
};

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/** Parses a WWW-Authenticate value into its challenges; tolerant of extra whitespace and commas. */
export function parseChallenges(header: string | null): AuthChallenge[] {
  if (header === null) return [];
  const out: { scheme: string; params: Record<string, string>; scopes: string[] }[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    let s = '';
    i++; // opening quote
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      s += header[i];
      i++;
    }
    i++; // closing quote
    return s;
  };
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const word = readToken();
    if (word === '') {
      i++;
      continue;
    }
    skipSpace();
    const current = out[out.length - 1];
    if (header[i] === '=' && current !== undefined && header[i + 1] !== '=') {
      i++;
      skipSpace();
      const value = header[i] === '"' ? readQuoted() : readToken();
      const key = word.toLowerCase();
      if (key === 'scope') current.scopes.push(...value.split(' ').filter((s) => s !== ''));
      current.params[key] = value;
      continue;
    }
    out.push({ scheme: word.toLowerCase(), params: {}, scopes: [] });
  }
  return out;
}

/** The challenge we act on: Bearer if offered (it can carry scopes), else Basic, else none. */
export function pickChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer' && c.params.realm !== undefined) ?? challenges.find((c) => c.scheme === 'basic');
}

/** The scope a request needs (Docker token auth "scope": resourcetype:resourcename:actions). */
export function repositoryScope(repository: string, actions: 'pull' | 'pull,push' | 'delete'): string {
  return `repository:${repository}:${actions}`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';

/**
 * Merges scopes for a token request: the challenge's scopes first (as ggcr does, "some registries seem to only
 * look at the first scope parameter"), then ours, without duplicates.
 */
export function mergeScopes(first: readonly string[], then: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of [...first, ...then]) if (s !== '' && !out.includes(s)) out.push(s);
  return out;
}
