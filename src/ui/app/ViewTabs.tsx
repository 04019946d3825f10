// Tabs over the selected layer: Files (tree), Whiteouts (what this layer deletes), Summary (metrics, treemap).
// Page side.
import type { KeyboardEvent } from 'react';
import { useUiStore } from '../../state/ui-store.ts';
import type { ViewName } from '../../state/url-state.ts';
import { ContainerPanel } from '../container/ContainerPanel.tsx';
import { SummaryPanel } from '../summary/SummaryPanel.tsx';
import { FilesPanel } from '../tree/FilesPanel.tsx';
import { WhiteoutsPanel } from '../whiteouts/WhiteoutsPanel.tsx';

const TABS: readonly { id: ViewName; label: string }[] = [
  { id: 'files', label: 'Files' }, { id: 'whiteouts', label: 'Whiteouts' }, { id: 'summary', label: 'Summary' },
  { id: 'container', label: 'Container' },
];

export function ViewTabs() {
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  const onKeyDown = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === view);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : undefined;
    if (next === undefined) return;
    e.preventDefault();
    setView(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };
  return (
    <section className="views" aria-label="Explore">
      <div role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button key={t.id} id={`tab-${t.id}`} type="button" role="tab" aria-selected={view === t.id} aria-controls={`panel-${t.id}`}
            tabIndex={view === t.id ? 0 : -1} onClick={() => setView(t.id)}>{t.label}</button>
        ))}
      </div>
      <div id={`panel-${view}`} role="tabpanel" aria-labelledby={`tab-${view}`}>
        {view === 'files' && <FilesPanel />}
        {view === 'whiteouts' && <WhiteoutsPanel />}
        {view === 'summary' && <SummaryPanel />}
        {view === 'container' && <ContainerPanel />}
      </div>
    </section>
  );
}
