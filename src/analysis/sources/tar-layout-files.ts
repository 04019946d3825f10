// LayoutFiles over a tar archive with random access (docker save, oci-archive): one header walk builds the
// member map (bodies are skipped by offset, never read), then members are read or streamed by range.
import { BLOCK, checksumMatches, isZeroBlock, parsePaxRecords, readNumber, readString, decodeUtf8 } from '../../core/layers/tar-header.ts';
import { LayerError } from '../layer-error.ts';
import { cleanMemberPath, type LayoutFiles, type RandomAccessBlob } from './layout-files.ts';

type Member = { readonly offset: number; readonly size: number };

const MAX_MEMBERS = 200_000;
const MAX_META = 1 << 20;

export async function openTarLayoutFiles(blob: RandomAccessBlob, description: string): Promise<LayoutFiles> {
  const members = new Map<string, Member>();
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + BLOCK <= blob.size) {
    const h = await blob.read(offset, BLOCK);
    if (isZeroBlock(h, 0)) break;
    if (!checksumMatches(h, 0)) {
      throw new LayerError('ARCHIVE_INVALID', `${description}: bad tar header at byte ${offset}; this is not a docker save / OCI archive tar (or it is compressed — decompress it first)`);
    }
    const size = readNumber(h, 124, 12);
    if (size < 0) throw new LayerError('ARCHIVE_INVALID', `${description}: unreadable size in the tar header at byte ${offset}`);
    const type = h[156]!;
    const body = offset + BLOCK;
    if (body + size > blob.size) throw new LayerError('ARCHIVE_TRUNCATED', `${description}: archive is truncated (member at byte ${offset} needs ${size} bytes)`);
    if (type === 0x78 || type === 0x4c) {
      if (size > MAX_META) throw new LayerError('ARCHIVE_INVALID', `${description}: tar meta header of ${size} bytes is over the 1 MiB limit`);
      const meta = await blob.read(body, size);
      if (type === 0x4c) longName = decodeUtf8(meta.subarray(0, meta.indexOf(0) >= 0 ? meta.indexOf(0) : meta.length));
      else {
        const r = parsePaxRecords(meta);
        if ('records' in r) paxPath = r.records.get('path');
      }
    } else if (type !== 0x67) {
      let name = readString(h, 0, 100);
      if (h[257] === 0x75 && h[262] === 0) {
        const prefix = readString(h, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      name = paxPath ?? longName ?? name;
      paxPath = undefined;
      longName = undefined;
      if (type === 0 || type === 0x30 || type === 0x37) {
        if (members.size >= MAX_MEMBERS) throw new LayerError('ARCHIVE_INVALID', `${description}: more than ${MAX_MEMBERS} members`);
        members.set(cleanMemberPath(name), { offset: body, size });
      }
    }
    offset = body + size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
  const get = (path: string): Member | undefined => members.get(cleanMemberPath(path));
  return {
    description,
    size: async (path) => get(path)?.size,
    async read(path, maxBytes) {
      const m = get(path);
      if (!m) throw new LayerError('NOT_FOUND', `${description}: "${path}" is not in the archive`);
      if (m.size > maxBytes) throw new LayerError('TOO_LARGE', `${description}: "${path}" is ${m.size} bytes, over the ${maxBytes}-byte limit for this kind of file`);
      return blob.read(m.offset, m.size);
    },
    stream(path, signal) {
      const m = get(path);
      if (!m) throw new LayerError('NOT_FOUND', `${description}: "${path}" is not in the archive`);
      return blob.stream(m.offset, m.size, signal);
    },
    streamRange(path, start, end, signal) {
      const m = get(path);
      if (!m) throw new LayerError('NOT_FOUND', `${description}: "${path}" is not in the archive`);
      if (start < 0 || end < start || end > m.size) throw new LayerError('RANGE_INVALID', `${description}: bytes ${start}–${end} are outside "${path}" (${m.size} bytes)`);
      return blob.stream(m.offset + start, end - start, signal);
    },
    list: async () => [...members.keys()],
  };
}
