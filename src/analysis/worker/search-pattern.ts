// The tree search box (worker side). `/regex/flags` is a JavaScript regular expression tested anywhere in the
// full path; text with * ? or ** is a glob on the full path (* and ? stay within one segment, ** crosses them;
// without a leading / it may match at any depth); any other text is a case-insensitive substring of the path.
import { err, ok, type Result } from '../../core/result.ts';

export const MAX_PATTERN_LENGTH = 200;

export type PathMatcher = (path: string) => boolean;

export function compileSearch(search: string): Result<PathMatcher | undefined> {
  const text = search.trim();
  if (text === '') return ok(undefined);
  if (text.length > MAX_PATTERN_LENGTH + 8) return err('SEARCH_INVALID', `the search is longer than ${MAX_PATTERN_LENGTH} characters; shorten it`);
  const rx = /^\/(.+)\/([imsu]*)$/s.exec(text);
  if (rx) {
    const source = rx[1]!;
    if (source.length > MAX_PATTERN_LENGTH) return err('SEARCH_INVALID', `the regular expression is longer than ${MAX_PATTERN_LENGTH} characters; shorten it`);
    try {
      const re = new RegExp(source, rx[2]);
      return ok((path) => re.test(path));
    } catch (e) {
      return err('SEARCH_INVALID', `invalid regular expression /${source.slice(0, 60)}/: ${(e as Error).message}; fix the pattern or search plain text`);
    }
  }
  if (text.length > MAX_PATTERN_LENGTH) return err('SEARCH_INVALID', `the search is longer than ${MAX_PATTERN_LENGTH} characters; shorten it`);
  if (/[*?]/.test(text)) {
    const re = new RegExp(globToRegExpSource(text));
    return ok((path) => re.test(path));
  }
  const needle = text.toLowerCase();
  return ok((path) => path.toLowerCase().includes(needle));
}

// Glob to RegExp: * is one segment's characters, ? one character, ** anything, and a double star followed by a
// slash any run of directories (or none).
export function globToRegExpSource(glob: string): string {
  const g = glob.length > 1 ? glob.replace(/\/+$/, '') : glob;
  let out = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return `^${g.startsWith('/') ? '' : '(?:.*/)?'}${out}$`;
}
