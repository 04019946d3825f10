// Tag lists and the catalog with `Link: <…>; rel="next"` pagination (distribution-spec content discovery), bounded in
// pages and entries; a listing cut short says so (complete: false). Page, worker and Node.
import { CATALOG_SCOPE, repositoryScope } from './challenge.ts';
import type { RegistrySession, SendSpec } from './session.ts';

export type Listing = {
  readonly items: readonly string[];
  /** False when the page or entry bound stopped the walk before the registry's last page. */
  readonly complete: boolean;
  readonly pages: number;
};

export type ListingOptions = {
  readonly signal?: AbortSignal | undefined;
  /** `n` per page; omitted → the registry's default. */
  readonly pageSize?: number | undefined;
  readonly maxPages?: number | undefined;
  readonly maxItems?: number | undefined;
};

const MAX_PAGE_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_PAGES = 100;
const DEFAULT_MAX_ITEMS = 100_000;

/** The target of the rel="next" link in a Link header (RFC 8288), if any. */
export function parseNextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const params = m[2] ?? '';
    if (/;\s*rel\s*=\s*"?(?:[^";,]*\s)?next(?:\s[^";,]*)?"?/i.test(params)) return m[1];
  }
  return undefined;
}

export function listTags(session: RegistrySession, repository: string, options: ListingOptions = {}): Promise<Listing> {
  return walk(session, {
    first: `/v2/${repository}/tags/list`, repository, scope: repositoryScope(repository, 'pull'), what: 'tag list', notFound: 'NAME_UNKNOWN',
    pick: (v) => (isObj(v) && (Array.isArray(v.tags) || v.tags === null) ? (v.tags ?? []) : undefined),
  }, options);
}

export function listCatalog(session: RegistrySession, options: ListingOptions = {}): Promise<Listing> {
  return walk(session, {
    first: '/v2/_catalog', repository: undefined, scope: CATALOG_SCOPE, what: 'catalog', notFound: 'UNSUPPORTED',
    pick: (v) => (isObj(v) && Array.isArray(v.repositories) ? v.repositories : undefined),
  }, options);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Walk = {
  readonly first: string;
  readonly repository: string | undefined;
  readonly scope: string;
  readonly what: string;
  readonly notFound: SendSpec['notFound'];
  readonly pick: (v: unknown) => unknown[] | undefined;
};

async function walk(session: RegistrySession, w: Walk, options: ListingOptions): Promise<Listing> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
  const items: string[] = [];
  const seen = new Set<string>();
  let next: string | undefined = options.pageSize !== undefined ? `${w.first}?n=${options.pageSize}` : w.first;
  let pages = 0;
  while (next !== undefined) {
    if (pages >= maxPages || items.length >= maxItems || seen.has(next)) return { items, complete: false, pages };
    seen.add(next);
    const spec: SendSpec = { method: 'GET', path: next, repository: w.repository, scope: w.scope, what: w.what, notFound: w.notFound, signal: options.signal };
    const res = await session.send(spec);
    const bytes = await res.readBody(MAX_PAGE_BYTES, () => session.failure(spec, 'TOO_LARGE', `a ${w.what} page is larger than ${MAX_PAGE_BYTES} bytes`));
    pages++;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw session.failure(spec, 'UNKNOWN', `the ${w.what} is not JSON`);
    }
    const page = w.pick(json);
    if (page === undefined) throw session.failure(spec, 'UNKNOWN', `the ${w.what} does not have the expected shape`);
    for (const entry of page) if (typeof entry === 'string' && items.length < maxItems) items.push(entry);
    const link = parseNextLink(res.headers.get('link'));
    if (link === undefined) break;
    next = nextPage(session, res.url, link);
    // A link off this registry, or an empty page that still links onward, ends the walk marked incomplete.
    if (next === undefined || page.length === 0) return { items, complete: false, pages };
  }
  return { items, complete: true, pages };
}

/** Resolves the next-page link; only a /v2/ path on the same registry is followed. */
function nextPage(session: RegistrySession, base: URL, target: string): string | undefined {
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    return undefined;
  }
  if (url.host !== session.registry || !url.pathname.startsWith('/v2/')) return undefined;
  return `${url.pathname}${url.search}`;
}
