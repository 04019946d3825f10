// The Strata page: a banner with the image picker and archive opener, then the open image (header, Layers list,
// Files / Whiteouts / Summary tabs). Page side.
import { useImageSession } from '../../state/image-session.ts';
import { LayersPanel } from '../layers/LayersPanel.tsx';
import { ArchiveOpener } from '../picker/ArchiveOpener.tsx';
import { ImagePicker } from '../picker/ImagePicker.tsx';
import { ImageHeader } from './ImageHeader.tsx';
import { useOpenFromUrl } from './use-open-from-url.ts';
import { ViewTabs } from './ViewTabs.tsx';

export function App() {
  useOpenFromUrl();
  const hasInfo = useImageSession((s) => s.info !== null);
  const status = useImageSession((s) => s.status);
  return (
    <>
      <header className="banner">
        <h1>Strata</h1>
        <p className="tagline">Explore container image layers in your browser.</p>
        <nav aria-label="Open an image">
          <ImagePicker />
          <ArchiveOpener />
        </nav>
      </header>
      <main>
        <ImageHeader />
        {hasInfo && (
          <div className="explorer">
            <LayersPanel />
            <ViewTabs />
          </div>
        )}
        {status === 'idle' && <p className="intro">Type an image reference (try <code>demo/layers:latest</code> on this server) or open a <code>docker save</code> archive.</p>}
      </main>
      <footer className="hint">Layers are streamed, verified and indexed in a Web Worker; only the rows you see are sent to the page.</footer>
    </>
  );
}
