// The writable side of the embedded registry's catalogue: pushed repositories live as OCI layouts under a push
// directory (`<dir>/<repo with / as %2F>/`), and the LayoutStore is wrapped so a push is served at once. Node side.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobFile, LayoutStore, Repository, StoredManifest } from './layout-store.ts';
import { REF_NAME_ANNOTATION, REPOSITORY_ANNOTATION } from './layout-store.ts';
import { parseBlobDigest } from './names.ts';

export type PushStore = LayoutStore & {
  readonly dir: string;
  /** The layout directory a repository's pushed blobs and manifests are written to (created on demand). */
  layoutDirOf(name: string): Promise<string>;
  /** A blob of `name` in its pushed layout or any layout already serving it. */
  findBlobIn(name: string, digest: string): Promise<BlobFile | undefined>;
  /** Moves a verified temp file into the repository's blobs. */
  adoptBlob(name: string, digest: string, tempPath: string): Promise<void>;
  /** Writes a manifest blob and tags it in index.json; served immediately. */
  putManifest(name: string, tag: string | undefined, manifest: StoredManifest): Promise<void>;
};

export const repositoryDirName = (name: string): string => name.replaceAll('/', '%2F');

export function createPushStore(base: LayoutStore, dir: string): PushStore {
  const pushed = new Map<string, Repository>();
  const repositoryOf = (name: string): Repository => {
    let r = base.findRepository(name) ?? pushed.get(name);
    if (!r) {
      r = { name, tags: new Map(), manifests: new Map(), layoutDirs: new Set() };
      pushed.set(name, r);
    }
    return r;
  };
  const layoutDirOf = async (name: string): Promise<string> => {
    const d = join(dir, repositoryDirName(name));
    await mkdir(join(d, 'blobs', 'sha256'), { recursive: true });
    if (!existsSync(join(d, 'oci-layout'))) await writeFile(join(d, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    repositoryOf(name).layoutDirs.add(d);
    return d;
  };
  const findBlobIn = async (name: string, digest: string): Promise<BlobFile | undefined> => {
    const r = base.findRepository(name) ?? pushed.get(name);
    if (r) return base.findBlob(r, digest);
    const p = parseBlobDigest(digest);
    if (!p) return undefined;
    const path = join(dir, repositoryDirName(name), 'blobs', p.algorithm, p.hex);
    const st = await lstat(path).catch(() => undefined);
    return st?.isFile() ? { path, size: st.size } : undefined;
  };
  return {
    dir,
    listRepositories: () => [...new Set([...base.listRepositories(), ...[...pushed.values()].filter((r) => r.tags.size > 0).map((r) => r.name)])].sort(),
    findRepository: (name) => base.findRepository(name) ?? pushed.get(name),
    findBlob: (repository, digest) => base.findBlob(repository, digest),
    layoutDirOf,
    findBlobIn,
    async adoptBlob(name, digest, tempPath) {
      const p = parseBlobDigest(digest)!;
      const d = await layoutDirOf(name);
      await mkdir(join(d, 'blobs', p.algorithm), { recursive: true });
      await rename(tempPath, join(d, 'blobs', p.algorithm, p.hex));
    },
    async putManifest(name, tag, manifest) {
      const d = await layoutDirOf(name);
      const p = parseBlobDigest(manifest.digest)!;
      await writeFile(join(d, 'blobs', p.algorithm, p.hex), manifest.bytes);
      const indexPath = join(d, 'index.json');
      const index = existsSync(indexPath) ? JSON.parse(await readFile(indexPath, 'utf8')) as { manifests?: { annotations?: Record<string, string>; digest?: string }[] } : {};
      const kept = (index.manifests ?? []).filter((m) => tag === undefined ? m.digest !== manifest.digest : m.annotations?.[REF_NAME_ANNOTATION] !== tag);
      const annotations: Record<string, string> = { [REPOSITORY_ANNOTATION]: name, ...(tag !== undefined ? { [REF_NAME_ANNOTATION]: tag } : {}) };
      kept.push({ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length, annotations } as never);
      const tmp = `${indexPath}.${randomUUID()}.tmp`;
      await writeFile(tmp, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: kept }, null, 2));
      await rename(tmp, indexPath);
      const r = repositoryOf(name);
      r.manifests.set(manifest.digest, manifest);
      if (tag !== undefined) r.tags.set(tag, manifest);
    },
  };
}
