// The comparison in numbers: layers shared (by digest and by diffId), only in A or B, the first layer where the
// stacks differ, the size change and the changed files by kind; a partial comparison says so. Page side.
import type { CompareAnswer } from '../../protocol/messages.ts';
import { formatBytes } from '../common/format.ts';

export function CompareSummary({ answer }: { readonly answer: CompareAnswer }) {
  const sharedCount = answer.shared.length + answer.sharedByDiffId.length;
  const { added, removed, modified } = answer.counts;
  return (
    <>
      <dl className="metrics" aria-label="Comparison summary">
        <div><dt>Shared layers</dt><dd>{sharedCount}{answer.sharedByDiffId.length > 0 && <span className="hint"> ({answer.sharedByDiffId.length} recompressed)</span>}</dd></div>
        <div><dt>Only in A</dt><dd>{answer.onlyA.length}</dd></div>
        <div><dt>Only in B</dt><dd>{answer.onlyB.length}</dd></div>
        <div><dt>First difference</dt><dd>{answer.firstDifference === null ? 'none' : `layer ${answer.firstDifference}`}</dd></div>
        <div><dt>Size change (B − A)</dt><dd>{answer.sizeDelta > 0 ? '+' : ''}{formatBytes(answer.sizeDelta)}</dd></div>
        <div><dt>Changed files</dt><dd>{added + removed + modified} <span className="hint">+{added} −{removed} ~{modified}</span></dd></div>
      </dl>
      {answer.firstDifference === null && <p className="hint">The layer stacks are identical by content (diffId): the images have the same files.</p>}
      {answer.partial && <p className="warning">Partial: a layer of A or B failed to load, so the file diff covers only the layers that did.</p>}
    </>
  );
}
