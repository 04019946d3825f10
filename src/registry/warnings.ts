// Registry `Warning: 299 - "…"` headers (distribution-spec "Warnings"): collected, deduplicated and capped at
// 4096 bytes in total, surfaced to the user and never acted on. Page, worker and Node.

export const MAX_WARNING_BYTES = 4096;
const encoder = new TextEncoder();

/** Extracts the text of every 299 warning in a (possibly comma-joined) Warning header value. */
export function parseWarningHeader(value: string | null): string[] {
  if (value === null) return [];
  const out: string[] = [];
  // warn-code SP warn-agent SP quoted-string [SP quoted-date] (RFC 7234 §5.5); values joined by ", ".
  const re = /(\d{3})\s+(\S+)\s+"((?:[^"\\]|\\.)*)"(?:\s+"[^"]*")?/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    if (m[1] !== '299') continue;
    const text = (m[3] ?? '').replace(/\\(.)/g, '$1').trim();
    if (text !== '') out.push(text);
  }
  return out;
}

/** Collects distinct warnings until their UTF-8 size reaches 4096 bytes; the one that crosses is truncated. */
export class WarningLog {
  private readonly seen = new Set<string>();
  private readonly kept: string[] = [];
  private bytes = 0;

  constructor(private readonly onWarning?: (message: string) => void) {}

  addFromHeaders(headers: Headers): void {
    for (const w of parseWarningHeader(headers.get('warning'))) this.add(w);
  }

  add(message: string): void {
    if (this.seen.has(message) || this.bytes >= MAX_WARNING_BYTES) return;
    this.seen.add(message);
    const room = MAX_WARNING_BYTES - this.bytes;
    const kept = truncateUtf8(message, room);
    this.bytes += encoder.encode(kept).byteLength;
    this.kept.push(kept);
    this.onWarning?.(kept);
  }

  list(): readonly string[] {
    return [...this.kept];
  }
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character, marking the cut with "…". */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (encoder.encode(s).byteLength <= maxBytes) return s;
  let out = '';
  let used = 0;
  const budget = Math.max(0, maxBytes - 3);
  for (const ch of s) {
    const n = encoder.encode(ch).byteLength;
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return `${out}…`;
}
