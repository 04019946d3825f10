// The `compare` request (worker side): compares two open images' union trees with core's compareImages, keeps the
// comparison per pair until either stack changes, and cuts filtered windows of its file diff for the page.
import { compareImages, type ComparedImage, type ImageComparison } from '../../core/tree/compare.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { ChangeKindName, CompareAnswer, CompareFilter, FileChangeRow } from '../../protocol/messages.ts';
import { LayerError } from '../layer-error.ts';
import type { ImageSession } from './image-session.ts';
import { compileSearch } from './search-pattern.ts';

const KINDS: readonly ChangeKindName[] = ['added', 'removed', 'modified'];
export const MAX_COMPARE_WINDOW = 5000;
const MAX_PAIRS = 4;
const MAX_FILTERS = 8;

type Entry = {
  readonly generations: string;
  readonly comparison: ImageComparison;
  readonly partial: boolean;
  readonly counts: CompareAnswer['counts'];
  /** filter key → indexes into comparison.files, most recent last */
  readonly filtered: Map<string, readonly number[]>;
};

function sideOf(s: ImageSession): ComparedImage {
  const layers = s.opened.image.layers.map((j, i) => ({ digest: j.digest ?? `${s.imageId}:layer-${i}`, diffId: j.diffId ?? `${s.imageId}:diff-${i}` }));
  return { layers, tree: s.stack.tree, stacked: s.stack.stacked };
}

function isPartial(s: ImageSession): boolean {
  return !s.stack.allFinished || s.stack.stacked.length !== s.stack.layerCount;
}

/** Comparisons of open image pairs, recomputed when a stack grows and dropped when an image closes. */
export class ComparisonCache {
  private readonly entries = new Map<string, Entry>();

  answer(a: ImageSession, b: ImageSession, filter: CompareFilter | undefined, start: number, count: number): Result<CompareAnswer> {
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(count) || count < 0) return err('BAD_REQUEST', `compare: start and count must be whole numbers ≥ 0 (got ${start}, ${count})`);
    const kinds = filter?.kinds ?? [];
    if (!kinds.every((k) => KINDS.includes(k))) return err('BAD_REQUEST', `compare: change kinds are ${KINDS.join(', ')}`);
    const matcher = compileSearch(filter?.search ?? '');
    if (!matcher.ok) return matcher;
    const entry = this.entryFor(a, b);
    const key = `${[...kinds].sort().join(',')}\n${filter?.search.trim() ?? ''}`;
    let rows = entry.filtered.get(key);
    if (rows === undefined) {
      const wanted = new Set(kinds.length === 0 ? KINDS : kinds);
      const match = matcher.value;
      rows = entry.comparison.files.flatMap((f, i) => (wanted.has(f.change) && (match === undefined || match(f.path)) ? [i] : []));
      if (entry.filtered.size >= MAX_FILTERS) entry.filtered.delete(entry.filtered.keys().next().value!);
      entry.filtered.set(key, rows);
    }
    const c = entry.comparison;
    const files: FileChangeRow[] = rows.slice(start, start + Math.min(count, MAX_COMPARE_WINDOW)).map((i) => {
      const f = c.files[i]!;
      return { path: f.path, change: f.change, sizeA: f.sizeA, sizeB: f.sizeB, typeA: f.typeA, typeB: f.typeB, layerA: f.layerA, layerB: f.layerB };
    });
    return ok({
      shared: c.shared, sharedByDiffId: c.sharedByDiffId, onlyA: c.onlyA, onlyB: c.onlyB, firstDifference: c.firstDifference,
      sizeDelta: c.sizeDelta, counts: entry.counts, total: rows.length, start, files, partial: entry.partial,
    });
  }

  /** Forgets every comparison involving the image. */
  forget(imageId: string): void {
    for (const key of [...this.entries.keys()]) if (key.split('\n').includes(imageId)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private entryFor(a: ImageSession, b: ImageSession): Entry {
    const key = `${a.imageId}\n${b.imageId}`;
    if (a.stack.adopting || b.stack.adopting) throw new LayerError('IMAGE_LOADING', 'an image is still being read from the layer cache; compare again in a moment');
    // The file diff compares exact trees: a streaming layer shown provisionally is taken off first.
    a.stack.dropProvisional();
    b.stack.dropProvisional();
    const generations = `${a.stack.generation}:${b.stack.generation}`;
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.generations === generations) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const comparison = compareImages(sideOf(a), sideOf(b));
    const counts = { added: 0, removed: 0, modified: 0 };
    for (const f of comparison.files) counts[f.change]++;
    const entry: Entry = { generations, comparison, partial: isPartial(a) || isPartial(b), counts, filtered: new Map() };
    this.entries.delete(key);
    if (this.entries.size >= MAX_PAIRS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry;
  }
}
