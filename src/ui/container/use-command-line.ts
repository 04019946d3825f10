// The container command line's behaviour: history on ArrowUp/ArrowDown, Tab completion of the path being typed
// from the merged tree (through queries), Enter runs the line. Page side.
import { useState, type KeyboardEvent } from 'react';
import { completePath } from '../../queries/container-queries.ts';
import { useContainerStore } from '../../state/container-store.ts';

/** The longest common prefix of the candidates (what a shell completes to when several match). */
function commonPrefix(items: readonly string[]): string {
  if (items.length === 0) return '';
  let p = items[0]!;
  for (const s of items) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}

export function useCommandLine(imageId: string, layer: number) {
  const history = useContainerStore((s) => s.history);
  const run = useContainerStore((s) => s.run);
  const [line, setLine] = useState('');
  const [cursor, setCursor] = useState<number | null>(null);
  const [candidates, setCandidates] = useState<readonly string[]>([]);

  const submit = (text = line) => {
    const t = text.trim();
    if (t === '') return;
    run(t);
    setLine('');
    setCursor(null);
    setCandidates([]);
  };
  const complete = async () => {
    const m = /(\/[^\s'"]*)$/.exec(line);
    if (!m) return;
    const prefix = m[1]!;
    const found = await completePath(imageId, layer, prefix).catch(() => []);
    setCandidates(found.length > 1 ? found.slice(0, 50) : []);
    const next = found.length === 1 ? found[0]! : commonPrefix(found);
    if (next.length > prefix.length) setLine(line.slice(0, line.length - prefix.length) + next);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') { e.preventDefault(); submit(); }
    else if (e.key === 'Tab') { e.preventDefault(); void complete(); }
    else if (e.key === 'ArrowUp' && history.length > 0) {
      e.preventDefault();
      const i = cursor === null ? history.length - 1 : Math.max(0, cursor - 1);
      setCursor(i);
      setLine(history[i]!);
    } else if (e.key === 'ArrowDown' && cursor !== null) {
      e.preventDefault();
      const i = cursor + 1;
      setCursor(i >= history.length ? null : i);
      setLine(i >= history.length ? '' : history[i]!);
    }
  };
  return { line, setLine, onKeyDown, submit, candidates };
}
