// Bounded JSON decoding: a size cap before parsing (hardening T31, P10; containers/image caps config at 4 MiB). Pure.
import { err, ok, type Result } from '../result.ts';

export const LIMITS_JSON = {
  manifestBytes: 4 * 1024 * 1024,
  configBytes: 4 * 1024 * 1024,
  nesting: 256,
} as const;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 JSON of at most maxBytes into `unknown`; rejects oversize, bad UTF-8, deep nesting and syntax errors. */
export function decodeJson(bytes: Uint8Array, maxBytes: number, what: string): Result<unknown> {
  if (bytes.byteLength > maxBytes) {
    return err('TOO_LARGE', `${what} is ${bytes.byteLength} bytes, over the ${maxBytes}-byte limit; refusing to parse it`);
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return err('MANIFEST_INVALID', `${what} is not valid UTF-8`);
  }
  const depth = maxNesting(text);
  if (depth > LIMITS_JSON.nesting) return err('MANIFEST_INVALID', `${what} nests ${depth} levels deep, over the limit of ${LIMITS_JSON.nesting}`);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err('MANIFEST_INVALID', `${what} is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}

/** Maximum bracket depth outside strings; linear scan, stops early once far past the limit. */
function maxNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
      if (max > LIMITS_JSON.nesting * 4) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
