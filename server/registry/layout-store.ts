// Loads OCI image layouts (image-layout.md: index.json + blobs/<alg>/<hex>) into the read-only catalogue the embedded
// registry serves. Node side. A snapshot taken at start: restart the server to pick up new images.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readFile, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { isIndexType } from '../../src/core/oci/media-types.ts';
import { isRepositoryName, isTag, parseBlobDigest } from './names.ts';

/** Annotation naming the repository of an index.json entry; without it the layout directory's name is used. */
export const REPOSITORY_ANNOTATION = 'io.strata.repository';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const MANIFEST_MAX = 4 * 1024 * 1024;

export type StoredManifest = { readonly digest: string; readonly mediaType: string; readonly bytes: Buffer };
export type Repository = {
  readonly name: string;
  readonly tags: Map<string, StoredManifest>;
  readonly manifests: Map<string, StoredManifest>;
  readonly layoutDirs: Set<string>;
};
export type BlobFile = { readonly path: string; readonly size: number };
export type LayoutStore = {
  listRepositories(): string[];
  findRepository(name: string): Repository | undefined;
  findBlob(repository: Repository, digest: string): Promise<BlobFile | undefined>;
};

type Descriptor = { mediaType: string; digest: string; annotations: Record<string, string> };

/**
 * Each root is either one layout (has index.json; default repository name = the directory's name) or a folder whose
 * subdirectories are layouts (default repository name = the subdirectory's name).
 */
export async function loadLayoutStore(roots: readonly string[], log: (line: string) => void = () => undefined): Promise<LayoutStore> {
  const repositories = new Map<string, Repository>();
  for (const root of roots) {
    for (const layout of await findLayouts(resolve(root))) {
      await addLayout(layout.dir, layout.name, repositories, log);
    }
  }
  return {
    listRepositories: () => [...repositories.keys()].sort(),
    findRepository: (name) => repositories.get(name),
    findBlob: (repository, digest) => findBlobFile(repository, digest),
  };
}

async function findLayouts(root: string): Promise<{ dir: string; name: string }[]> {
  if (existsSync(join(root, 'index.json'))) return [{ dir: root, name: basename(root).toLowerCase() }];
  const out: { dir: string; name: string }[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory() && existsSync(join(root, e.name, 'index.json'))) out.push({ dir: join(root, e.name), name: e.name.toLowerCase() });
  }
  return out;
}

async function addLayout(dir: string, defaultName: string, repositories: Map<string, Repository>, log: (line: string) => void): Promise<void> {
  let descriptors: Descriptor[];
  try {
    descriptors = readDescriptors(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')));
  } catch (e) {
    log(`strata registry: skipping ${dir}: index.json is not a valid OCI index (${(e as Error).message})`);
    return;
  }
  for (const d of descriptors) {
    const name = d.annotations[REPOSITORY_ANNOTATION] ?? defaultName;
    if (!isRepositoryName(name)) {
      log(`strata registry: skipping ${d.digest} in ${dir}: "${name}" is not a valid repository name`);
      continue;
    }
    const manifest = await readManifest(dir, d);
    if (!manifest) {
      log(`strata registry: skipping ${d.digest} in ${dir}: manifest blob missing, too big or not matching its digest`);
      continue;
    }
    let repository = repositories.get(name);
    if (!repository) {
      repository = { name, tags: new Map(), manifests: new Map(), layoutDirs: new Set() };
      repositories.set(name, repository);
    }
    repository.layoutDirs.add(dir);
    const tag = d.annotations[REF_NAME_ANNOTATION];
    if (tag !== undefined && isTag(tag) && !repository.tags.has(tag)) repository.tags.set(tag, manifest);
    repository.manifests.set(manifest.digest, manifest);
    if (isIndexType(manifest.mediaType)) await addChildren(dir, manifest, repository);
  }
}

/** The platform manifests of an index are reachable by digest (one level, as image indexes are used in practice). */
async function addChildren(dir: string, index: StoredManifest, repository: Repository): Promise<void> {
  for (const child of readDescriptors(JSON.parse(index.bytes.toString('utf8')))) {
    const manifest = await readManifest(dir, child);
    if (manifest) repository.manifests.set(manifest.digest, manifest);
  }
}

function readDescriptors(json: unknown): Descriptor[] {
  const manifests = (json as { manifests?: unknown } | null)?.manifests;
  if (!Array.isArray(manifests)) throw new Error('no "manifests" array');
  const out: Descriptor[] = [];
  for (const m of manifests as unknown[]) {
    const d = m as { mediaType?: unknown; digest?: unknown; annotations?: unknown } | null;
    if (typeof d?.mediaType !== 'string' || typeof d.digest !== 'string') continue;
    const annotations: Record<string, string> = {};
    if (d.annotations && typeof d.annotations === 'object') {
      for (const [k, v] of Object.entries(d.annotations)) if (typeof v === 'string') annotations[k] = v;
    }
    out.push({ mediaType: d.mediaType, digest: d.digest, annotations });
  }
  return out;
}

async function readManifest(dir: string, d: Descriptor): Promise<StoredManifest | undefined> {
  const parsed = parseBlobDigest(d.digest);
  if (!parsed) return undefined;
  const path = join(dir, 'blobs', parsed.algorithm, parsed.hex);
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isFile() || st.size > MANIFEST_MAX) return undefined;
  const bytes = await readFile(path);
  if (createHash(parsed.algorithm).update(bytes).digest('hex') !== parsed.hex) return undefined;
  return { digest: d.digest, mediaType: d.mediaType, bytes };
}

/** Blobs are looked up only in the layouts that hold the repository; symlinks and non-files are refused. */
async function findBlobFile(repository: Repository, digest: string): Promise<BlobFile | undefined> {
  const parsed = parseBlobDigest(digest);
  if (!parsed) return undefined;
  for (const dir of repository.layoutDirs) {
    const path = join(dir, 'blobs', parsed.algorithm, parsed.hex);
    const st = await lstat(path).catch(() => undefined);
    if (st?.isFile()) return { path, size: st.size };
  }
  return undefined;
}
