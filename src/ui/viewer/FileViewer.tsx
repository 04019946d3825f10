// The file viewer: text or hex of the selected file (size-limited, with "load more"), and a download button.
// Page side (view over useFileView).
import { FailureNotice } from '../common/FailureNotice.tsx';
import { formatBytes } from '../common/format.ts';
import { hexDump } from './file-bytes.ts';
import { useFileView } from './use-file-view.ts';

type Props = { readonly imageId: string; readonly path: string; readonly layer: number; readonly onClose: () => void };

export function FileViewer({ imageId, path, layer, onClose }: Props) {
  const v = useFileView(imageId, path, layer);
  return (
    <section className="viewer" aria-label="File viewer">
      <header>
        <h3><code>{path}</code> <span className="hint">from layer {layer}{v.data ? `, ${formatBytes(v.data.size)}` : ''}</span></h3>
        <div className="viewer-actions">
          <label className="inline"><input type="checkbox" checked={v.showHex} disabled={v.text === null} onChange={(e) => v.setMode(e.target.checked ? 'hex' : 'auto')} /> Hex</label>
          <button type="button" onClick={() => void v.download()} disabled={v.data === undefined}>Download</button>
          <button type="button" onClick={onClose}>Close viewer</button>
        </div>
      </header>
      {v.failure !== null && <FailureNotice failure={v.failure} title={`Could not read ${path}`} />}
      {v.loading && v.data === undefined && <p role="status">Reading the file from the layer…</p>}
      {v.data !== undefined && (
        <>
          {v.data.truncated && (
            <p className="hint" role="status">Showing the first {formatBytes(v.data.bytes.length)} of {formatBytes(v.data.size)}.
              {v.canLoadMore && <button type="button" onClick={v.loadMore}>Show up to 8 MiB</button>}</p>
          )}
          <pre className={v.showHex ? 'hex' : 'text'} tabIndex={0} aria-label={v.showHex ? 'Hex dump' : 'File text'}>
            {v.showHex ? hexDump(v.data.bytes) : v.text}
          </pre>
        </>
      )}
    </section>
  );
}
