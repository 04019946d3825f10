// What each lane's container layer holds after the commands (upper / rw dir, copy-ups and whiteouts highlighted),
// its size as `docker ps -s` would say, and `docker diff` (A/C/D). Page side.
import type { SimulationLane, SimulationOut } from '../../protocol/messages.ts';
import { formatBytes } from '../common/format.ts';
import { laneLabel } from './StepLog.tsx';

function LaneLayer({ lane, result }: { lane: SimulationLane; result: SimulationOut }) {
  const r = result.report;
  return (
    <section className="lane-layer" aria-label={`Container layer under ${laneLabel(lane)}`}>
      <h4>{laneLabel(lane)}</h4>
      <p>Container layer: <strong>{formatBytes(r.containerLayerBytes)}</strong> ({formatBytes(r.containerAllocatedBytes)} allocated, CoW unit {r.cowUnit}; page cache {r.pageCacheShared ? 'shared' : 'not shared'} between containers)</p>
      <ul className="layer-rows">
        {result.layer.length === 0 && <li className="muted">empty</li>}
        {result.layer.map((e) => (
          <li key={e.path} className={e.kind === 'whiteout' || e.opaque ? 'hl-whiteout' : e.copiedUp ? 'hl-copy' : ''}>
            <code>{e.path}{e.kind === 'dir' ? '/' : ''}</code> {e.kind === 'whiteout' ? 'whiteout' : e.kind}
            {e.kind === 'file' && ` ${formatBytes(e.size)}`}{e.copiedUp && ' · copied up'}{e.opaque && ' · opaque'}{e.metacopy && ' · metacopy'}{e.redirect !== null && ` · redirect → ${e.redirect}`}
          </li>
        ))}
      </ul>
      <h5>docker diff</h5>
      <pre className="docker-diff">{r.diff.length === 0 ? '(no changes)' : r.diff.map((d) => `${d.kind} ${d.path}`).join('\n')}</pre>
      {r.notes.map((n) => <p key={n} className="muted">{n}</p>)}
    </section>
  );
}

export function ContainerLayer({ lanes, results }: { lanes: readonly SimulationLane[]; results: readonly SimulationOut[] }) {
  return (
    <div className="container-layers">
      {results.map((r, i) => <LaneLayer key={i} lane={lanes[i]!} result={r} />)}
    </div>
  );
}
