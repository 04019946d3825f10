// The on-disk layout under one driver: /var/lib/docker/<driver> with layerdb (cache-id, diff, parent …) and the
// container's layer in it, plus what the image costs on disk under that driver. Page side.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { layoutQueryOptions } from '../../queries/container-queries.ts';
import { useContainerStore } from '../../state/container-store.ts';
import { formatBytes } from '../common/format.ts';
import { laneLabel } from './StepLog.tsx';

export function LayoutView({ imageId }: { imageId: string }) {
  const lanes = useContainerStore((s) => s.lanes);
  const commands = useContainerStore((s) => s.commands);
  const [laneIndex, setLaneIndex] = useState(0);
  const [expand, setExpand] = useState(false);
  const lane = lanes[Math.min(laneIndex, lanes.length - 1)]!;
  const q = useQuery(layoutQueryOptions(imageId, lane, commands, expand));
  const u = q.data?.diskUsage;
  return (
    <section className="layout-view" aria-label="On-disk layout">
      <div className="layout-form">
        <label>Driver <select aria-label="Layout driver" value={laneIndex} onChange={(e) => setLaneIndex(Number(e.target.value))}>
          {lanes.map((l, i) => <option key={i} value={i}>{laneLabel(l)}</option>)}
        </select></label>
        <label><input type="checkbox" checked={expand} onChange={(e) => setExpand(e.target.checked)} /> list image layer contents</label>
      </div>
      {q.isPending && <p>Rendering the layout…</p>}
      {q.error && <p role="alert">{q.error.message}</p>}
      {u && (
        <p>
          On disk under {u.driver}: image {formatBytes(u.imageBytes)} ({u.fileInodes} file and {u.dirInodes} directory inodes), each new container {formatBytes(u.perContainerBytes)} before it writes.
          {' '}<span className="badge confidence" title={`${u.basis.note ?? ''} [${u.basis.sources.join(', ')}]`}>{u.basis.confidence}</span>
        </p>
      )}
      {q.data && (
        <>
          {q.data.notes.map((n) => <p key={n} className="muted">{n}</p>)}
          <pre className="layout-tree" aria-label="Layout tree">{q.data.lines.join('\n')}</pre>
        </>
      )}
    </section>
  );
}
