// Node implementations of RandomAccessBlob (a file on disk) and LayoutFiles (an OCI layout directory).
import { open, readdir, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { LayerError } from '../analysis/layer-error.ts';
import type { LayoutFiles, RandomAccessBlob } from '../analysis/sources/layout-files.ts';
import { cleanMemberPath } from '../analysis/sources/layout-files.ts';

async function* streamFile(path: string, start: number, length: number, signal: AbortSignal): AsyncIterable<Uint8Array> {
  if (length === 0) return;
  const s = createReadStream(path, { start, end: start + length - 1, highWaterMark: 1024 * 1024, signal });
  for await (const chunk of s as AsyncIterable<Buffer>) yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export async function openFileBlob(path: string): Promise<RandomAccessBlob> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new LayerError('NOT_FOUND', `cannot open ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  if (!st.isFile()) throw new LayerError('NOT_FOUND', `${path} is not a file`);
  return {
    size: st.size,
    async read(offset, length) {
      const fh = await open(path, 'r');
      try {
        const buf = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
          if (bytesRead === 0) throw new LayerError('ARCHIVE_TRUNCATED', `${path}: unexpected end of file at byte ${offset + done}`);
          done += bytesRead;
        }
        return buf;
      } finally {
        await fh.close();
      }
    },
    stream: (offset, length, signal) => streamFile(path, offset, length, signal),
  };
}

/** An OCI image layout directory; paths never leave the directory. */
export function openDirLayoutFiles(dir: string): LayoutFiles {
  const root = resolve(dir);
  const full = (p: string) => {
    const f = resolve(root, cleanMemberPath(p));
    if (f !== root && !f.startsWith(root + sep)) throw new LayerError('NOT_FOUND', `path "${p}" leaves the layout directory`);
    return f;
  };
  return {
    description: `oci:${dir}`,
    size: async (p) => {
      try {
        const st = await stat(full(p));
        return st.isFile() ? st.size : undefined;
      } catch {
        return undefined;
      }
    },
    async read(p, maxBytes) {
      const f = full(p);
      const st = await stat(f).catch(() => undefined);
      if (!st?.isFile()) throw new LayerError('NOT_FOUND', `oci:${dir}: "${p}" does not exist`);
      if (st.size > maxBytes) throw new LayerError('TOO_LARGE', `oci:${dir}: "${p}" is ${st.size} bytes, over the ${maxBytes}-byte limit`);
      const blob = await openFileBlob(f);
      return blob.read(0, st.size);
    },
    stream(p, signal) {
      const f = full(p);
      return (async function* () {
        const st = await stat(f).catch(() => undefined);
        if (!st?.isFile()) throw new LayerError('NOT_FOUND', `oci:${dir}: blob "${p}" does not exist`);
        yield* streamFile(f, 0, st.size, signal);
      })();
    },
    async list() {
      const out: string[] = [];
      const walk = async (d: string) => {
        for (const e of await readdir(d, { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) await walk(p);
          else out.push(relative(root, p).split(sep).join('/'));
        }
      };
      await walk(root);
      return out;
    },
  };
}
