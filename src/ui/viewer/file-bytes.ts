// Helpers of the file viewer: is a byte buffer text, and its hex dump (offset, 16 bytes, ASCII). Page side, pure.

/** UTF-8 without NUL bytes in the first 8 KiB counts as text. */
export function decodeText(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // A multi-byte character cut by the size limit is fine; anything else is binary.
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
    } catch {
      return null;
    }
  }
}

/** `xxd`-style lines for at most `maxLines` rows of 16 bytes. */
export function hexDump(bytes: Uint8Array, maxLines = 4096): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length && lines.length < maxLines; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47, ' ')}  ${ascii}`);
  }
  return lines.join('\n');
}
