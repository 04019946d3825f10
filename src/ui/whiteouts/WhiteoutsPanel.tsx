// Whiteout diff of the selected layer: each whiteout or opaque directory, what it hides from the layers below, and
// the bytes still shipped in those lower layers. Page side.
import { useQuery } from '@tanstack/react-query';
import { whiteoutsQueryOptions } from '../../queries/analysis-queries.ts';
import { describeFailure } from '../../state/failure.ts';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { FailureNotice } from '../common/FailureNotice.tsx';
import { formatBytes } from '../common/format.ts';
import { useSelectedLayer } from '../layers/use-layer-steps.ts';

export function WhiteoutsPanel() {
  const imageId = useImageSession((s) => s.info?.imageId ?? null);
  const epoch = useImageSession((s) => s.epoch);
  const layer = useSelectedLayer();
  const revealPath = useUiStore((s) => s.revealPath);
  const q = useQuery({ ...whiteoutsQueryOptions(imageId ?? '', layer, epoch), enabled: imageId !== null });
  if (q.error) return <FailureNotice failure={describeFailure(q.error)} title={`Could not list the whiteouts of layer ${layer}`} onRetry={() => void q.refetch()} />;
  if (!q.data) return <p role="status">Reading whiteouts of layer {layer}…</p>;
  if (q.data.length === 0) return <p>Layer {layer} deletes nothing: it has no whiteouts and no opaque directories.</p>;
  const hidden = q.data.reduce((n, w) => n + w.hiddenBytes, 0);
  return (
    <div className="whiteouts">
      <p>Layer {layer} hides {q.data.reduce((n, w) => n + w.hides, 0)} entries; {formatBytes(hidden)} of them are still shipped in lower layers.</p>
      <table>
        <caption className="sr-only">Whiteouts of layer {layer}</caption>
        <thead><tr><th scope="col">Path</th><th scope="col">Kind</th><th scope="col">Hides</th><th scope="col">Bytes still shipped below</th></tr></thead>
        <tbody>
          {q.data.map((w) => (
            <tr key={w.path}>
              <td><button type="button" className="link-button" onClick={() => revealPath(w.path, Math.max(0, layer - 1))}><code>{w.path}</code></button>
                {w.hiddenPaths.length > 0 && <div className="hint">{w.hiddenPaths.slice(0, 5).join(', ')}{w.hiddenPaths.length > 5 ? ', …' : ''}</div>}</td>
              <td>{w.opaque ? 'opaque directory' : 'whiteout'}</td>
              <td>{w.hides}</td>
              <td>{formatBytes(w.hiddenBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
