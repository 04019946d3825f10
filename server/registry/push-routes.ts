// Write endpoints of the embedded registry when pushing is on (`strata serve --allow-push`): blob uploads and
// manifest PUT by tag or digest. A manifest is validated by core (parseManifestDocument) and every blob or child
// manifest it names must already be in the repository (MANIFEST_BLOB_UNKNOWN). Node side.
import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { decodeJson, LIMITS_JSON } from '../../src/core/oci/json.ts';
import { parseManifestDocument } from '../../src/core/oci/manifest.ts';
import { isRepositoryName, isTag, parseBlobDigest } from './names.ts';
import type { PushStore } from './push-store.ts';
import { REGISTRY_SAFETY_HEADERS, sendRegistryError } from './registry-errors.ts';
import { createBlobUploads, DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './upload-sessions.ts';

export type PushRoutes = {
  /** Handles POST/PATCH/PUT/DELETE (and GET of an upload's status); false when the path is not a write endpoint. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean>;
  close(): Promise<void>;
};

const UPLOADS = /^\/v2\/(.+?)\/blobs\/uploads\/([^/]*)$/;
const MANIFEST = /^\/v2\/(.+?)\/manifests\/([^/]+)$/;

export function createPushRoutes(store: PushStore, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS): PushRoutes {
  const uploads = createBlobUploads(store, limits);
  return {
    close: () => uploads.close(),
    async handle(req, res, url) {
      const method = req.method ?? 'GET';
      const up = UPLOADS.exec(url.pathname);
      const man = up ? null : MANIFEST.exec(url.pathname);
      const name = up?.[1] ?? man?.[1];
      if (name === undefined) return false;
      if (up && method === 'GET' && up[2] === '') return false;
      if (man && method !== 'PUT') return false;
      if (!isRepositoryName(name)) {
        req.resume();
        sendRegistryError(req, res, 400, 'NAME_INVALID', 'invalid repository name', { name: name.slice(0, 255) });
        return true;
      }
      if (man) {
        await putManifest(store, req, res, name, decodeURIComponent(man[2] ?? ''));
        return true;
      }
      const id = up![2] ?? '';
      if (method === 'POST' && id === '') await uploads.start(req, res, name, url);
      else if (method === 'PATCH' && id !== '') await uploads.patch(req, res, name, id);
      else if (method === 'PUT' && id !== '') await uploads.finish(req, res, name, id, url);
      else if (method === 'GET' && id !== '') uploads.status(req, res, name, id);
      else if (method === 'DELETE' && id !== '') await uploads.cancel(req, res, name, id);
      else { req.resume(); sendRegistryError(req, res, 405, 'UNSUPPORTED', `${method} is not supported on ${url.pathname.slice(0, 200)}`); }
      return true;
    },
  };
}

async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function putManifest(store: PushStore, req: http.IncomingMessage, res: http.ServerResponse, name: string, reference: string): Promise<void> {
  const byDigest = reference.includes(':');
  if (byDigest && !parseBlobDigest(reference)) { req.resume(); return sendRegistryError(req, res, 400, 'DIGEST_INVALID', 'invalid manifest digest'); }
  if (!byDigest && !isTag(reference)) { req.resume(); return sendRegistryError(req, res, 400, 'TAG_INVALID', 'invalid tag', { tag: reference.slice(0, 200) }); }
  const bytes = await readBody(req, LIMITS_JSON.manifestBytes);
  if (!bytes) return sendRegistryError(req, res, 413, 'SIZE_INVALID', `manifests larger than ${LIMITS_JSON.manifestBytes} bytes are refused`);
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const json = decodeJson(new Uint8Array(bytes), LIMITS_JSON.manifestBytes, 'manifest');
  const doc = json.ok ? parseManifestDocument(json.value, contentType || undefined) : json;
  if (!doc.ok) return sendRegistryError(req, res, 400, 'MANIFEST_INVALID', doc.error.message);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (byDigest && reference !== digest) return sendRegistryError(req, res, 400, 'DIGEST_INVALID', `the manifest hashes to ${digest}, not ${reference}`);
  const repository = store.findRepository(name);
  const missing: string[] = [];
  if (doc.value.kind === 'manifest') {
    for (const d of [doc.value.config, ...doc.value.layers]) if (!d.urls && !(await store.findBlobIn(name, d.digest))) missing.push(d.digest);
  } else {
    for (const d of doc.value.manifests) if (!repository?.manifests.has(d.digest)) missing.push(d.digest);
  }
  if (missing.length > 0) {
    return sendRegistryError(req, res, 400, 'MANIFEST_BLOB_UNKNOWN', `push these first: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`, { digest: missing[0]! });
  }
  const mediaType = doc.value.mediaType || contentType;
  await store.putManifest(name, byDigest ? undefined : reference, { digest, mediaType, bytes });
  res.writeHead(201, { ...REGISTRY_SAFETY_HEADERS, location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': '0' });
  res.end();
}
