// Messages between the page (src/worker-client) and the analysis worker (src/analysis/worker). Types only:
// every payload is structured-clone safe; large row batches may travel as transferred ArrayBuffers.
import type { FileChange } from '../core/tree/compare.ts';
import type { SimulationReport } from '../core/cow/report.ts';
import type { DiskUsage } from '../core/drivers/disk-usage.ts';

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

/** Change kinds of a file-level comparison (an image B against an image A). */
export type ChangeKindName = 'added' | 'removed' | 'modified';

/** Which file changes a `compare` window lists: empty kinds = all three; search as in TreeView.search. */
export type CompareFilter = { readonly kinds: readonly ChangeKindName[]; readonly search: string };

/** One changed path of a comparison (the core type; plain data, structured-clone safe). */
export type FileChangeRow = FileChange;

/** Two open images compared: shared layers, first difference, and one window of the (filtered) file diff. */
export type CompareAnswer = {
  /** digests both stacks hold */
  readonly shared: readonly string[];
  /** same diffId, different digest: the same layer recompressed */
  readonly sharedByDiffId: readonly { readonly diffId: string; readonly digestA: string; readonly digestB: string }[];
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  /** index of the first layer where the stacks differ (by diffId); null when identical */
  readonly firstDifference: number | null;
  /** bytes B adds over A across every changed file (unfiltered) */
  readonly sizeDelta: number;
  /** changes of each kind before the filter */
  readonly counts: { readonly added: number; readonly removed: number; readonly modified: number };
  /** rows matching the filter */
  readonly total: number;
  readonly start: number;
  readonly files: readonly FileChangeRow[];
  /** a layer of either image failed or is still loading: the file diff covers the stacked layers only */
  readonly partial: boolean;
};

/** One simulated container: a storage driver and its `k=v` options (redirect_dir=on, kernel=4.19, lvm=direct, …). */
export type SimulationLane = { readonly driver: string; readonly options: readonly string[] };

/** One entry of the container layer (upper / rw dir) after the commands, as the driver stores it. */
export type ContainerLayerRow = {
  readonly path: string;
  readonly kind: 'whiteout' | 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';
  readonly size: number;
  /** an object of the same path exists below: copied up (or replaced) */
  readonly copiedUp: boolean;
  readonly opaque: boolean;
  readonly metacopy: boolean;
  readonly redirect: string | null;
};

export type SimulationOut = { readonly report: SimulationReport; readonly layer: readonly ContainerLayerRow[] };

export type LayoutOut = {
  readonly driver: string;
  /** the /var/lib/docker tree as indented text lines (drivers/layout-tree.ts renderLayout) */
  readonly lines: readonly string[];
  readonly truncated: boolean;
  readonly diskUsage: DiskUsage;
  readonly notes: readonly string[];
};

export type CommitOutput =
  | { readonly kind: 'archive'; readonly tag: string }
  | {
    readonly kind: 'push';
    /** `repo:tag` (this server's registry) or `host[:port]/repo:tag` (a registry strata serve allows pushes to) */
    readonly target: string;
    /** the server's --allow-push-host list (GET /api/config); other hosts are refused before anything is sent */
    readonly pushHosts?: readonly string[];
    readonly proxyBase?: string;
    /** Basic credentials for the target registry (sent only there, through the proxy) */
    readonly credentials?: { readonly username: string; readonly password: string };
  };

export type CommitOut = {
  readonly method: string;
  readonly diffId: string;
  /** sha256 of the gzip blob */
  readonly digest: string;
  readonly chainId: string;
  readonly parentChainId: string | null;
  readonly layerBytes: number;
  readonly tarBytes: number;
  readonly configDigest: string;
  readonly manifestDigest: string;
  /** the tar's entries in order, as `tar -t` lists them */
  readonly entries: readonly string[];
  readonly notes: readonly string[];
  /** where the image was pushed (`host/repo:tag`), for push */
  readonly pushedTo: string | null;
};

/**
 * What the page can read about memory, sent with `open` so the worker derives its image entry budget from it
 * (hardening B2; src/analysis/heap-entry-budget.ts): a dedicated worker has no `performance.memory` in Chromium.
 */
export type MemoryReport = {
  /** `performance.memory.jsHeapSizeLimit` (Chromium; rounded by the browser), in bytes */
  readonly jsHeapSizeLimit?: number | undefined;
  /** `navigator.deviceMemory` (Chromium, secure contexts; coarse), in GiB */
  readonly deviceMemoryGiB?: number | undefined;
};

export type Request =
  | { readonly type: 'open'; readonly id: number; readonly source: ImageSourceSpec; readonly proxyBase: string; readonly concurrency?: number; readonly memory?: MemoryReport }
  | { readonly type: 'rows'; readonly id: number; readonly imageId: string; readonly view: TreeView; readonly start: number; readonly count: number }
  | { readonly type: 'file'; readonly id: number; readonly imageId: string; readonly path: string; readonly layer: number; readonly maxBytes: number }
  | { readonly type: 'whiteouts'; readonly id: number; readonly imageId: string; readonly layer: number }
  /** compares two open images (B against A); the comparison is cached per pair, windows are cut from it */
  | { readonly type: 'compare'; readonly id: number; readonly imageIdA: string; readonly imageIdB: string; readonly filter?: CompareFilter; readonly start: number; readonly count: number }
  /** manifest and config only (no layer is read): answered by one 'image' message; the image is not kept open */
  | { readonly type: 'describe'; readonly id: number; readonly source: ImageSourceSpec; readonly proxyBase: string }
  | { readonly type: 'close'; readonly id: number; readonly imageId: string }
  | { readonly type: 'cancel'; readonly id: number; readonly target: number }
  | { readonly type: 'clearCache'; readonly id: number }
  /** runs the commands in a simulated container on the (fully loaded) image, once per lane (1–3) */
  | { readonly type: 'simulate'; readonly id: number; readonly imageId: string; readonly lanes: readonly SimulationLane[]; readonly commands: readonly string[] }
  | { readonly type: 'layout'; readonly id: number; readonly imageId: string; readonly lane: SimulationLane; readonly commands: readonly string[]; readonly expand?: boolean }
  /** commits the container layer: an OCI archive to download, or a push (embedded registry or an allowed push host) */
  | { readonly type: 'commit'; readonly id: number; readonly imageId: string; readonly lane: SimulationLane; readonly commands: readonly string[]; readonly output: CommitOutput };

export type Response =
  | { readonly type: 'image'; readonly id: number; readonly info: ImageInfo }
  | { readonly type: 'layer'; readonly id: number; readonly imageId: string; readonly state: LayerState }
  | { readonly type: 'metrics'; readonly id: number; readonly imageId: string; readonly metrics: Metrics }
  /**
   * partial: the answer is not exactly the requested view — a layer at or below `view.layer` failed, or is still
   * loading (then the rows are the union as of `asOfLayer`, the newest layer whose lower layers have all loaded, plus
   * what has arrived so far of the layer streaming right above them, named by `loading`).
   */
  | {
    readonly type: 'rows'; readonly id: number; readonly total: number; readonly start: number; readonly rows: readonly TreeRowOut[]; readonly partial?: boolean; readonly asOfLayer?: number;
    /** the rows include layer `layer` while it still streams: `entries` of its entries so far (refreshed as more arrive) */
    readonly loading?: { readonly layer: number; readonly entries: number };
  }
  | { readonly type: 'file'; readonly id: number; readonly path: string; readonly size: number; readonly truncated: boolean; readonly bytes: ArrayBuffer }
  /** partial: measured on an inexact tree below the layer (a lower layer failed or is still loading) */
  | { readonly type: 'whiteouts'; readonly id: number; readonly rows: readonly WhiteoutRow[]; readonly partial?: boolean }
  | ({ readonly type: 'compare'; readonly id: number } & CompareAnswer)
  | { readonly type: 'simulation'; readonly id: number; readonly results: readonly SimulationOut[] }
  | { readonly type: 'layout'; readonly id: number; readonly layout: LayoutOut }
  /** archive: the OCI archive's bytes (transferred) when output.kind was 'archive' */
  | { readonly type: 'commit'; readonly id: number; readonly commit: CommitOut; readonly archive?: ArrayBuffer }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly code: string; readonly message: string };
