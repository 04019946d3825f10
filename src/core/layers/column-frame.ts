// The byte frame shared by the stored layer index and the stored union tree: a 4-byte magic, the JSON header's
// length and the header, then typed-array sections each 8-byte aligned, so reading makes views, not copies. The
// reader checks every length against the buffer; what the sections mean is each codec's business. Pure.
export type ColumnKind = 'i32' | 'i16' | 'u32' | 'u16' | 'u8';
export type ColumnView = Int32Array<ArrayBuffer> | Int16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

const WIDTH: Record<ColumnKind, number> = { i32: 4, i16: 2, u32: 4, u16: 2, u8: 1 };
const align8 = (n: number): number => (n + 7) & ~7;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Writes magic, header and sections into one ArrayBuffer. */
export function packFrame(magic: number, header: unknown, sections: readonly ArrayBufferView[]): ArrayBuffer {
  const json = encoder.encode(JSON.stringify(header));
  let size = align8(8 + json.length);
  for (const s of sections) size += align8(s.byteLength);
  const buffer = new ArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  const words = new DataView(buffer);
  words.setUint32(0, magic, true);
  words.setUint32(4, json.length, true);
  bytes.set(json, 8);
  let at = align8(8 + json.length);
  for (const s of sections) {
    bytes.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at);
    at += align8(s.byteLength);
  }
  return buffer;
}

/** The parsed (not yet validated) header and where the sections start, or why the frame is unreadable. */
export function readFrameHeader<H>(buffer: ArrayBuffer, magic: number): { readonly header: H; readonly at: number } | { readonly problem: string } {
  if (buffer.byteLength < 8) return { problem: 'too short' };
  const words = new DataView(buffer);
  if (words.getUint32(0, true) !== magic) return { problem: 'wrong magic' };
  const jsonLength = words.getUint32(4, true);
  if (8 + jsonLength > buffer.byteLength) return { problem: 'header runs past the end' };
  try {
    return { header: JSON.parse(decoder.decode(new Uint8Array(buffer, 8, jsonLength))) as H, at: align8(8 + jsonLength) };
  } catch {
    return { problem: 'header is not JSON' };
  }
}

/** Views of the sections laid out as `layout` (kind, element count) from byte `at`, or why they do not fit. */
export function readFrameSections(buffer: ArrayBuffer, at: number, layout: readonly (readonly [ColumnKind, number])[]): ColumnView[] | { readonly problem: string } {
  const views: ColumnView[] = [];
  for (const [kind, length] of layout) {
    const size = length * WIDTH[kind];
    if (at + size > buffer.byteLength) return { problem: 'columns run past the end' };
    views.push(kind === 'i32' ? new Int32Array(buffer, at, length) : kind === 'i16' ? new Int16Array(buffer, at, length)
      : kind === 'u32' ? new Uint32Array(buffer, at, length) : kind === 'u16' ? new Uint16Array(buffer, at, length)
      : new Uint8Array(buffer, at, length));
    at += align8(size);
  }
  return views;
}
