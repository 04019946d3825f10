// Blob uploads of the embedded registry (distribution-spec "Pushing blobs"): POST starts a session (202 + Location),
// PATCH appends a chunk (Content-Range must continue the upload), PUT ?digest= finishes it after checking sha256 and
// size; POST ?digest= is a monolithic upload, POST ?mount=&from= a cross-repository mount. Node side, bounded.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import type * as http from 'node:http';
import { join } from 'node:path';
import { parseBlobDigest } from './names.ts';
import type { PushStore } from './push-store.ts';
import { REGISTRY_SAFETY_HEADERS, sendRegistryError } from './registry-errors.ts';

export type UploadLimits = {
  /** largest blob accepted (bytes) */
  readonly maxBlobBytes: number;
  /** upload sessions open at once; more are answered 429 */
  readonly maxSessions: number;
  /** a session idle this long is dropped */
  readonly idleMs: number;
};
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBlobBytes: 2 * 1024 ** 3, maxSessions: 16, idleMs: 10 * 60_000 };

type Session = { readonly id: string; readonly name: string; readonly path: string; readonly hash: Hash; size: number; busy: boolean; touched: number };
type Req = http.IncomingMessage;
type Res = http.ServerResponse;

export type BlobUploads = {
  start(req: Req, res: Res, name: string, url: URL): Promise<void>;
  patch(req: Req, res: Res, name: string, id: string): Promise<void>;
  finish(req: Req, res: Res, name: string, id: string, url: URL): Promise<void>;
  status(req: Req, res: Res, name: string, id: string): void;
  cancel(req: Req, res: Res, name: string, id: string): Promise<void>;
  close(): Promise<void>;
};

export function createBlobUploads(store: PushStore, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): BlobUploads {
  const sessions = new Map<string, Session>();
  const tempDir = join(store.dir, '.uploads');
  const location = (s: Session) => `/v2/${s.name}/blobs/uploads/${s.id}`;
  const drop = async (s: Session) => { sessions.delete(s.id); await rm(s.path, { force: true }); };
  const sweep = async () => {
    for (const s of [...sessions.values()]) if (!s.busy && Date.now() - s.touched > limits.idleMs) await drop(s);
  };
  const progress = (res: Res, s: Session, status: number) => {
    res.writeHead(status, { ...REGISTRY_SAFETY_HEADERS, location: location(s), range: `0-${Math.max(0, s.size - 1)}`, 'docker-upload-uuid': s.id, 'content-length': '0' });
    res.end();
  };
  const open = async (req: Req, res: Res, name: string): Promise<Session | undefined> => {
    await sweep();
    if (sessions.size >= limits.maxSessions) {
      sendRegistryError(req, res, 429, 'TOOMANYREQUESTS', `too many blob uploads in progress (${limits.maxSessions}); finish or cancel some and retry`);
      return undefined;
    }
    await mkdir(tempDir, { recursive: true });
    const id = randomUUID();
    const s: Session = { id, name, path: join(tempDir, id), hash: createHash('sha256'), size: 0, busy: false, touched: Date.now() };
    sessions.set(id, s);
    return s;
  };
  /** Appends the request body to the session, refusing bodies that would pass the size limit. */
  const append = (req: Req, s: Session): Promise<'ok' | 'too-big'> => new Promise((resolve, reject) => {
    const out = createWriteStream(s.path, { flags: 'a' });
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      if (tooBig) return;
      if (s.size + chunk.length > limits.maxBlobBytes) { tooBig = true; req.unpipe(out); out.end(); req.resume(); return; }
      s.size += chunk.length;
      s.hash.update(chunk);
      if (!out.write(chunk)) { req.pause(); out.once('drain', () => req.resume()); }
    });
    req.on('end', () => { if (!tooBig) out.end(); });
    req.on('error', reject);
    out.on('error', reject);
    out.on('close', () => resolve(tooBig ? 'too-big' : 'ok'));
  });
  const session = (req: Req, res: Res, name: string, id: string): Session | undefined => {
    const s = sessions.get(id);
    if (!s || s.name !== name) { sendRegistryError(req, res, 404, 'BLOB_UPLOAD_UNKNOWN', `upload ${id.slice(0, 64)} is not known for ${name} (finished, cancelled or expired)`); return undefined; }
    if (s.busy) { sendRegistryError(req, res, 416, 'BLOB_UPLOAD_INVALID', 'another request is writing to this upload'); return undefined; }
    return s;
  };
  const tooBig = async (req: Req, res: Res, s: Session) => {
    await drop(s);
    sendRegistryError(req, res, 413, 'SIZE_INVALID', `blob is larger than this registry accepts (${limits.maxBlobBytes} bytes)`);
  };
  const commit = async (req: Req, res: Res, s: Session, digest: string | null): Promise<void> => {
    const want = digest === null ? undefined : parseBlobDigest(digest);
    if (!want || want.algorithm !== 'sha256') { await drop(s); return sendRegistryError(req, res, 400, 'DIGEST_INVALID', 'finish the upload with ?digest=sha256:<hex>'); }
    const got = s.hash.digest('hex');
    if (got !== want.hex) { await drop(s); return sendRegistryError(req, res, 400, 'DIGEST_INVALID', `the uploaded ${s.size} bytes hash to sha256:${got}, not ${digest}`, { digest: digest ?? '' }); }
    sessions.delete(s.id);
    await store.adoptBlob(s.name, digest!, s.path);
    res.writeHead(201, { ...REGISTRY_SAFETY_HEADERS, location: `/v2/${s.name}/blobs/${digest}`, 'docker-content-digest': digest!, 'content-length': '0' });
    res.end();
  };
  const run = async <T>(s: Session, work: () => Promise<T>): Promise<T> => {
    s.busy = true;
    try { return await work(); } finally { s.busy = false; s.touched = Date.now(); }
  };

  return {
    async start(req, res, name, url) {
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (mount !== null && from !== null && parseBlobDigest(mount)) {
        const found = await store.findBlobIn(from, mount);
        if (found) {
          const p = parseBlobDigest(mount)!;
          const dir = await store.layoutDirOf(name);
          await mkdir(join(dir, 'blobs', p.algorithm), { recursive: true });
          await copyFile(found.path, join(dir, 'blobs', p.algorithm, p.hex));
          res.writeHead(201, { ...REGISTRY_SAFETY_HEADERS, location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount, 'content-length': '0' });
          res.end();
          return;
        }
      }
      const s = await open(req, res, name);
      if (!s) { req.resume(); return; }
      const digest = url.searchParams.get('digest');
      if (digest === null) { req.resume(); return progress(res, s, 202); }
      await run(s, async () => ((await append(req, s)) === 'too-big' ? tooBig(req, res, s) : commit(req, res, s, digest)));
    },
    async patch(req, res, name, id) {
      const s = session(req, res, name, id);
      if (!s) { req.resume(); return; }
      const range = /^(?:bytes=)?(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (req.headers['content-range'] !== undefined && (!range || Number(range[1]) !== s.size)) {
        req.resume();
        res.setHeader('location', location(s));
        res.setHeader('range', `0-${Math.max(0, s.size - 1)}`);
        return sendRegistryError(req, res, 416, 'BLOB_UPLOAD_INVALID', `Content-Range must start at ${s.size}, the bytes received so far`);
      }
      await run(s, async () => ((await append(req, s)) === 'too-big' ? tooBig(req, res, s) : progress(res, s, 202)));
    },
    async finish(req, res, name, id, url) {
      const s = session(req, res, name, id);
      if (!s) { req.resume(); return; }
      await run(s, async () => ((await append(req, s)) === 'too-big' ? tooBig(req, res, s) : commit(req, res, s, url.searchParams.get('digest'))));
    },
    status(req, res, name, id) {
      const s = session(req, res, name, id);
      if (s) progress(res, s, 204);
    },
    async cancel(req, res, name, id) {
      const s = session(req, res, name, id);
      if (!s) return;
      await drop(s);
      res.writeHead(204, { ...REGISTRY_SAFETY_HEADERS });
      res.end();
    },
    async close() {
      for (const s of [...sessions.values()]) await drop(s);
    },
  };
}
