// Messages between the page (src/worker-client) and the analysis worker (src/analysis/worker). Types only:
// every payload is structured-clone safe; large row batches may travel as transferred ArrayBuffers.

/** Where an image comes from. */
export type ImageSourceSpec =
  /** a registry reached through strata serve's CORS proxy (`/proxy/<host>/…`), or same-origin for the embedded one */
  | { readonly kind: 'registry'; readonly reference: string; readonly platform?: string; readonly credentials?: { readonly username: string; readonly password: string } }
  /** a dropped `docker save` or OCI archive; nothing is uploaded */
  | { readonly kind: 'file'; readonly file: File; readonly ref?: string; readonly platform?: string };

export type LayerSummary = {
  readonly index: number;
  readonly digest: string | null;
  readonly diffId: string | null;
  readonly mediaType: string;
  /** compressed size from the descriptor (or archive member size) */
  readonly size: number | null;
  readonly createdBy: string | null;
  readonly created: string | null;
};

export type HistoryRow = { readonly createdBy: string; readonly created: string | null; readonly emptyLayer: boolean; readonly layer: number | null; readonly comment: string | null };

/** Sent first: everything known before any layer byte arrives. */
export type ImageInfo = {
  readonly imageId: string;
  readonly source: string;
  readonly format: 'docker-archive' | 'oci-layout' | 'registry';
  readonly manifestDigest: string | null;
  readonly configDigest: string | null;
  readonly platform: string;
  readonly platformChoice: string | null;
  /** platforms offered by the index, when the reference named one */
  readonly platforms: readonly string[];
  readonly layers: readonly LayerSummary[];
  readonly history: readonly HistoryRow[];
  readonly config: { readonly env: readonly string[]; readonly entrypoint: readonly string[]; readonly cmd: readonly string[]; readonly workingDir: string | null; readonly user: string | null; readonly labels: Readonly<Record<string, string>> };
  readonly warnings: readonly string[];
};

export type LayerState = {
  readonly index: number;
  readonly status: 'queued' | 'loading' | 'verified' | 'unverified' | 'failed' | 'cached';
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly totalBytes: number | null;
  readonly entries: number;
  /** bytes per second over the last second */
  readonly rate: number;
  readonly compression: 'gzip' | 'zstd' | 'none' | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
  readonly stats: { readonly added: number; readonly modified: number; readonly removed: number; readonly fileBytes: number; readonly reclaimableBytes: number } | null;
};

export type Metrics = {
  readonly efficiencyScore: number;
  readonly wastedBytes: number;
  readonly sizeBytes: number;
  readonly userSizeBytes: number;
  readonly userWastedPercent: number;
  readonly reclaimableBytes: number;
  readonly inefficiencies: readonly { readonly path: string; readonly count: number; readonly cumulativeSize: number }[];
  readonly reclaimablePaths: readonly { readonly path: string; readonly copies: number; readonly bytes: number }[];
  readonly partial: boolean;
};

export type DiffKindName = 'added' | 'modified' | 'removed' | 'unmodified';

export type TreeView = {
  /**
   * merged: the union as of `layer`, each entry marked with what `layer` itself changed (entries it removed stay
   * listed as 'removed'); layer: only that layer's changes (dive's two modes)
   */
  readonly mode: 'merged' | 'layer';
  readonly layer: number;
  /** expanded directory paths; '*' expands everything */
  readonly expanded: readonly string[];
  /** diff kinds to show (directories leading to a shown entry stay visible); empty or all four = no filter */
  readonly kinds: readonly DiffKindName[];
  /**
   * On the full path: /regex/flags; a glob when it has * or ? (** crosses directories; without a leading / it
   * matches at any depth); otherwise a case-insensitive substring. Matches are shown with their ancestors open.
   */
  readonly search: string;
  readonly sort: 'name' | 'size';
};

export type TreeRowOut = {
  readonly path: string;
  readonly name: string;
  readonly depth: number;
  readonly type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'whiteout';
  /** bytes; for a directory the cumulative regular-file bytes below it; for a hardlink its target's size */
  readonly size: number;
  readonly mode: string;
  readonly uid: number;
  readonly gid: number;
  readonly link: string | null;
  readonly diff: DiffKindName;
  /** layer the visible version comes from */
  readonly layer: number;
  /** lower layers whose versions this node hides */
  readonly shadows: readonly number[];
  readonly hasChildren: boolean;
  readonly expanded: boolean;
};

export type WhiteoutRow = { readonly path: string; readonly opaque: boolean; readonly hides: number; readonly hiddenBytes: number; readonly hiddenPaths: readonly string[] };

export type Request =
  | { readonly type: 'open'; readonly id: number; readonly source: ImageSourceSpec; readonly proxyBase: string; readonly concurrency?: number }
  | { readonly type: 'rows'; readonly id: number; readonly imageId: string; readonly view: TreeView; readonly start: number; readonly count: number }
  | { readonly type: 'file'; readonly id: number; readonly imageId: string; readonly path: string; readonly layer: number; readonly maxBytes: number }
  | { readonly type: 'whiteouts'; readonly id: number; readonly imageId: string; readonly layer: number }
  | { readonly type: 'close'; readonly id: number; readonly imageId: string }
  | { readonly type: 'cancel'; readonly id: number; readonly target: number }
  | { readonly type: 'clearCache'; readonly id: number };

export type Response =
  | { readonly type: 'image'; readonly id: number; readonly info: ImageInfo }
  | { readonly type: 'layer'; readonly id: number; readonly imageId: string; readonly state: LayerState }
  | { readonly type: 'metrics'; readonly id: number; readonly imageId: string; readonly metrics: Metrics }
  /**
   * partial: the answer is not exactly the requested view — a layer at or below `view.layer` failed, or is still
   * loading (then the rows are the union as of `asOfLayer`, the newest layer whose lower layers have all loaded).
   */
  | { readonly type: 'rows'; readonly id: number; readonly total: number; readonly start: number; readonly rows: readonly TreeRowOut[]; readonly partial?: boolean; readonly asOfLayer?: number }
  | { readonly type: 'file'; readonly id: number; readonly path: string; readonly size: number; readonly truncated: boolean; readonly bytes: ArrayBuffer }
  /** partial: measured on an inexact tree below the layer (a lower layer failed or is still loading) */
  | { readonly type: 'whiteouts'; readonly id: number; readonly rows: readonly WhiteoutRow[]; readonly partial?: boolean }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly code: string; readonly message: string };
