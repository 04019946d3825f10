// "Which storage driver would Docker pick?": Docker version, kernel, backing filesystem, aufs module, prior state,
// explicit choice → the driver dockerd's priority list lands on, with every candidate's verdict and why. Page side.
import { useState } from 'react';
import { BACKING_FS_OPTIONS, explainDriverChoice, type BackingFs, type ChoiceDriver } from '../../queries/driver-choice.ts';

const CHOICES: readonly ChoiceDriver[] = ['overlay2', 'overlay', 'aufs', 'devicemapper', 'btrfs', 'zfs', 'vfs', 'fuse-overlayfs'];

export function DriverWizard() {
  const [docker, setDocker] = useState('24.0.7');
  const [kernel, setKernel] = useState('6.1');
  const [fs, setFs] = useState<BackingFs>('ext4');
  const [aufs, setAufs] = useState(false);
  const [fuse, setFuse] = useState(false);
  const [prior, setPrior] = useState('');
  const [explicit, setExplicit] = useState('');
  const k = /^(\d+)\.(\d+)/.exec(kernel);
  const r = k ? explainDriverChoice({
    dockerVersion: docker, kernel: { major: Number(k[1]), minor: Number(k[2]) }, backingFs: fs, aufsModule: aufs, fuseOverlayfsInstalled: fuse,
    ...(prior ? { priorDriver: prior as ChoiceDriver } : {}), ...(explicit ? { explicitDriver: explicit as ChoiceDriver } : {}),
  }) : undefined;
  const pick = (label: string, value: string, set: (v: string) => void) => (
    <label>{label} <select value={value} onChange={(e) => set(e.target.value)}><option value="">none</option>{CHOICES.map((c) => <option key={c}>{c}</option>)}</select></label>
  );
  return (
    <section className="wizard" aria-label="Driver choice">
      <div className="wizard-form">
        <label>Docker version <input value={docker} onChange={(e) => setDocker(e.target.value)} size={10} /></label>
        <label>Kernel <input value={kernel} onChange={(e) => setKernel(e.target.value)} size={6} /></label>
        <label>/var/lib/docker on <select value={fs} onChange={(e) => setFs(e.target.value as BackingFs)}>{BACKING_FS_OPTIONS.map((f) => <option key={f}>{f}</option>)}</select></label>
        <label><input type="checkbox" checked={aufs} onChange={(e) => setAufs(e.target.checked)} /> aufs module loaded</label>
        <label><input type="checkbox" checked={fuse} onChange={(e) => setFuse(e.target.checked)} /> fuse-overlayfs installed</label>
        {pick('Prior state in', prior, setPrior)}
        {pick('--storage-driver', explicit, setExplicit)}
      </div>
      {!k && <p role="alert">Kernel must look like 4.19 or 6.1.</p>}
      {r && !r.ok && <p role="alert">{r.error.message}</p>}
      {r?.ok && (
        <div aria-live="polite">
          <p>Docker would use <strong>{r.value.chosen}</strong> ({r.value.how === 'priority' ? `first working driver in the ${r.value.priorityRange} priority list` : r.value.how === 'prior' ? 'existing state wins' : 'configured'}).</p>
          <ol className="candidates">
            {r.value.candidates.map((c) => <li key={c.driver} className={c.outcome}><strong>{c.driver}</strong>: {c.outcome.replace('-', ' ')} — {c.reason}</li>)}
          </ol>
          {r.value.notes.map((n) => <p key={n} className="muted">{n}</p>)}
          <p className="muted">Sources: {r.value.sources.join(', ')} (drivers.md §3.11).</p>
        </div>
      )}
    </section>
  );
}
