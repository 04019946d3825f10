// The Strata page: a banner with the image picker and archive opener, then the open image (header, Layers list,
// Files / Whiteouts / Summary tabs); the Compare and Shared-layers pages replace it when the page switch says so.
// Page side.
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { ComparePage } from '../compare/ComparePage.tsx';
import { LayersPanel } from '../layers/LayersPanel.tsx';
import { ArchiveOpener } from '../picker/ArchiveOpener.tsx';
import { ImagePicker } from '../picker/ImagePicker.tsx';
import { SharedLayersPage } from '../shared/SharedLayersPage.tsx';
import { ImageHeader } from './ImageHeader.tsx';
import { CacheControl } from './CacheControl.tsx';
import { PageNav } from './PageNav.tsx';
import { useOpenFromUrl } from './use-open-from-url.ts';
import { ViewTabs } from './ViewTabs.tsx';

export function App() {
  useOpenFromUrl();
  const hasInfo = useImageSession((s) => s.info !== null);
  const status = useImageSession((s) => s.status);
  const page = useUiStore((s) => s.page);
  const explore = page === 'explore';
  return (
    <>
      <header className="banner">
        <h1>Strata</h1>
        <p className="tagline">Explore container image layers in your browser.</p>
        <PageNav />
        {explore && (
          <nav aria-label="Open an image">
            <ImagePicker />
            <ArchiveOpener />
          </nav>
        )}
      </header>
      <main>
        {page === 'compare' && <ComparePage />}
        {page === 'shared' && <SharedLayersPage />}
        {explore && <ImageHeader />}
        {explore && hasInfo && (
          <div className="explorer">
            <LayersPanel />
            <ViewTabs />
          </div>
        )}
        {explore && status === 'idle' && <p className="intro">Type an image reference (try <code>demo/layers:latest</code> on this server) or open a <code>docker save</code> archive.</p>}
      </main>
      <footer className="hint">Layers are streamed, verified and indexed in a Web Worker; only the rows you see are sent to the page. Parsed layers are cached in this browser by digest. <CacheControl /></footer>
    </>
  );
}
