// One command's effect under one driver: outcome (ok / errno, EXDEV recovered by mv's copy), where the read was
// served from and how deep the lookup went, bytes copied and allocated, whiteouts and opaque markers in the
// driver's form, broken hardlinks; copy-ups and whiteouts get a badge, weaker confidence is said. Page side.
import type { StepResult } from '../../core/cow/simulator.ts';
import { formatBytes } from '../common/format.ts';

function Paths({ label, paths, className }: { label: string; paths: readonly string[]; className: string }) {
  if (paths.length === 0) return null;
  const shown = paths.slice(0, 6);
  return <li className={className}>{label}: {shown.map((p) => <code key={p}>{p}</code>)}{paths.length > shown.length && ` … +${paths.length - shown.length}`}</li>;
}

export function StepCell({ step }: { step: StepResult }) {
  const outcome = step.skipped ? 'skipped (an earlier && failed)' : step.ok ? 'ok' : step.errno ?? 'failed';
  return (
    <td className={`step-cell${step.ok ? '' : ' failed'}`}>
      <div className="badges">
        <span className={`badge ${step.ok ? 'ok' : 'errno'}`}>{outcome}</span>
        {step.recoveredErrno && <span className="badge errno" title="the syscall failed; the tool recovered (mv copies the tree instead)">{step.recoveredErrno} → copied</span>}
        {step.copiedUp.length > 0 && <span className="badge copy-up">copy-up</span>}
        {step.whiteouts.length > 0 && <span className="badge whiteout">whiteout</span>}
        {step.opaqueDirs.length > 0 && <span className="badge whiteout">opaque</span>}
        {step.brokenHardlinks.length > 0 && <span className="badge errno">hardlink broken</span>}
        {step.confidence !== 'documented' && (
          <span className="badge confidence" title={step.rules.filter((r) => r.confidence !== 'documented').map((r) => `${r.rule}: ${r.note}`).join('\n')}>
            {step.confidence === 'derived' ? 'derived, not documented' : 'not verified'}
          </span>
        )}
      </div>
      <ul className="effects">
        {step.servedFromLayer !== null && <li>served from {step.servedFromLayer}{step.lookupDepth !== null && ` (lookup depth ${step.lookupDepth})`}</li>}
        {step.copiedBytes > 0 && <li>copied {formatBytes(step.copiedBytes)}</li>}
        {step.allocatedBytes > 0 && <li>allocated {formatBytes(step.allocatedBytes)}</li>}
        {step.freedBytes > 0 && <li>freed {formatBytes(step.freedBytes)}</li>}
        <Paths label="copied up" paths={step.copiedUp} className="hl-copy" />
        <Paths label="parent dirs copied up" paths={step.parentDirsCopiedUp} className="hl-copy" />
        <Paths label="whiteouts" paths={step.whiteouts} className="hl-whiteout" />
        <Paths label="opaque" paths={step.opaqueDirs} className="hl-whiteout" />
        <Paths label="deleted" paths={step.deleted} className="hl-whiteout" />
        <Paths label="broken hardlinks" paths={step.brokenHardlinks} className="hl-errno" />
        {step.staleRead === true && <li className="hl-errno">stale read: an earlier read-only fd still sees the lower file</li>}
        <li className="muted">container layer {formatBytes(step.containerLayerBytes)}</li>
        {step.notes.map((n) => <li key={n} className="muted">{n}</li>)}
      </ul>
    </td>
  );
}
