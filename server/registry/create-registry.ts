// The embedded registry: distribution-spec pull endpoints (/v2/, catalog, tags, manifests, blobs with Range) over a
// LayoutStore. Node side; write methods answer 405 UNSUPPORTED unless push routes are given (--allow-push).
import { createReadStream } from 'node:fs';
import type * as http from 'node:http';
import { parseRangeHeader } from './byte-range.ts';
import type { LayoutStore, Repository } from './layout-store.ts';
import { isRepositoryName, isTag, parseBlobDigest } from './names.ts';
import { paginate } from './paginate.ts';
import type { PushRoutes } from './push-routes.ts';
import { REGISTRY_SAFETY_HEADERS, sendJson, sendRegistryError } from './registry-errors.ts';

export type Registry = { handle(req: http.IncomingMessage, res: http.ServerResponse): void };

const ROUTE = /^\/v2\/(.+?)\/(tags\/list|manifests\/([^/]+)|blobs\/([^/]+))$/;
const READ_ONLY = { allow: 'GET, HEAD' };

export function createRegistry(store: LayoutStore, log: (line: string) => void = () => undefined, push?: PushRoutes): Registry {
  return {
    handle(req, res) {
      route(store, req, res, push).catch((e: unknown) => {
        log(`strata registry: ${req.method} ${req.url}: ${(e as Error).message}`);
        if (!res.headersSent) sendRegistryError(req, res, 500, 'UNSUPPORTED', 'internal error while reading the image layout');
        else res.destroy();
      });
    },
  };
}

async function route(store: LayoutStore, req: http.IncomingMessage, res: http.ServerResponse, push: PushRoutes | undefined): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry.invalid');
  const path = url.pathname;
  if (push && (req.url ?? '/').split('?')[0] === path && req.method !== 'HEAD' && (await push.handle(req, res, url))) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendRegistryError(req, res, 405, 'UNSUPPORTED', push ? `${req.method} is not supported on ${path.slice(0, 200)}` : `${req.method} is not supported: this registry is read-only (start strata serve with --allow-push to accept pushes)`, {}, READ_ONLY);
    return;
  }
  // A path the URL parser had to normalise (dot segments) names nothing here: refuse it rather than guess.
  if ((req.url ?? '/').split('?')[0] !== path) return sendRegistryError(req, res, 400, 'NAME_INVALID', 'path has dot segments');
  if (path === '/v2/' || path === '/v2') return sendJson(req, res, {});
  if (path === '/v2/_catalog') {
    const page = paginate(store.listRepositories(), url.searchParams, '/v2/_catalog');
    if (page.kind === 'invalid') return sendRegistryError(req, res, 400, 'PAGINATION_NUMBER_INVALID', page.message);
    return sendJson(req, res, { repositories: page.entries }, page.link ? { link: page.link } : {});
  }
  const m = ROUTE.exec(path);
  if (!m) return sendRegistryError(req, res, 404, 'UNSUPPORTED', `no registry endpoint at ${path.slice(0, 200)}`);
  const [, name = '', kind = '', manifestRef, blobRef] = m;
  if (!isRepositoryName(name)) return sendRegistryError(req, res, 400, 'NAME_INVALID', 'invalid repository name', { name: name.slice(0, 255) });
  const repository = store.findRepository(name);
  if (!repository) return sendRegistryError(req, res, 404, 'NAME_UNKNOWN', `repository ${name} is not served here`, { name });
  if (kind === 'tags/list') {
    const page = paginate([...repository.tags.keys()].sort(), url.searchParams, `/v2/${name}/tags/list`);
    if (page.kind === 'invalid') return sendRegistryError(req, res, 400, 'PAGINATION_NUMBER_INVALID', page.message);
    return sendJson(req, res, { name, tags: page.entries }, page.link ? { link: page.link } : {});
  }
  const reference = decodeSegment(manifestRef ?? blobRef ?? '');
  if (manifestRef !== undefined) return sendManifest(req, res, repository, reference);
  return sendBlob(store, req, res, repository, reference);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '\0';
  }
}

function sendManifest(req: http.IncomingMessage, res: http.ServerResponse, repository: Repository, reference: string): void {
  const byDigest = reference.includes(':');
  if (byDigest && !parseBlobDigest(reference)) return sendRegistryError(req, res, 400, 'DIGEST_INVALID', 'invalid manifest digest', { digest: reference.slice(0, 200) });
  if (!byDigest && !isTag(reference)) return sendRegistryError(req, res, 400, 'TAG_INVALID', 'invalid tag', { tag: reference.slice(0, 200) });
  const manifest = byDigest ? repository.manifests.get(reference) : repository.tags.get(reference);
  if (!manifest) {
    return sendRegistryError(req, res, 404, 'MANIFEST_UNKNOWN', `manifest ${reference} is not in ${repository.name}`, { name: repository.name, reference });
  }
  res.writeHead(200, {
    ...REGISTRY_SAFETY_HEADERS,
    'content-type': manifest.mediaType,
    'content-length': String(manifest.bytes.length),
    'docker-content-digest': manifest.digest,
    etag: `"${manifest.digest}"`,
    'cache-control': byDigest ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : manifest.bytes);
}

async function sendBlob(store: LayoutStore, req: http.IncomingMessage, res: http.ServerResponse, repository: Repository, digest: string): Promise<void> {
  if (!parseBlobDigest(digest)) return sendRegistryError(req, res, 400, 'DIGEST_INVALID', 'invalid blob digest', { digest: digest.slice(0, 200) });
  const blob = await store.findBlob(repository, digest);
  if (!blob) return sendRegistryError(req, res, 404, 'BLOB_UNKNOWN', `blob ${digest} is not in ${repository.name}`, { digest });
  const headers: Record<string, string> = {
    ...REGISTRY_SAFETY_HEADERS,
    'content-type': 'application/octet-stream',
    'docker-content-digest': digest,
    'accept-ranges': 'bytes',
    etag: `"${digest}"`,
    'cache-control': 'public, max-age=31536000, immutable',
  };
  const range = parseRangeHeader(req.headers.range, blob.size);
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${blob.size}`, 'content-length': '0' });
    res.end();
    return;
  }
  const [status, start, end] = range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, blob.size - 1];
  if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${blob.size}`;
  res.writeHead(status, { ...headers, 'content-length': String(Math.max(0, end - start + 1)) });
  if (req.method === 'HEAD' || blob.size === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(blob.path, { start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
