// The Files tab: toolbar, virtualized tree, details of the focused node and the file viewer. Page side.
import { useUiStore } from '../../state/ui-store.ts';
import { FailureNotice } from '../common/FailureNotice.tsx';
import { FileViewer } from '../viewer/FileViewer.tsx';
import { FileTree } from './FileTree.tsx';
import { NodeDetails } from './NodeDetails.tsx';
import { TreeToolbar } from './TreeToolbar.tsx';
import { useFileTree } from './use-file-tree.ts';

export function FilesPanel() {
  const m = useFileTree();
  const viewerOpen = useUiStore((s) => s.viewerOpen);
  const setViewerOpen = useUiStore((s) => s.setViewerOpen);
  const row = m.activeRow;
  return (
    <div className="files">
      <TreeToolbar />
      <p className="hint tree-status" role="status" aria-live="polite">
        {m.total} rows{m.loading ? ' · updating…' : ''} · layer {m.view.layer} · {m.view.mode === 'merged' ? 'merged view' : "this layer's changes"}
      </p>
      {m.streaming !== null && (
        <p className="hint tree-partial" role="status">
          Partial: layer {m.streaming.layer} is loading — {m.streaming.entries.toLocaleString('en')} entries so far; rows are added as its bytes arrive.
        </p>
      )}
      {m.failure !== null && <FailureNotice failure={m.failure} title="Could not list files" />}
      <div className="files-body">
        <FileTree m={m} />
        <NodeDetails row={row} onView={m.openFile} />
      </div>
      {viewerOpen && row !== undefined && row.type === 'file' && m.imageId !== null && (
        <FileViewer key={`${row.path}@${row.layer}`} imageId={m.imageId} path={row.path} layer={row.layer} onClose={() => setViewerOpen(false)} />
      )}
    </div>
  );
}
