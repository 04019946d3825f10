// Controls of the Files tree: mode (merged as of the layer / this layer's changes), diff-kind filters, search
// (glob or /regex/) and sort. Page side.
import { useEffect, useState } from 'react';
import { ALL_KINDS, type SortName, type TreeMode } from '../../state/url-state.ts';
import { useUiStore } from '../../state/ui-store.ts';

export function TreeToolbar() {
  const mode = useUiStore((s) => s.mode);
  const setMode = useUiStore((s) => s.setMode);
  const kinds = useUiStore((s) => s.kinds);
  const toggleKind = useUiStore((s) => s.toggleKind);
  const sort = useUiStore((s) => s.sort);
  const setSort = useUiStore((s) => s.setSort);
  return (
    <div className="toolbar" role="toolbar" aria-label="File tree options">
      <fieldset className="segmented">
        <legend>Show</legend>
        {(['merged', 'layer'] as const satisfies readonly TreeMode[]).map((m) => (
          <label key={m}><input type="radio" name="tree-mode" checked={mode === m} onChange={() => setMode(m)} />{m === 'merged' ? 'Merged up to layer' : "This layer's changes"}</label>
        ))}
      </fieldset>
      <fieldset className="kinds">
        <legend>Changes</legend>
        {ALL_KINDS.map((k) => (
          <label key={k} className={`diff-${k}`}><input type="checkbox" checked={kinds.includes(k)} onChange={() => toggleKind(k)} />{k}</label>
        ))}
      </fieldset>
      <SearchBox />
      <label>Sort
        <select value={sort} onChange={(e) => setSort(e.target.value as SortName)}>
          <option value="name">by name</option>
          <option value="size">by size</option>
        </select>
      </label>
    </div>
  );
}

/** Typing is debounced so the worker is asked once per pause, not per key. */
function SearchBox() {
  const search = useUiStore((s) => s.search);
  const setSearch = useUiStore((s) => s.setSearch);
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  useEffect(() => {
    if (text === search) return;
    const t = setTimeout(() => setSearch(text), 250);
    return () => clearTimeout(t);
  }, [text, search, setSearch]);
  const bad = text.startsWith('/') && text.length > 1 && text.endsWith('/') && !isRegex(text.slice(1, -1));
  return (
    <label className="search">Search files
      <input type="search" value={text} placeholder="*.conf or /regex/" aria-invalid={bad} onChange={(e) => setText(e.target.value)} />
      {bad && <span className="error-text">not a valid regular expression</span>}
    </label>
  );
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
