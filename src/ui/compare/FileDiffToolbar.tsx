// Controls of the file diff: change-kind filters (with how many of each) and a search (glob or /regex/), both kept
// in the URL. Typing is debounced so the worker is asked once per pause. Page side.
import { useEffect, useState } from 'react';
import type { CompareAnswer } from '../../protocol/messages.ts';
import { setCompareSearch, toggleCompareKind } from '../../state/page-actions.ts';
import { CHANGE_KINDS } from '../../state/page-url-state.ts';
import { useUiStore } from '../../state/ui-store.ts';

export function FileDiffToolbar({ counts }: { readonly counts: CompareAnswer['counts'] | undefined }) {
  const kinds = useUiStore((s) => s.compare.kinds);
  const search = useUiStore((s) => s.compare.search);
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  useEffect(() => {
    if (text === search) return;
    const t = setTimeout(() => setCompareSearch(text), 250);
    return () => clearTimeout(t);
  }, [text, search]);
  return (
    <div className="toolbar" role="toolbar" aria-label="File diff options">
      <fieldset className="kinds">
        <legend>Changes</legend>
        {CHANGE_KINDS.map((k) => (
          <label key={k} className={`diff-${k}`}>
            <input type="checkbox" checked={kinds.includes(k)} onChange={() => toggleCompareKind(k)} />{k}
            {counts !== undefined && <span className="hint"> ({counts[k]})</span>}
          </label>
        ))}
      </fieldset>
      <label className="search">Search changes
        <input type="search" value={text} placeholder="*.conf or /regex/" onChange={(e) => setText(e.target.value)} />
      </label>
    </div>
  );
}
