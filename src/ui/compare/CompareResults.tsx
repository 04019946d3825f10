// What two loaded images share and how they differ: the summary, the layer stacks side by side, and the filterable,
// virtualized file diff sorted by size impact. Page side.
import { useMemo } from 'react';
import type { ImageInfo } from '../../protocol/messages.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { FailureNotice } from '../common/FailureNotice.tsx';
import { CompareSummary } from './CompareSummary.tsx';
import { FileDiffList } from './FileDiffList.tsx';
import { FileDiffToolbar } from './FileDiffToolbar.tsx';
import { LayerStacks } from './LayerStacks.tsx';
import { useFileDiff } from './use-file-diff.ts';

type Side = { readonly imageId: string; readonly info: ImageInfo };

export function CompareResults({ a, b }: { readonly a: Side; readonly b: Side }) {
  const kinds = useUiStore((s) => s.compare.kinds);
  const search = useUiStore((s) => s.compare.search);
  const filter = useMemo(() => ({ kinds, search }), [kinds, search]);
  const m = useFileDiff(a.imageId, b.imageId, filter);
  const answer = m.answer;
  return (
    <section className="compare-results" aria-label="Comparison">
      {answer !== undefined && <CompareSummary answer={answer} />}
      {answer !== undefined && <LayerStacks answer={answer} a={a.info} b={b.info} />}
      <h3>Files, by size impact</h3>
      <FileDiffToolbar counts={answer?.counts} />
      <p className="hint" role="status" aria-live="polite">{m.total} changes in this view{m.loading ? ' · updating…' : ''}</p>
      {m.failure !== null && <FailureNotice failure={m.failure} title="Could not compare the files" />}
      <FileDiffList m={m} />
    </section>
  );
}
