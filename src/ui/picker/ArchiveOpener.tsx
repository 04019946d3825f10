// Opens a local `docker save` or OCI archive, dropped on the zone or chosen with the file picker. The file is read
// in the browser by the analysis worker; nothing is uploaded. Page side.
import { useState, type DragEvent } from 'react';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';

/** Without onFile it opens the archive in the explorer; a Compare side passes its own handler. */
export function ArchiveOpener({ onFile }: { readonly onFile?: (file: File) => void }) {
  const openImage = useImageSession((s) => s.openImage);
  const setImage = useUiStore((s) => s.setImage);
  const [over, setOver] = useState(false);
  const open = (file: File | undefined) => {
    if (file === undefined) return;
    if (onFile !== undefined) {
      onFile(file);
      return;
    }
    setImage(null, null);
    openImage({ kind: 'file', file, platform: null });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    open(e.dataTransfer.files[0]);
  };
  return (
    <div className={`drop${over ? ' over' : ''}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
      <label>Open a local archive (<code>docker save</code> or OCI tar)
        <input type="file" accept=".tar,.tar.gz,.tgz,application/x-tar" onChange={(e) => open(e.target.files?.[0])} />
      </label>
      <span className="hint">or drop it here — it is read in your browser, not uploaded.</span>
    </div>
  );
}
