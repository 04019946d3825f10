// Number and text formatting for the explorer: byte sizes, rates, ETAs and trimmed history commands. Page side, pure.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text = u === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0);
  return `${n < 0 ? '-' : ''}${text} ${UNITS[u]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '';
}

export function formatEta(remainingBytes: number, bytesPerSecond: number): string {
  if (bytesPerSecond <= 0 || remainingBytes <= 0) return '';
  const s = Math.ceil(remainingBytes / bytesPerSecond);
  return s < 60 ? `${s} s left` : `${Math.floor(s / 60)} min ${s % 60} s left`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** A history step without the "/bin/sh -c #(nop)" noise, cut to `max` characters. */
export function trimCreatedBy(createdBy: string | null, max = 120): string {
  if (createdBy === null || createdBy.trim() === '') return '(no history)';
  const s = createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function shortDigest(digest: string | null): string {
  if (digest === null) return '';
  const i = digest.indexOf(':');
  return i >= 0 ? `${digest.slice(0, i + 1)}${digest.slice(i + 1, i + 13)}` : digest.slice(0, 16);
}
