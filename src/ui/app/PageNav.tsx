// The page switch in the banner: Explore (one image), Compare (two images), Shared layers (a set of images). The
// page is part of the URL, so links to a comparison or a matrix can be shared. Page side.
import { setPage } from '../../state/page-actions.ts';
import type { PageName } from '../../state/page-url-state.ts';
import { useUiStore } from '../../state/ui-store.ts';

const PAGES: readonly { id: PageName; label: string }[] = [
  { id: 'explore', label: 'Explore' }, { id: 'compare', label: 'Compare' }, { id: 'shared', label: 'Shared layers' },
];

export function PageNav() {
  const page = useUiStore((s) => s.page);
  return (
    <nav className="pages" aria-label="Pages">
      {PAGES.map((p) => (
        <a key={p.id} href={`?page=${p.id}`} aria-current={page === p.id ? 'page' : undefined}
          onClick={(e) => { e.preventDefault(); setPage(p.id); }}>{p.label}</a>
      ))}
    </nav>
  );
}
