// Catalog and tag-list pagination of the distribution-spec: `n` (page size) and `last` (exclusive start),
// with a `Link: <…>; rel="next"` header while more entries remain. Node side, pure logic.

export type Page =
  | { readonly kind: 'page'; readonly entries: readonly string[]; readonly link: string | undefined }
  | { readonly kind: 'invalid'; readonly message: string };

const MAX_PAGE = 10_000;

/** `sorted` must be in lexical order; `path` is the endpoint path used in the Link header. */
export function paginate(sorted: readonly string[], query: URLSearchParams, path: string): Page {
  const nText = query.get('n');
  const last = query.get('last');
  let n: number | undefined;
  if (nText !== null) {
    if (!/^\d{1,9}$/.test(nText)) return { kind: 'invalid', message: `n must be a non-negative integer, got "${nText.slice(0, 20)}"` };
    n = Math.min(Number(nText), MAX_PAGE);
  }
  const rest = last === null ? sorted : sorted.filter((entry) => entry > last);
  if (n === undefined) return { kind: 'page', entries: rest, link: undefined };
  const entries = rest.slice(0, n);
  const tail = entries.at(-1);
  const more = rest.length > entries.length && tail !== undefined;
  const link = more ? `<${path}?n=${n}&last=${encodeURIComponent(tail)}>; rel="next"` : undefined;
  return { kind: 'page', entries, link };
}
