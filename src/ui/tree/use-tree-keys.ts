// Keyboard navigation of the Files tree (WAI-ARIA tree pattern): Up/Down, PageUp/PageDown, Home/End, Right expands
// or steps into a directory, Left collapses or goes to the parent, Enter toggles a directory or views a file.
import type { KeyboardEvent } from 'react';
import type { TreeRowOut } from '../../protocol/messages.ts';

type Nav = {
  readonly active: number;
  readonly total: number;
  readonly pageSize: number;
  rowAt(index: number): TreeRowOut | undefined;
  moveTo(index: number): void;
  setExpanded(path: string, expanded: boolean): void;
  openFile(row: TreeRowOut): void;
};

export function handleTreeKey(e: KeyboardEvent, nav: Nav): void {
  const row = nav.rowAt(nav.active);
  const clamp = (i: number) => Math.max(0, Math.min(nav.total - 1, i));
  let handled = true;
  switch (e.key) {
    case 'ArrowDown': nav.moveTo(clamp(nav.active + 1)); break;
    case 'ArrowUp': nav.moveTo(clamp(nav.active - 1)); break;
    case 'PageDown': nav.moveTo(clamp(nav.active + nav.pageSize)); break;
    case 'PageUp': nav.moveTo(clamp(nav.active - nav.pageSize)); break;
    case 'Home': nav.moveTo(0); break;
    case 'End': nav.moveTo(clamp(nav.total - 1)); break;
    case 'ArrowRight':
      if (row?.type === 'dir' && row.hasChildren) {
        if (!row.expanded) nav.setExpanded(row.path, true);
        else nav.moveTo(clamp(nav.active + 1));
      }
      break;
    case 'ArrowLeft':
      if (row?.type === 'dir' && row.expanded) nav.setExpanded(row.path, false);
      else if (row !== undefined) nav.moveTo(findParent(nav, row));
      break;
    case 'Enter':
    case ' ':
      if (row?.type === 'dir') nav.setExpanded(row.path, !row.expanded);
      else if (row !== undefined) nav.openFile(row);
      break;
    default: handled = false;
  }
  if (handled) e.preventDefault();
}

/** The nearest row above with a smaller depth (the parent), or the row itself. */
function findParent(nav: Nav, row: TreeRowOut): number {
  for (let i = nav.active - 1; i >= 0 && i >= nav.active - 5000; i--) {
    const r = nav.rowAt(i);
    if (r === undefined) break;
    if (r.depth < row.depth) return i;
  }
  return nav.active;
}
