// LowerView over in-memory layer changesets (tar-like entries with OCI whiteouts, image-spec layer.md), for tests
// and the CLI. DiffIDs are sha256 of the tar the changeset would be, unless given. Pure.
import { err, ok, type Result } from '../result.ts';
import type { DiffId, Digest } from '../oci/digest.ts';
import { sha256HexOfChunks } from '../hash/sha256.ts';
import { createTarStream, type TarEntry } from '../layers/tar-writer.ts';
import { computeChainIds } from '../drivers/layer-ids.ts';
import type { EntryType, LayerEntry, LayerIdentity, LayerRecord, LowerLookup, LowerView, MergedChild } from './lower-view.ts';
import { ancestorsOf, baseName, isWithin, normalizePath, parentPath } from './paths.ts';

export type ChangesetEntry = {
  /** As in a tar: 'etc/motd' or '/etc/motd'; whiteouts 'etc/.wh.motd', opaque markers 'etc/.wh..wh..opq'. */
  readonly path: string;
  readonly type: EntryType;
  readonly size?: number;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: number;
  readonly linkTarget?: string;
};

export type LayerChangeset =
  | readonly ChangesetEntry[]
  | { readonly entries: readonly ChangesetEntry[]; readonly diffId?: DiffId; readonly digest?: Digest; readonly createdBy?: string };

const WH = '.wh.';
const OPQ = '.wh..wh..opq';
const DEFAULT_MTIME = 1_700_000_000;

type Layer = {
  readonly records: LayerRecord[];
  readonly entries: Map<string, LayerEntry>;
  readonly whiteouts: Set<string>;
  readonly opaque: Set<string>;
  readonly children: Map<string, Set<string>>;
};

/** Builds a LowerView from changesets, bottom layer first. Fails on malformed paths and hardlinks to nothing. */
export function createLowerViewFromChangesets(changesets: readonly LayerChangeset[]): Result<LowerView> {
  const layers: Layer[] = [];
  const identities: { diffId: DiffId; digest?: Digest; size: number; createdBy?: string }[] = [];
  const inodes = new Map<string, number>();
  let nextInode = 1;
  const inodeSize = new Map<number, number>();
  for (const [i, changeset] of changesets.entries()) {
    const input = Array.isArray(changeset) ? { entries: changeset as readonly ChangesetEntry[] } : (changeset as Exclude<LayerChangeset, readonly ChangesetEntry[]>);
    const layer: Layer = { records: [], entries: new Map(), whiteouts: new Set(), opaque: new Set(), children: new Map() };
    let size = 0;
    const hidden: string[] = [];
    const added: [string, LayerEntry, ChangesetEntry][] = [];
    for (const raw of input.entries) {
      const path = normalizePath(raw.path);
      if (path === undefined || path === '/') return err('CHANGESET_INVALID', `layer ${i}: bad path "${raw.path}"`);
      const marker: LayerEntry = {
        path, type: raw.type, size: raw.type === 'file' ? raw.size ?? 0 : 0, mode: (raw.mode ?? (raw.type === 'dir' ? 0o755 : 0o644)) & 0o7777,
        uid: raw.uid ?? 0, gid: raw.gid ?? 0, mtime: raw.mtime ?? DEFAULT_MTIME,
        ...(raw.linkTarget === undefined ? {} : { linkTarget: raw.type === 'hardlink' ? normalizePath(raw.linkTarget) ?? raw.linkTarget : raw.linkTarget }),
      };
      const name = baseName(path);
      const dir = parentPath(path);
      if (name === OPQ) {
        layer.opaque.add(dir);
        layer.records.push({ kind: 'opaque', path: dir, marker });
        hidden.push(`${dir}/`);
      } else if (name.startsWith(WH)) {
        if (name === WH) return err('CHANGESET_INVALID', `layer ${i}: a bare "${WH}" whiteout is invalid (layer.md)`);
        if (name.startsWith(`${WH}${WH}`)) continue;
        const target = dir === '/' ? `/${name.slice(WH.length)}` : `${dir}/${name.slice(WH.length)}`;
        layer.whiteouts.add(target);
        layer.records.push({ kind: 'whiteout', path: target, marker });
        hidden.push(target);
      } else {
        added.push([path, marker, raw]);
        layer.records.push({ kind: 'entry', entry: marker });
      }
    }
    // Whiteouts and opaque markers hide lower layers only, whatever their position in the tar (layer.md).
    for (const h of hidden) {
      for (const p of [...inodes.keys()]) {
        if (h.endsWith('/') ? p.startsWith(h === '//' ? '/' : h) : isWithin(p, h)) inodes.delete(p);
      }
    }
    for (const [path, marker, raw] of added) {
      let entry = marker;
      if (raw.type === 'hardlink') {
        const target = entry.linkTarget === undefined ? undefined : inodes.get(entry.linkTarget);
        if (target === undefined) return err('CHANGESET_INVALID', `layer ${i}: hardlink ${path} points to "${raw.linkTarget ?? ''}", which does not exist`);
        inodes.set(path, target);
        entry = { ...entry, size: inodeSize.get(target) ?? 0 };
        const at = layer.records.findIndex((r) => r.kind === 'entry' && r.entry === marker);
        layer.records[at] = { kind: 'entry', entry };
      } else {
        inodes.set(path, nextInode);
        inodeSize.set(nextInode++, entry.size);
      }
      size += raw.type === 'file' ? entry.size : 0;
      layer.entries.set(path, entry);
      const siblings = layer.children.get(parentPath(path)) ?? new Set<string>();
      siblings.add(baseName(path));
      layer.children.set(parentPath(path), siblings);
    }
    layers.push(layer);
    let diffId = 'diffId' in input ? input.diffId : undefined;
    if (diffId === undefined) {
      const computed = computeDiffId(input.entries);
      if (!computed.ok) return computed;
      diffId = computed.value as DiffId;
    }
    identities.push({
      diffId, size,
      ...('digest' in input && input.digest !== undefined ? { digest: input.digest } : {}),
      ...('createdBy' in input && input.createdBy !== undefined ? { createdBy: input.createdBy } : {}),
    });
  }
  const chainIds = computeChainIds(identities.map((l) => l.diffId));
  const ids: LayerIdentity[] = identities.map((l, index) => ({ ...l, index, chainId: chainIds[index]! }));
  return ok(buildView(layers, ids, inodes));
}

function computeDiffId(entries: readonly ChangesetEntry[]): Result<string> {
  const tar: TarEntry[] = entries.map((e) => ({
    path: e.path, type: e.type, mode: e.mode ?? (e.type === 'dir' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: e.gid ?? 0,
    mtime: e.mtime ?? DEFAULT_MTIME, ...(e.linkTarget === undefined ? {} : { linkTarget: e.linkTarget.replace(/^\/+/, '') }),
    ...(e.type === 'file' && (e.size ?? 0) > 0 ? { body: { kind: 'fill', byte: 0, size: e.size ?? 0 } as const } : {}),
  }));
  const stream = createTarStream(tar);
  if (!stream.ok) return stream;
  return ok(`sha256:${sha256HexOfChunks(stream.value.chunks())}`);
}

function buildView(layers: readonly Layer[], ids: readonly LayerIdentity[], inodes: ReadonlyMap<string, number>): LowerView {
  const root: LayerEntry = { path: '/', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: DEFAULT_MTIME };

  // The view is immutable, so lookups and listings are memoised.
  const lookups = new Map<string, LowerLookup>();
  const listings = new Map<string, readonly MergedChild[] | undefined>();

  function lookup(path: string): LowerLookup {
    let hit = lookups.get(path);
    if (hit === undefined) {
      hit = lookupUncached(path);
      lookups.set(path, hit);
    }
    return hit;
  }

  function lookupUncached(path: string): LowerLookup {
    if (path === '/') return { kind: 'found', entry: root, layerIndex: 0, depth: 0 };
    const ancestors = ancestorsOf(path);
    let depth = 0;
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      depth++;
      const entry = layer.entries.get(path);
      if (entry) return { kind: 'found', entry, layerIndex: i, depth };
      if (layer.whiteouts.has(path)) return { kind: 'absent', depth, hiddenBy: { layerIndex: i, by: 'whiteout' } };
      for (const a of ancestors) {
        if (layer.whiteouts.has(a)) return { kind: 'absent', depth, hiddenBy: { layerIndex: i, by: 'whiteout' } };
        if (layer.opaque.has(a)) return { kind: 'absent', depth, hiddenBy: { layerIndex: i, by: 'opaque' } };
        const e = layer.entries.get(a);
        if (e && e.type !== 'dir') return { kind: 'absent', depth, hiddenBy: { layerIndex: i, by: 'non-directory' } };
      }
    }
    return { kind: 'absent', depth };
  }

  function listDir(path: string): readonly MergedChild[] | undefined {
    if (!listings.has(path)) listings.set(path, listDirUncached(path));
    return listings.get(path);
  }

  function listDirUncached(path: string): readonly MergedChild[] | undefined {
    const self = lookup(path);
    if (self.kind !== 'found' || self.entry.type !== 'dir') return undefined;
    const out: MergedChild[] = [];
    const seen = new Set<string>();
    for (let i = layers.length - 1; i >= 0; i--) {
      for (const name of layers[i]!.children.get(path) ?? []) {
        if (seen.has(name)) continue;
        seen.add(name);
        const child = lookup(path === '/' ? `/${name}` : `${path}/${name}`);
        if (child.kind === 'found') out.push({ name, entry: child.entry, layerIndex: child.layerIndex });
      }
      const layer = layers[i]!;
      if (layer.opaque.has(path) || layer.whiteouts.has(path) || ancestorsOf(path).some((a) => layer.whiteouts.has(a))) break;
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  function hardlinkPeers(path: string): readonly string[] {
    const inode = inodes.get(path);
    if (inode === undefined) return [];
    const peers: string[] = [];
    for (const [p, n] of inodes) if (n === inode && p !== path && lookup(p).kind === 'found') peers.push(p);
    return peers.sort();
  }

  return {
    layers: ids,
    lookup,
    listDir,
    layerRecords: (index: number) => layers[index]?.records ?? [],
    hardlinkPeers,
  };
}
