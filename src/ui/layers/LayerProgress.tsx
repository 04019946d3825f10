// One layer's download and verification status: a progress bar with bytes, rate and ETA while loading, then
// verified / unverified / cached / failed. A failed layer is never shown as fine. Page side.
import type { LayerState } from '../../protocol/messages.ts';
import { formatBytes, formatEta, formatRate } from '../common/format.ts';

const STATUS_TEXT: Record<LayerState['status'], string> = {
  queued: 'queued', loading: 'loading', verified: 'verified ✓', unverified: 'not verified', failed: 'failed ✗', cached: 'cached ✓',
};

export function LayerProgress({ layer, state }: { readonly layer: number; readonly state: LayerState | undefined }) {
  if (state === undefined) return <span className="status queued">waiting</span>;
  const total = state.totalBytes;
  const busy = state.status === 'loading' || state.status === 'queued';
  const pct = total !== null && total > 0 ? Math.min(100, (state.compressedBytes / total) * 100) : null;
  return (
    <span className="progress-cell">
      {busy && (
        <span className="bar" role="progressbar" aria-label={`Layer ${layer} download`} aria-valuemin={0} aria-valuemax={100}
          {...(pct !== null ? { 'aria-valuenow': Math.round(pct) } : {})}>
          <span style={{ width: `${pct ?? 5}%` }} />
        </span>
      )}
      <span className={`status ${state.status}`} title={state.error?.message ?? state.warnings.map((w) => w.message).join('\n')}>
        {STATUS_TEXT[state.status]}
      </span>
      {busy && (
        <span className="hint">
          {formatBytes(state.compressedBytes)}{total !== null ? ` of ${formatBytes(total)}` : ''} {formatRate(state.rate)} {total !== null ? formatEta(total - state.compressedBytes, state.rate) : ''} · {state.entries} entries
        </span>
      )}
      {state.status === 'failed' && state.error !== null && <span className="error-text" role="status">{state.error.message} ({state.error.code})</span>}
    </span>
  );
}
