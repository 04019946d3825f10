// The virtualized "Files" tree (role tree): only visible rows are in the DOM, each with diff colour, size, mode,
// owner, link target and source layer; keyboard navigation per the ARIA tree pattern. Page side (view).
import type { TreeRowOut } from '../../protocol/messages.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { formatBytes } from '../common/format.ts';
import { ROW_HEIGHT, type useFileTree } from './use-file-tree.ts';
import { handleTreeKey } from './use-tree-keys.ts';

type Model = ReturnType<typeof useFileTree>;

export function FileTree({ m }: { readonly m: Model }) {
  const setExpanded = useUiStore((s) => s.setExpanded);
  const indexes: number[] = [];
  for (let i = m.first; i <= m.last; i++) indexes.push(i);
  const nav = { active: m.active, total: m.total, pageSize: m.pageSize, rowAt: m.rowAt, moveTo: (i: number) => m.moveTo(i), setExpanded, openFile: m.openFile };
  return (
    <div ref={m.scrollRef} className="tree-scroll" role="tree" aria-label="Files" tabIndex={0} aria-busy={m.loading}
      aria-activedescendant={m.total > 0 ? `tree-row-${m.active}` : undefined} onScroll={m.onScroll} onKeyDown={(e) => handleTreeKey(e, nav)}>
      <div className="tree-spacer" style={{ height: m.total * ROW_HEIGHT }}>
        {indexes.map((i) => {
          const row = m.rowAt(i);
          return row === undefined
            ? <div key={i} className="tree-row placeholder" style={{ top: i * ROW_HEIGHT }} aria-hidden="true">…</div>
            : <TreeRow key={i} index={i} row={row} active={i === m.active} onClick={() => m.moveTo(i, row)}
              onToggle={() => setExpanded(row.path, !row.expanded)} onOpen={() => m.openFile(row)} />;
        })}
      </div>
      {m.total === 0 && !m.loading && <p className="hint empty-tree">No files match this view.</p>}
    </div>
  );
}

type RowProps = { readonly index: number; readonly row: TreeRowOut; readonly active: boolean; onClick(): void; onToggle(): void; onOpen(): void };

function TreeRow({ index, row, active, onClick, onToggle, onOpen }: RowProps) {
  const isDir = row.type === 'dir';
  return (
    <div id={`tree-row-${index}`} role="treeitem" aria-level={row.depth + 1} aria-selected={active}
      {...(isDir && row.hasChildren ? { 'aria-expanded': row.expanded } : {})}
      className={`tree-row diff-${row.diff}${active ? ' active' : ''}`} style={{ top: index * ROW_HEIGHT }}
      onClick={onClick} onDoubleClick={isDir ? onToggle : onOpen} data-path={row.path}>
      <span className="name" style={{ paddingLeft: row.depth * 14 }}>
        <span className="twisty" aria-hidden="true" onClick={(e) => { e.stopPropagation(); if (isDir) onToggle(); }}>
          {isDir && row.hasChildren ? (row.expanded ? '▾' : '▸') : ' '}
        </span>
        <span className="diff-mark" aria-label={row.diff}>{DIFF_MARK[row.diff]}</span>
        {row.name}{isDir ? '/' : ''}{row.link !== null && <span className="link"> → {row.link}</span>}
      </span>
      <span className="size">{formatBytes(row.size)}</span>
      <span className="mode">{row.mode}</span>
      <span className="owner">{row.uid}:{row.gid}</span>
      <span className="from" title={row.shadows.length > 0 ? `hides layers ${row.shadows.join(', ')}` : undefined}>L{row.layer}{row.shadows.length > 0 ? '*' : ''}</span>
    </div>
  );
}

const DIFF_MARK: Record<TreeRowOut['diff'], string> = { added: '+', modified: '~', removed: '−', unmodified: '·' };
