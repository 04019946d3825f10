// Opens the image the URL names (and its platform), and closes it when the URL stops naming one; a local archive
// has no URL and stays open until another image is chosen. Page side.
import { useEffect } from 'react';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';

export function useOpenFromUrl(): void {
  const image = useUiStore((s) => s.image);
  const platform = useUiStore((s) => s.platform);
  useEffect(() => {
    const session = useImageSession.getState();
    const source = session.source;
    if (image === null) {
      if (source?.kind === 'registry') session.closeImage();
      return;
    }
    if (source?.kind === 'registry' && source.reference === image && source.platform === platform && session.status !== 'idle') return;
    session.openImage({ kind: 'registry', reference: image, platform });
  }, [image, platform]);
  useEffect(() => () => useImageSession.getState().closeImage(), []);
}
