// A small streaming OCI registry for the browser hardening specs (hardening.md §2.5, failing-layer rule): blobs
// generated on the fly (a ≥ 1 GiB tar, many-entry gzip tars cached in the temp dir), blobs that stall, are corrupt,
// drop once mid-body (so the client resumes with Range → 206) or carry `Vary: *`; it records every blob connection
// and whether the client closed it. Node side; listens on 127.0.0.1:0.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { MEDIA } from '../src/core/oci/media-types.ts';
import { buildTar, tarHeader, type TarSpec } from '../src/testing/tar-builder.ts';

export type ServedBlob = {
  readonly digest: string;
  readonly size: number;
  readonly diffId: string;
  readonly mediaType: string;
  /** the bytes as served; for generated blobs a fresh stream each time */
  open(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** in-memory bytes (Range supported) */
  readonly bytes?: Uint8Array;
  /** how to misbehave: stall after N bytes (never finish), drop the first connection after N bytes, add headers */
  readonly stallAfter?: number;
  /** trickle the body: wait this long after each piece of `pieceBytes` (default 256 KiB) */
  readonly paceMs?: number;
  readonly pieceBytes?: number;
  dropOnceAfter?: number | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  /** serve these bytes instead of the real ones (a corrupted blob under the right digest) */
  readonly corruptBytes?: Uint8Array;
};

export type BlobConnection = { readonly digest: string; readonly ranged: boolean; closedByClient: boolean; finished: boolean; sent: number };

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A gzip layer in memory from tar specs. */
export function gzipLayer(files: TarSpec[]): ServedBlob {
  const tar = buildTar(files);
  const bytes = new Uint8Array(gzipSync(tar));
  return { digest: sha256(bytes), size: bytes.byteLength, diffId: sha256(tar), mediaType: MEDIA.ociLayerGzip, bytes, open: () => [bytes] };
}

export class HardeningRegistry {
  host = '';
  readonly blobs = new Map<string, ServedBlob>();
  readonly manifests = new Map<string, Uint8Array>();
  readonly connections: BlobConnection[] = [];
  readonly requests: { readonly method: string; readonly path: string; readonly range: string | undefined }[] = [];
  private readonly server = createServer((req, res) => void this.route(req, res));

  static async start(): Promise<HardeningRegistry> {
    const r = new HardeningRegistry();
    await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
    r.host = `127.0.0.1:${(r.server.address() as AddressInfo).port}`;
    return r;
  }

  /** Stores an OCI image of these layers under repo:tag; returns the manifest digest. */
  addImage(repo: string, tag: string, layers: readonly ServedBlob[]): string {
    const config = new TextEncoder().encode(JSON.stringify({
      architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created_by: `/bin/sh -c step ${i}` })),
    }));
    const configBlob: ServedBlob = { digest: sha256(config), size: config.byteLength, diffId: '', mediaType: MEDIA.ociConfig, bytes: config, open: () => [config] };
    for (const b of [configBlob, ...layers]) this.blobs.set(b.digest, b);
    const manifest = new TextEncoder().encode(JSON.stringify({
      schemaVersion: 2, mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: configBlob.digest, size: configBlob.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }));
    const digest = sha256(manifest);
    this.manifests.set(`${repo}:${tag}`, manifest);
    this.manifests.set(`${repo}@${digest}`, manifest);
    return digest;
  }

  connectionsTo(digests: readonly string[]): BlobConnection[] {
    return this.connections.filter((c) => digests.includes(c.digest));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, range: req.headers.range });
    if (path === '/v2/' || path === '/v2') return send(res, 200, 'application/json', '{}');
    // B7: a private repository's 401 carries the challenge the page must be able to read.
    if (path.startsWith('/v2/b7/private/')) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="http://${this.host}/token",service="hardening",scope="repository:b7/private:pull"` });
      return void res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!m) return send(res, 404, 'application/json', '{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}');
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    if (kind === 'manifests') {
      const body = this.manifests.get(ref.includes(':') ? `${repo}@${ref}` : `${repo}:${ref}`);
      if (!body) return send(res, 404, 'application/json', '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
      res.writeHead(200, { 'content-type': MEDIA.ociManifest, 'content-length': String(body.byteLength), 'docker-content-digest': sha256(body) });
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    const blob = this.blobs.get(ref);
    if (!blob) return send(res, 404, 'application/json', '{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}');
    await this.serveBlob(req, res, blob);
  }

  private async serveBlob(req: IncomingMessage, res: ServerResponse, blob: ServedBlob): Promise<void> {
    const bytes = blob.corruptBytes ?? blob.bytes;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && bytes ? Number(range[1]) : 0;
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'docker-content-digest': blob.digest, 'accept-ranges': 'bytes', ...blob.headers };
    if (range && bytes) {
      headers['content-range'] = `bytes ${start}-${bytes.byteLength - 1}/${bytes.byteLength}`;
      headers['content-length'] = String(bytes.byteLength - start);
      res.writeHead(206, headers);
    } else {
      headers['content-length'] = String(blob.size);
      res.writeHead(200, headers);
    }
    if (req.method === 'HEAD') return void res.end();
    const conn: BlobConnection = { digest: blob.digest, ranged: range !== null, closedByClient: false, finished: false, sent: 0 };
    this.connections.push(conn);
    res.on('close', () => { if (!res.writableFinished) conn.closedByClient = true; });
    const dropAt = blob.dropOnceAfter;
    if (dropAt !== undefined) blob.dropOnceAfter = undefined;
    const source = bytes ? [bytes.subarray(start)] : blob.open();
    const step = blob.pieceBytes ?? 256 * 1024;
    for await (const chunk of source) {
      for (let off = 0; off < chunk.byteLength; off += step) {
        if (blob.paceMs !== undefined && off > 0) await new Promise((ok) => setTimeout(ok, blob.paceMs));
        let piece = chunk.subarray(off, Math.min(chunk.byteLength, off + step));
        const limit = blob.stallAfter ?? dropAt;
        if (limit !== undefined && conn.sent + piece.byteLength > limit) {
          piece = piece.subarray(0, Math.max(0, limit - conn.sent));
          if (piece.byteLength > 0) await write(res, piece);
          conn.sent += piece.byteLength;
          if (dropAt !== undefined && blob.stallAfter === undefined) res.socket?.destroy();
          return; // stalled: the response stays open until the client goes away
        }
        if (res.destroyed) return;
        await write(res, piece);
        conn.sent += piece.byteLength;
      }
    }
    conn.finished = true;
    res.end();
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((ok) => {
    if (res.destroyed) return ok();
    if (res.write(chunk)) return ok();
    const done = () => { res.off('drain', done); res.off('close', done); ok(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** A plain (uncompressed) tar of `files` regular files of `fileBytes` each, streamed; its digest computed once. */
export function generatedPlainTar(files: number, fileBytes: number): ServedBlob {
  const chunk = new Uint8Array(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
  function* stream(): Iterable<Uint8Array> {
    for (let f = 0; f < files; f++) {
      yield tarHeader({ name: `big/file-${f}.bin`, typeflag: '0', size: fileBytes, mode: 0o644 });
      for (let left = fileBytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
      const pad = (512 - (fileBytes % 512)) % 512;
      if (pad) yield new Uint8Array(pad);
    }
    yield new Uint8Array(1024);
  }
  const h = createHash('sha256');
  let size = 0;
  for (const c of stream()) {
    h.update(c);
    size += c.byteLength;
  }
  const digest = `sha256:${h.digest('hex')}`;
  return { digest, size, diffId: digest, mediaType: 'application/vnd.oci.image.layer.v1.tar', open: stream };
}

/**
 * A gzip tar of `entries` empty files (distinct names in directories of 4096, under `prefix` when given): more
 * entries than the entry budget allows. Generated once into the temp dir (~10 bytes per entry, a few seconds per
 * million) and reused by later runs.
 */
export async function generatedManyEntries(entries: number, prefix = ''): Promise<ServedBlob> {
  if (!/^([a-z0-9]+\/)?$/.test(prefix)) throw new Error(`generatedManyEntries: prefix ${prefix} is not a short directory name`);
  const base = join(tmpdir(), `strata-e2e-entries-${prefix.replace('/', '-')}${entries}-v1`);
  if (!existsSync(`${base}.json`)) {
    const tmp = `${base}.${process.pid}.tmp`;
    const out = createWriteStream(tmp);
    const gz = createGzip({ level: 1 });
    const digest = createHash('sha256');
    const diff = createHash('sha256');
    let size = 0;
    gz.on('data', (c: Buffer) => { digest.update(c); size += c.byteLength; });
    gz.pipe(out);
    const finished = new Promise<void>((ok, fail) => { out.on('finish', ok); out.on('error', fail); });
    const template = Buffer.from(tarHeader({ name: '', typeflag: '0', size: 0, mode: 0o644 }));
    template.fill(0x20, 148, 156);
    let templateSum = 0;
    for (const b of template) templateSum += b;
    const BATCH = 65536;
    for (let i = 0; i < entries; i += BATCH) {
      const n = Math.min(BATCH, entries - i);
      const buf = Buffer.allocUnsafe(n * 512);
      for (let j = 0; j < n; j++) {
        const k = i + j;
        const off = j * 512;
        template.copy(buf, off);
        const name = `${prefix}d${(k >> 12).toString(36)}/f${(k & 4095).toString(36)}`;
        let sum = templateSum;
        for (let q = 0; q < name.length; q++) {
          const c = name.charCodeAt(q);
          buf[off + q] = c;
          sum += c;
        }
        buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, off + 148, 'latin1');
      }
      diff.update(buf);
      if (!gz.write(buf)) await new Promise((ok) => gz.once('drain', ok));
    }
    const end = Buffer.alloc(1024);
    diff.update(end);
    gz.end(end);
    await finished;
    renameSync(tmp, `${base}.tar.gz`);
    writeFileSync(`${base}.json`, JSON.stringify({ digest: `sha256:${digest.digest('hex')}`, size, diffId: `sha256:${diff.digest('hex')}` }));
  }
  const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { digest: string; size: number; diffId: string };
  return { ...meta, mediaType: MEDIA.ociLayerGzip, open: () => createReadStream(`${base}.tar.gz`, { highWaterMark: 1024 * 1024 }) };
}
