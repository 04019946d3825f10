// The union (merged) file tree: layers stacked in order per OCI image-spec layer.md — whiteouts hide lower
// entries only, opaque directories hide every lower child before their siblings apply, file-over-dir and
// dir-over-file replace, implied parents become directories. Columnar, incremental, pure.
import { FLAG, type LayerIndex } from '../layers/layer-index.ts';
import { NamePool } from '../layers/name-pool.ts';
import { PairTable } from '../layers/pair-table.ts';
import { KIND } from '../layers/tar-header.ts';

export const DIFF = { unmodified: 0, added: 1, modified: 2, removed: 3 } as const;
export type DiffCode = (typeof DIFF)[keyof typeof DIFF];
export const DIFF_NAMES = ['unmodified', 'added', 'modified', 'removed'] as const;

/** Observer of every change stacking makes; the metrics module uses it. */
export type StackObserver = {
  /** a file version of (layer, entry) stops being visible, shadowed or removed by `byLayer` */
  onDead?(layer: number, entry: number, byLayer: number, path: number): void;
};

const NONE = -1;

/** Where the tree stood before a provisional stack (see UnionTree.stackProvisional / rollback). */
type Checkpoint = { readonly layers: number; readonly versions: number; readonly warnings: number };

export class UnionTree {
  count = 1;
  parent = new Int32Array(1024);
  name = new Int32Array(1024);
  /** layer the visible version comes from; -1 for a node that is not (or no longer) present */
  layer = new Int16Array(1024);
  /** entry id of the visible version inside that layer */
  entry = new Int32Array(1024);
  /** newest version record (see versions), for "which layers it shadows" */
  version = new Int32Array(1024);
  firstChild = new Int32Array(1024).fill(-1);
  lastChild = new Int32Array(1024).fill(-1);
  nextSibling = new Int32Array(1024).fill(-1);
  readonly names: NamePool;
  /** (parent, name) → node; rebuilt lazily for a tree restored from bytes (see restoreUnionTree) */
  private childTable: PairTable | undefined;
  /** version records: layer, entry (-1 for a removal), previous record */
  verLayer = new Int16Array(1024);
  verEntry = new Int32Array(1024);
  verPrev = new Int32Array(1024);
  versions = 0;
  /** per stacked layer: the diff code of each of its entries against the tree below */
  readonly diffs: Uint8Array[] = [];
  /** per stacked layer: union node of each of its entries (for whiteouts: the node they removed, or -1) */
  readonly nodeOfEntry: Int32Array[] = [];
  readonly layers: LayerIndex[] = [];
  /** bounded list of stacking anomalies, e.g. a whiteout naming nothing below it (T15) */
  readonly warnings: { readonly layer: number; readonly code: string; readonly message: string }[] = [];
  /** while a provisional layer is on top: where to roll back to, and the node of each version record since */
  private checkpoint: Checkpoint | undefined;
  private undoNodes = new Int32Array(0);

  constructor(names?: NamePool) {
    this.names = names ?? new NamePool();
    if (names !== undefined) return;
    this.childTable = new PairTable({ parentOf: (id) => this.parent[id]!, nameOf: (id) => this.name[id]! }, 4096);
    this.parent[0] = NONE;
    this.name[0] = this.names.intern('');
    this.layer[0] = NONE;
    this.entry[0] = 0;
    this.version[0] = NONE;
  }

  /** The child table, and an internable name pool: built on first use after a restore (O(nodes)). */
  private get children(): PairTable {
    if (this.childTable === undefined) {
      this.names.thaw();
      const table = new PairTable({ parentOf: (id) => this.parent[id]!, nameOf: (id) => this.name[id]! }, Math.max(4096, this.count));
      for (let id = 1; id < this.count; id++) table.add(id);
      this.childTable = table;
    }
    return this.childTable;
  }

  isPresent(node: number): boolean {
    return node === 0 || this.layer[node]! >= 0;
  }

  /** The present child of `node` called `name`, or -1. */
  child(node: number, name: string): number {
    const children = this.children;
    const id = this.names.find(name);
    if (id < 0) return NONE;
    const c = children.get(node, id);
    return c >= 0 && this.layer[c]! >= 0 ? c : NONE;
  }

  /** The child node of `node` called `name`, present or not (absent nodes keep their version chains), or -1. */
  childNode(node: number, name: string): number {
    const children = this.children;
    const id = this.names.find(name);
    return id < 0 ? NONE : children.get(node, id);
  }

  /** Resolves "/a/b/c" without following symlinks. */
  lookup(path: string): number {
    let node = 0;
    for (const seg of path.split('/')) {
      if (seg === '' || seg === '.') continue;
      node = this.child(node, seg);
      if (node < 0) return NONE;
    }
    return node;
  }

  kindOf(node: number): number {
    return node === 0 ? KIND.dir : this.layers[this.layer[node]!]!.kind[this.entry[node]!]!;
  }

  nameOf(node: number): string {
    return this.names.name(this.name[node]!);
  }

  pathOf(node: number): string {
    const parts: string[] = [];
    for (let i = node; i > 0; i = this.parent[i]!) parts.push(this.nameOf(i));
    return `/${parts.reverse().join('/')}`;
  }

  /** Layers whose versions of this node are hidden by the visible one (newest first). */
  shadowedLayers(node: number): number[] {
    const out: number[] = [];
    let v = this.version[node]!;
    if (v >= 0) v = this.verPrev[v]!;
    for (; v >= 0; v = this.verPrev[v]!) if (this.verEntry[v]! >= 0) out.push(this.verLayer[v]!);
    return out;
  }

  /** Present children of a node, in creation order. */
  childrenOf(node: number): number[] {
    const out: number[] = [];
    for (let c = this.firstChild[node]!; c >= 0; c = this.nextSibling[c]!) if (this.layer[c]! >= 0) out.push(c);
    return out;
  }

  /** Whether the top layer was stacked provisionally (and will be rolled back). */
  get provisional(): boolean {
    return this.checkpoint !== undefined;
  }

  /**
   * Stacks a partial layer (one still streaming) on top so its rows can be shown, remembering enough to undo it:
   * the next rollback() restores every node's visible version from its version chain. Nodes the partial layer
   * created stay behind as absent nodes (no version), which a later stack revives exactly as it would append them.
   */
  stackProvisional(ix: LayerIndex): void {
    this.rollback();
    this.checkpoint = { layers: this.layers.length, versions: this.versions, warnings: this.warnings.length };
    if (this.undoNodes.length < 1024) this.undoNodes = new Int32Array(1024);
    this.stack(ix);
  }

  /** Undoes a provisional stack (no-op without one); the tree is then exactly as before it. */
  rollback(): void {
    const cp = this.checkpoint;
    if (cp === undefined) return;
    this.checkpoint = undefined;
    for (let v = this.versions - 1; v >= cp.versions; v--) {
      const node = this.undoNodes[v - cp.versions]!;
      const prev = this.verPrev[v]!;
      this.version[node] = prev;
      if (prev >= 0 && this.verEntry[prev]! >= 0) {
        this.layer[node] = this.verLayer[prev]!;
        this.entry[node] = this.verEntry[prev]!;
      } else this.layer[node] = NONE;
    }
    this.versions = cp.versions;
    this.layers.length = cp.layers;
    this.diffs.length = cp.layers;
    this.nodeOfEntry.length = cp.layers;
    this.warnings.length = cp.warnings;
    this.undoNodes = new Int32Array(0);
  }

  /** Stacks one more layer on top (after undoing a provisional one). */
  stack(ix: LayerIndex, observer?: StackObserver): void {
    if (this.checkpoint !== undefined && this.layers.length > this.checkpoint.layers) this.rollback();
    void this.children; // a restored tree builds its lookup tables before it changes
    const L = this.layers.length;
    this.layers.push(ix);
    const n = ix.count;
    // One growth to what this layer can add (not a doubling chain whose old copies pile up as garbage).
    this.reserve(this.count + n, this.versions + n);
    const diff = new Uint8Array(n);
    const nodes = new Int32Array(n).fill(NONE);
    nodes[0] = 0;
    // 1. Opaque directories first, whatever the tar order (layer.md): hide lower children.
    for (let e = 1; e < n; e++) {
      if (ix.flags[e]! & FLAG.opaque) {
        const node = this.resolveParentChain(ix, e);
        if (node >= 0 && this.kindOf(node) === KIND.dir) {
          for (const c of this.childrenOf(node)) this.removeSubtree(c, L, observer);
        }
      }
    }
    // 2. Entries in index order (parents before children).
    for (let e = 1; e < n; e++) {
      const kind = ix.kind[e]!;
      const parentNode = nodes[ix.parent[e]!]!;
      if (parentNode < 0) continue;
      if (kind === KIND.opaque) continue;
      if (kind === KIND.whiteout) {
        const target = ix.nameOf(e).slice(4);
        const victim = this.child(parentNode, target);
        // A whiteout never hides entries of its own layer (layer.md).
        if (victim >= 0 && this.layer[victim]! < L) {
          this.removeSubtree(victim, L, observer);
          nodes[e] = victim;
          diff[e] = DIFF.removed;
        } else {
          diff[e] = DIFF.removed;
          if (victim < 0 && this.warnings.length < 200) {
            this.warnings.push({ layer: L, code: 'WHITEOUT_NOTHING', message: `whiteout ${ix.pathOf(e)} names nothing in the layers below` });
          }
        }
        continue;
      }
      const explicit = (ix.flags[e]! & FLAG.explicit) !== 0;
      const nameId = this.names.intern(ix.nameOf(e));
      let node = this.children.get(parentNode, nameId);
      if (node >= 0 && this.layer[node]! >= 0) {
        const lowerKind = this.kindOf(node);
        const bothDirs = lowerKind === KIND.dir && kind === KIND.dir;
        if (!explicit && lowerKind === KIND.dir) {
          nodes[e] = node; // implied parent over an existing directory: nothing changes
          diff[e] = DIFF.unmodified;
          continue;
        }
        if (!bothDirs && lowerKind === KIND.dir) {
          for (const c of this.childrenOf(node)) this.removeSubtree(c, L, observer); // file over dir
        }
        diff[e] = this.sameAs(node, ix, e) ? DIFF.unmodified : DIFF.modified;
        if (lowerKind !== KIND.dir || !bothDirs) observer?.onDead?.(this.layer[node]!, this.entry[node]!, L, node);
        this.setVersion(node, L, e);
      } else if (node >= 0) {
        this.setVersion(node, L, e); // revive a removed path
        diff[e] = DIFF.added;
      } else {
        node = this.append(parentNode, nameId);
        this.setVersion(node, L, e);
        diff[e] = DIFF.added;
      }
      nodes[e] = node;
    }
    this.diffs.push(diff);
    this.nodeOfEntry.push(nodes);
    // A big layer that mostly overwrote paths leaves much of the reservation unused: give it back.
    if (this.parent.length > this.count * 1.5 + 4096) this.resizeNodes(this.count);
    if (this.verLayer.length > this.versions * 1.5 + 4096) this.resizeVersions(this.versions);
  }

  /** Makes room for `nodes` nodes and `versions` version records (growing by at least half, so small layers amortise). */
  private reserve(nodes: number, versions: number): void {
    if (nodes > this.parent.length) this.resizeNodes(Math.max(nodes, Math.ceil(this.parent.length * 1.5)));
    if (versions > this.verLayer.length) this.resizeVersions(Math.max(versions, Math.ceil(this.verLayer.length * 1.5)));
  }

  private resizeNodes(n: number): void {
    const keep = Math.min(n, this.parent.length);
    const resized = <T extends Int16Array | Int32Array>(a: T, b: T, fill?: number): T => {
      b.set(a.subarray(0, keep));
      if (fill !== undefined) b.fill(fill, keep);
      return b;
    };
    this.parent = resized(this.parent, new Int32Array(n));
    this.name = resized(this.name, new Int32Array(n));
    this.layer = resized(this.layer, new Int16Array(n));
    this.entry = resized(this.entry, new Int32Array(n));
    this.version = resized(this.version, new Int32Array(n));
    this.firstChild = resized(this.firstChild, new Int32Array(n), NONE);
    this.lastChild = resized(this.lastChild, new Int32Array(n), NONE);
    this.nextSibling = resized(this.nextSibling, new Int32Array(n), NONE);
  }

  private resizeVersions(n: number): void {
    const keep = Math.min(n, this.verLayer.length);
    const resized = <T extends Int16Array | Int32Array>(a: T, b: T): T => { b.set(a.subarray(0, keep)); return b; };
    this.verLayer = resized(this.verLayer, new Int16Array(n));
    this.verEntry = resized(this.verEntry, new Int32Array(n));
    this.verPrev = resized(this.verPrev, new Int32Array(n));
  }

  /** Union node of a layer entry's parent chain (used for opaque dirs before the main pass). */
  private resolveParentChain(ix: LayerIndex, e: number): number {
    void this.children;
    const chain: number[] = [];
    for (let i = e; i > 0; i = ix.parent[i]!) chain.push(i);
    let node = 0;
    for (let k = chain.length - 1; k >= 0; k--) {
      const id = this.names.find(ix.nameOf(chain[k]!));
      node = id < 0 ? NONE : this.children.get(node, id);
      if (node < 0 || this.layer[node]! < 0) return NONE;
    }
    return node;
  }

  private sameAs(node: number, ix: LayerIndex, e: number): boolean {
    const lx = this.layers[this.layer[node]!]!;
    const le = this.entry[node]!;
    if (lx.kind[le] !== ix.kind[e] || lx.mode[le] !== ix.mode[e] || lx.uid[le] !== ix.uid[e] || lx.gid[le] !== ix.gid[e]) return false;
    if (lx.sizeOf(le) !== ix.sizeOf(e) || lx.linkOf(le) !== ix.linkOf(e)) return false;
    return lx.hashHi[le] === ix.hashHi[e] && lx.hashLo[le] === ix.hashLo[e];
  }

  private removeSubtree(node: number, L: number, observer?: StackObserver): void {
    if (this.layer[node]! < 0) return;
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (this.layer[n]! < 0) continue;
      for (let c = this.firstChild[n]!; c >= 0; c = this.nextSibling[c]!) if (this.layer[c]! >= 0) stack.push(c);
      observer?.onDead?.(this.layer[n]!, this.entry[n]!, L, n);
      this.pushVersion(n, L, NONE);
      this.layer[n] = NONE;
    }
  }

  private setVersion(node: number, L: number, e: number): void {
    this.pushVersion(node, L, e);
    this.layer[node] = L;
    this.entry[node] = e;
  }

  private pushVersion(node: number, L: number, e: number): void {
    const v = this.versions++;
    if (v >= this.verLayer.length) this.resizeVersions(Math.max(1024, Math.ceil(this.verLayer.length * 1.5)));
    this.verLayer[v] = L;
    this.verEntry[v] = e;
    this.verPrev[v] = this.version[node]!;
    this.version[node] = v;
    const cp = this.checkpoint;
    if (cp !== undefined) {
      const at = v - cp.versions;
      if (at >= this.undoNodes.length) {
        const next = new Int32Array(this.undoNodes.length * 2);
        next.set(this.undoNodes);
        this.undoNodes = next;
      }
      this.undoNodes[at] = node;
    }
  }

  private append(parent: number, nameId: number): number {
    const id = this.count++;
    if (id >= this.parent.length) this.resizeNodes(Math.max(1024, Math.ceil(this.parent.length * 1.5)));
    this.parent[id] = parent;
    this.name[id] = nameId;
    this.layer[id] = NONE;
    this.version[id] = NONE;
    if (this.lastChild[parent]! >= 0) this.nextSibling[this.lastChild[parent]!] = id;
    else this.firstChild[parent] = id;
    this.lastChild[parent] = id;
    this.children.add(id);
    return id;
  }
}

/** Stacks layers 0..upTo (inclusive) into a fresh union tree. */
export function stackLayers(layers: readonly LayerIndex[], upTo = layers.length - 1, observer?: StackObserver): UnionTree {
  const tree = new UnionTree();
  for (let i = 0; i <= upTo && i < layers.length; i++) tree.stack(layers[i]!, observer);
  return tree;
}
