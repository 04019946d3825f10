// Keeps useUiStore and the address bar in step: the URL seeds the store at start and on back/forward; store changes
// replace the URL (a new image pushes a history entry). Page side.
import { selectUrlState, useUiStore } from './ui-store.ts';
import { formatUrlState, parseUrlState } from './url-state.ts';

/** Starts syncing; returns a function that stops it. */
export function startUrlSync(): () => void {
  useUiStore.getState().replaceUrlState(parseUrlState(window.location.search));
  let last = formatUrlState(selectUrlState(useUiStore.getState()));
  let lastImage = useUiStore.getState().image;
  const unsubscribe = useUiStore.subscribe((state) => {
    const next = formatUrlState(selectUrlState(state));
    if (next === last) return;
    last = next;
    const url = `${window.location.pathname}${next}${window.location.hash}`;
    if (state.image !== lastImage) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
    lastImage = state.image;
  });
  const onPop = () => {
    const s = parseUrlState(window.location.search);
    last = formatUrlState(s);
    lastImage = s.image;
    useUiStore.getState().replaceUrlState(s);
  };
  window.addEventListener('popstate', onPop);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', onPop);
  };
}
