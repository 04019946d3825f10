// The container's command line: type a shell-like command (cat, echo, rm, mv, chmod, ln, dd, truncate …), Tab
// completes paths, up/down recalls history; buttons run common teaching commands. Page side.
import { useCommandLine } from './use-command-line.ts';

const QUICK: readonly { label: string; line: string }[] = [
  { label: 'Append to /etc/motd', line: 'echo hello >> /etc/motd' },
  { label: 'rm a file', line: 'rm -f /etc/os-release' },
  { label: 'chmod a file', line: 'chmod 600 /etc/passwd' },
  { label: 'Rename a directory', line: 'mv /etc /etc.old' },
  { label: 'Create a file', line: 'touch /etc/new.conf' },
];

export function CommandLine({ imageId, layer, busy }: { imageId: string; layer: number; busy: boolean }) {
  const { line, setLine, onKeyDown, submit, candidates } = useCommandLine(imageId, layer);
  return (
    <div className="command-line">
      <label className="prompt">
        <span aria-hidden="true">#</span>
        <input aria-label="Container command" value={line} spellCheck={false} autoComplete="off" placeholder="e.g. rm -rf /var/cache  (Tab completes paths, ↑/↓ history)"
          onChange={(e) => setLine(e.target.value)} onKeyDown={onKeyDown} />
      </label>
      <button type="button" onClick={() => submit()} disabled={busy || line.trim() === ''}>Run</button>
      {candidates.length > 0 && <p className="completions" aria-live="polite">{candidates.join('  ')}</p>}
      <div className="quick" role="group" aria-label="Common commands">
        {QUICK.map((q) => <button key={q.label} type="button" title={q.line} onClick={() => submit(q.line)}>{q.label}</button>)}
      </div>
    </div>
  );
}
