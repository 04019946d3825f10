// Image summary: dive's efficiency, wasted bytes and user wasted percent next to Strata's reclaimable bytes, the
// top inefficient paths (click reveals them in the tree) and a treemap. Partial results say so. Page side.
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { formatBytes, formatPercent } from '../common/format.ts';
import { Treemap } from './Treemap.tsx';

export function SummaryPanel() {
  const metrics = useImageSession((s) => s.metrics);
  const info = useImageSession((s) => s.info);
  const revealPath = useUiStore((s) => s.revealPath);
  if (info === null) return null;
  const top = Math.max(0, info.layers.length - 1);
  return (
    <div className="summary">
      {metrics === null ? <p role="status">Metrics appear when the layers are read.</p> : (
        <>
          {metrics.partial && <p className="warning" role="status">Partial: some layers failed or are still loading, so these numbers leave them out.</p>}
          <dl className="metrics">
            <div><dt>Image size</dt><dd>{formatBytes(metrics.sizeBytes)}</dd></div>
            <div><dt>Efficiency (dive)</dt><dd>{formatPercent(metrics.efficiencyScore)}</dd></div>
            <div><dt>Wasted bytes (dive)</dt><dd>{formatBytes(metrics.wastedBytes)}</dd></div>
            <div><dt>User wasted (dive)</dt><dd>{formatPercent(metrics.userWastedPercent)}</dd></div>
            <div><dt>Reclaimable (Strata)</dt><dd title="bytes you would save by shipping each path once">{formatBytes(metrics.reclaimableBytes)}</dd></div>
          </dl>
          <h3>Top inefficient paths</h3>
          {metrics.reclaimablePaths.length === 0 && metrics.inefficiencies.length === 0 ? <p>No path is shipped more than once.</p> : (
            <table className="inefficient">
              <thead><tr><th scope="col">Path</th><th scope="col">Copies</th><th scope="col">Reclaimable</th></tr></thead>
              <tbody>
                {(metrics.reclaimablePaths.length > 0 ? metrics.reclaimablePaths : metrics.inefficiencies.map((i) => ({ path: i.path, copies: i.count, bytes: i.cumulativeSize }))).slice(0, 20).map((p) => (
                  <tr key={p.path}>
                    <td><button type="button" className="link-button" onClick={() => revealPath(p.path, top)}><code>{p.path}</code></button></td>
                    <td>{p.copies}</td>
                    <td>{formatBytes(p.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <Treemap />
      <h3>Image</h3>
      <dl className="config">
        <dt>Platform</dt><dd>{info.platform}</dd>
        {info.manifestDigest !== null && <><dt>Manifest</dt><dd><code>{info.manifestDigest}</code></dd></>}
        {info.config.entrypoint.length + info.config.cmd.length > 0 && <><dt>Runs</dt><dd><code>{[...info.config.entrypoint, ...info.config.cmd].join(' ')}</code></dd></>}
        {info.config.user !== null && <><dt>User</dt><dd>{info.config.user}</dd></>}
        <dt>Env</dt><dd>{info.config.env.map((e) => <code key={e} className="block">{e}</code>)}</dd>
      </dl>
    </div>
  );
}
