// The Shared-layers page: for a set of images, which layers each holds and what sharing saves — the bytes a registry
// or a node stores once against the sum per image. Only manifests and configs are read. Page side.
import { FailureNotice } from '../common/FailureNotice.tsx';
import './shared.css';
import { formatBytes, formatPercent } from '../common/format.ts';
import { LayerMatrix } from './LayerMatrix.tsx';
import { SharedLayersForm } from './SharedLayersForm.tsx';
import { MAX_TAGS, useSharedLayers } from './use-shared-layers.ts';

export function SharedLayersPage() {
  const m = useSharedLayers();
  const s = m.sharing;
  return (
    <div className="shared-layers">
      <SharedLayersForm />
      <p role="status" className="hint">
        {m.entries.length === 0 ? (m.loading ? 'Listing tags…' : 'Choose a repository or type references.') : `${s.rows.length} of ${m.entries.length} images described${m.pending > 0 ? ` · reading ${m.pending} manifests…` : ''}`}
      </p>
      {m.truncatedTags > 0 && <p className="warning">The repository has {m.truncatedTags} tags; the first {MAX_TAGS} are shown.</p>}
      {m.tagsFailure !== null && <FailureNotice failure={m.tagsFailure} title="Could not list the tags" />}
      {m.failures.map((f) => <FailureNotice key={f.reference} failure={f.failure} title={`Could not read ${f.reference}`} />)}
      {s.rows.length > 0 && (
        <>
          <dl className="metrics" aria-label="Storage totals">
            <div><dt>Stored once (unique layers)</dt><dd>{formatBytes(s.uniqueBytes)} <span className="hint">{s.layers.length} layers</span></dd></div>
            <div><dt>Sum per image</dt><dd>{formatBytes(s.perImageBytes)}</dd></div>
            <div><dt>Saving</dt><dd>{formatBytes(s.savedBytes)} <span className="hint">{formatPercent(s.savedRatio)}</span></dd></div>
          </dl>
          <p className="hint">Compressed bytes from the manifests: a registry keeps each layer blob once however many images list it; a node pulling these images downloads each once too.</p>
          <LayerMatrix sharing={s} />
        </>
      )}
    </div>
  );
}
