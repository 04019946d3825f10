// Opens each Compare side the URL names (reference and platform) and closes it when the URL stops naming one; both
// sides close when the Compare page is left. A local archive has no URL and stays until replaced. Page side.
import { useEffect } from 'react';
import { useCompareSession } from '../../state/compare-session.ts';
import type { CompareSideName } from '../../state/page-url-state.ts';
import { useUiStore } from '../../state/ui-store.ts';

function useSideFromUrl(side: CompareSideName, reference: string | null, platform: string | null): void {
  useEffect(() => {
    const session = useCompareSession.getState();
    const current = session[side];
    if (reference === null) {
      if (current.source?.kind === 'registry') session.closeSide(side);
      return;
    }
    const src = current.source;
    if (src?.kind === 'registry' && src.reference === reference && src.platform === platform && current.status !== 'idle') return;
    session.openSide(side, { kind: 'registry', reference, platform });
  }, [side, reference, platform]);
}

export function useCompareFromUrl(): void {
  useSideFromUrl('a', useUiStore((s) => s.compare.a), useUiStore((s) => s.compare.pa));
  useSideFromUrl('b', useUiStore((s) => s.compare.b), useUiStore((s) => s.compare.pb));
  useEffect(() => () => {
    const session = useCompareSession.getState();
    session.closeSide('a');
    session.closeSide('b');
  }, []);
}
