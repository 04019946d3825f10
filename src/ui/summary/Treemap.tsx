// A squarified SVG treemap of the biggest directories and files of the final image; a directory drills down, a
// file is revealed in the Files tree. Page side.
import { useState } from 'react';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { formatBytes } from '../common/format.ts';
import { squarify } from './squarify.ts';
import { useTreemapCells } from './use-treemap-cells.ts';

const W = 600;
const H = 300;

export function Treemap() {
  const [dir, setDir] = useState('');
  const { cells, loading } = useTreemapCells(dir);
  const revealPath = useUiStore((s) => s.revealPath);
  const top = useImageSession((s) => Math.max(0, (s.info?.layers.length ?? 1) - 1));
  const placed = squarify(cells.map((c) => ({ item: c, weight: c.size })), { x: 0, y: 0, w: W, h: H });
  const up = dir.slice(0, dir.lastIndexOf('/'));
  return (
    <figure className="treemap">
      <figcaption>Biggest entries in <code>{dir === '' ? '/' : dir}</code> {dir !== '' && <button type="button" onClick={() => setDir(up)}>Up one directory</button>} {loading && <span className="hint">updating…</span>}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="group" aria-label="Treemap of the biggest directories and files">
        {placed.map(({ item, x, y, w, h }) => {
          const open = () => (item.type === 'dir' ? setDir(item.path) : revealPath(item.path, top));
          return (
            <g key={item.path} role="button" tabIndex={0} aria-label={`${item.path}, ${formatBytes(item.size)}`} className={`cell ${item.type}`}
              onClick={open} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } }}>
              <title>{`${item.path} — ${formatBytes(item.size)}`}</title>
              <rect x={x} y={y} width={Math.max(0, w - 1)} height={Math.max(0, h - 1)} />
              {w > 60 && h > 16 && <text x={x + 4} y={y + 13}>{item.name}{item.type === 'dir' ? '/' : ''}</text>}
              {w > 60 && h > 30 && <text x={x + 4} y={y + 27} className="sub">{formatBytes(item.size)}</text>}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
