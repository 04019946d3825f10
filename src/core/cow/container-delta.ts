// The container layer after simulation, as plain data: what the upper/rw layer holds relative to the image and the
// init layer. Drivers render it in their on-disk form; diff and commit read it. Pure types.
import type { EntryType, LayerEntry } from './lower-view.ts';

export type DeltaObject = {
  readonly kind: 'object';
  readonly path: string;
  readonly type: Exclude<EntryType, 'hardlink'>;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly linkTarget?: string;
  /** Inode number inside the container layer; names sharing it are hardlinks. */
  readonly inode: number;
  /** An object of the same path exists below (image or init layer): a copy-up, or a replacement. */
  readonly overLower: boolean;
  /** overlay: trusted.overlay.opaque=y; aufs: .wh..wh..opq inside; other drivers: lower children were removed. */
  readonly opaque: boolean;
  /** overlay redirect_dir: trusted.overlay.redirect (original path of a renamed lower directory). */
  readonly redirect?: string;
  /** overlay metacopy: only metadata was copied up; data still comes from the lower file. */
  readonly metacopy: boolean;
  /** Held by the driver (aufs pseudo-link, overlay index) rather than present as a name in the rw dir. */
  readonly pseudoLink: boolean;
  /** Known file bytes (echo/dd on a file whose bytes are all known); absent when simulated. */
  readonly content?: Uint8Array;
};

export type DeltaWhiteout = { readonly kind: 'whiteout'; readonly path: string };
export type DeltaEntry = DeltaObject | DeltaWhiteout;

export type ContainerDelta = {
  /** Upper entries sorted in tar-walk order (parents first). */
  readonly entries: readonly DeltaEntry[];
  /** The init layer's entries (docker's `<mount-id>-init`), which diff and commit compare against. */
  readonly initEntries: readonly LayerEntry[];
  readonly containerId: string;
  readonly mountId: string;
  readonly initId: string;
  readonly volumes: readonly string[];
};
