// The simulator's only input from the image: a read-only view of the stacked image layers (OCI image-spec layer.md
// semantics). Implemented over the union tree by the analysis side and over in-memory changesets here. Pure types.
import type { DiffId, Digest } from '../oci/digest.ts';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One filesystem object as a layer tar records it. Paths are absolute and normalised ('/etc/motd'). */
export type LayerEntry = {
  readonly path: string;
  readonly type: EntryType;
  /** Content bytes of a regular file; for a hardlink, the size of the file it links to; 0 otherwise. */
  readonly size: number;
  /** The 12 permission bits (07777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  /** symlink: the target as written; hardlink: the absolute path of the entry it links to. */
  readonly linkTarget?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
};

/** A record of one layer: an object, a whiteout `.wh.<name>` (path = what it deletes) or an opaque marker
 *  `.wh..wh..opq` (path = the directory whose lower children it hides). `marker` is the tar entry itself. */
export type LayerRecord =
  | { readonly kind: 'entry'; readonly entry: LayerEntry }
  | { readonly kind: 'whiteout'; readonly path: string; readonly marker: LayerEntry }
  | { readonly kind: 'opaque'; readonly path: string; readonly marker: LayerEntry };

/** Identity of one image layer; index 0 is the base layer. */
export type LayerIdentity = {
  readonly index: number;
  /** sha256 of the uncompressed layer tar (config rootfs.diff_ids). */
  readonly diffId: DiffId;
  /** ChainID per image-spec config.md; ChainID(L0) = DiffID(L0). */
  readonly chainId: Digest;
  /** Compressed blob digest from the manifest, when known. */
  readonly digest?: Digest;
  /** Sum of regular-file bytes in this layer (what layerdb `size` records). */
  readonly size: number;
  /** The config history step that made the layer, when known. */
  readonly createdBy?: string;
};

/** What a read of one path sees in the stacked image. `depth` counts the layers examined from the top image
 *  layer down to and including the one that answered (the hit, or the whiteout/opaque/non-dir that hid it). */
export type LowerLookup =
  | { readonly kind: 'found'; readonly entry: LayerEntry; readonly layerIndex: number; readonly depth: number }
  | {
      readonly kind: 'absent';
      readonly depth: number;
      readonly hiddenBy?: { readonly layerIndex: number; readonly by: 'whiteout' | 'opaque' | 'non-directory' };
    };

/** One child of a merged directory and the layer that serves it. */
export type MergedChild = { readonly name: string; readonly entry: LayerEntry; readonly layerIndex: number };

export interface LowerView {
  /** Image layers bottom (index 0) to top. */
  readonly layers: readonly LayerIdentity[];
  /** The object a read of `path` sees (absolute, normalised path; '/' is always a directory). */
  lookup(path: string): LowerLookup;
  /** Merged children of a directory, sorted by name; undefined when `path` is not a visible directory. */
  listDir(path: string): readonly MergedChild[] | undefined;
  /** The records of one layer as its tar holds them (whiteouts and opaque markers included), in tar order. */
  layerRecords(layerIndex: number): Iterable<LayerRecord>;
  /** Other visible paths naming the same inode as `path` in the merged image (hardlinks); [] when none. */
  hardlinkPeers(path: string): readonly string[];
}
