// The virtualized file-level diff (role table): only visible rows are in the DOM, each with its change kind, path,
// sizes A → B and delta, and the layer of each side holding the visible version. Page side (view).
import type { FileChangeRow } from '../../protocol/messages.ts';
import { formatBytes } from '../common/format.ts';
import { DIFF_ROW_HEIGHT, type FileDiffModel } from './use-file-diff.ts';

export function FileDiffList({ m }: { readonly m: FileDiffModel }) {
  const indexes: number[] = [];
  for (let i = m.first; i <= m.last; i++) indexes.push(i);
  return (
    <div role="table" aria-label="File changes" aria-rowcount={m.total + 1} aria-busy={m.loading} className="diff-table">
      <div role="rowgroup">
        <div role="row" className="diff-row head">
          <span role="columnheader">Change</span><span role="columnheader">Path</span><span role="columnheader" className="num">Size A</span>
          <span role="columnheader" className="num">Size B</span><span role="columnheader" className="num">Delta</span>
          <span role="columnheader">Layer A</span><span role="columnheader">Layer B</span>
        </div>
      </div>
      <div ref={m.scrollRef} className="diff-scroll" onScroll={m.onScroll} tabIndex={0}>
        <div role="rowgroup" className="diff-spacer" style={{ height: m.total * DIFF_ROW_HEIGHT }}>
          {indexes.map((i) => {
            const f = m.rowAt(i);
            return f === undefined
              ? <div key={i} className="diff-row placeholder" style={{ top: i * DIFF_ROW_HEIGHT }} aria-hidden="true">…</div>
              : <ChangeRow key={i} index={i} f={f} />;
          })}
        </div>
        {m.total === 0 && !m.loading && <p className="hint empty-tree">No file differs in this view.</p>}
      </div>
    </div>
  );
}

function ChangeRow({ index, f }: { readonly index: number; readonly f: FileChangeRow }) {
  const delta = (f.sizeB ?? 0) - (f.sizeA ?? 0);
  const typeChange = f.typeA !== null && f.typeB !== null && f.typeA !== f.typeB ? ` (${f.typeA} → ${f.typeB})` : '';
  return (
    <div role="row" aria-rowindex={index + 2} className={`diff-row change-${f.change}`} style={{ top: index * DIFF_ROW_HEIGHT }} data-path={f.path}>
      <span role="cell" className="kind">{f.change}</span>
      <span role="cell" className="name" title={f.path}>{f.path}{typeChange}</span>
      <span role="cell" className="num">{f.sizeA === null ? '–' : formatBytes(f.sizeA)}</span>
      <span role="cell" className="num">{f.sizeB === null ? '–' : formatBytes(f.sizeB)}</span>
      <span role="cell" className="num delta">{delta > 0 ? '+' : ''}{formatBytes(delta)}</span>
      <span role="cell">{f.layerA === null ? '–' : `A #${f.layerA}`}</span>
      <span role="cell">{f.layerB === null ? '–' : `B #${f.layerB}`}</span>
    </div>
  );
}
