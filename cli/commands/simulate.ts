// `strata simulate SOURCE --driver D [--option k=v]… [--json] -- 'CMD' 'CMD' …`: runs the commands in a simulated
// container on top of the image and prints what each storage driver would do (copy-up, whiteouts, EXDEV, …).
import { createLowerViewFromChangesets } from '../../src/core/cow/changeset-lower-view.ts';
import { changesetsFromLayers } from '../../src/core/cow/layer-index-changesets.ts';
import { simulateToReport } from '../../src/core/cow/report.ts';
import { bool, flag, UsageError, type Parsed } from '../args.ts';
import { runAnalysis } from '../run-analysis.ts';

export async function simulateCommand(p: Parsed, signal: AbortSignal): Promise<number> {
  const driver = flag(p, 'driver');
  if (!driver) throw new UsageError('simulate needs --driver (overlay2, overlay, aufs, devicemapper, btrfs, zfs, vfs)');
  if (p.rest.length === 0) throw new UsageError("give the container commands after --, e.g. -- 'echo hi >> /etc/motd' 'rm -rf /var/cache'");
  const a = await runAnalysis(p, signal);
  if (a.partial) throw new UsageError('the image is partial (a layer failed); refusing to simulate on an incomplete image');
  const view = createLowerViewFromChangesets(changesetsFromLayers(a.layers.map((l) => {
    const step = a.history.stepOfLayer[l.index];
    const createdBy = step === undefined ? undefined : a.image.config.history[step]?.createdBy;
    return { index: l.layer, diffId: l.diffId, digest: l.digest, ...(createdBy ? { createdBy } : {}) };
  })));
  if (!view.ok) throw new UsageError(view.error.message);
  const report = simulateToReport(view.value, driver, p.flags.get('option') ?? [], p.rest);
  if (!report.ok) throw new UsageError(report.error.message);
  const r = report.value;
  if (bool(p, 'json')) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return 0;
  }
  const out = [`driver: ${r.driver}`];
  for (const s of r.steps) {
    const bits = [s.ok ? 'ok' : `FAILED ${s.errno}`];
    if (s.servedFromLayer !== null && s.servedFromLayer !== undefined) bits.push(`served from layer ${s.servedFromLayer} (lookup crossed ${s.lookupDepth})`);
    if (s.copiedBytes) bits.push(`copied up ${s.copiedBytes} B`);
    if (s.allocatedBytes) bits.push(`allocated ${s.allocatedBytes} B`);
    if (s.whiteouts.length) bits.push(`whiteouts ${s.whiteouts.join(', ')}`);
    if (s.opaqueDirs.length) bits.push(`opaque ${s.opaqueDirs.join(', ')}`);
    if (s.brokenHardlinks.length) bits.push(`broken hardlinks ${s.brokenHardlinks.join(', ')}`);
    out.push(`$ ${s.command}\n    ${bits.join('; ')}`);
  }
  out.push(`container layer: ${r.containerLayerBytes} bytes`, 'docker diff:', ...r.diff.map((d) => `  ${d.kind} ${d.path}`));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
