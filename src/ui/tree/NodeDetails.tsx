// Details of the focused tree node: attributes, where it comes from (layer and history step) and which lower
// layers it shadows, with a button to view the file. Page side.
import type { TreeRowOut } from '../../protocol/messages.ts';
import { useImageSession } from '../../state/image-session.ts';
import { formatBytes, trimCreatedBy } from '../common/format.ts';

type Props = { readonly row: TreeRowOut | undefined; readonly onView: (row: TreeRowOut) => void };

export function NodeDetails({ row, onView }: Props) {
  const info = useImageSession((s) => s.info);
  if (row === undefined) return <aside className="details" aria-label="Node details"><p className="hint">Select a file or directory.</p></aside>;
  const step = (layer: number) => trimCreatedBy(info?.layers[layer]?.createdBy ?? info?.history.find((h) => h.layer === layer)?.createdBy ?? null, 80);
  const viewable = row.type === 'file' && row.diff !== 'removed';
  return (
    <aside className="details" aria-label="Node details">
      <h3><code>{row.path}</code></h3>
      <dl>
        <dt>Type</dt><dd>{row.type}</dd>
        <dt>Change</dt><dd className={`diff-${row.diff}`}>{row.diff}</dd>
        <dt>Size</dt><dd>{formatBytes(row.size)}{row.type === 'dir' ? ' (all files below)' : ''}</dd>
        <dt>Mode</dt><dd>{row.mode}</dd>
        <dt>Owner</dt><dd>{row.uid}:{row.gid}</dd>
        {row.link !== null && <><dt>Link target</dt><dd><code>{row.link}</code></dd></>}
        <dt>From</dt><dd>layer {row.layer}: <code>{step(row.layer)}</code></dd>
        <dt>Shadows</dt><dd>{row.shadows.length === 0 ? 'nothing below' : row.shadows.map((l) => `layer ${l}`).join(', ')}</dd>
      </dl>
      {viewable && <button type="button" onClick={() => onView(row)}>View file</button>}
    </aside>
  );
}
