// The JSON the CLI prints for `strata simulate` (and the UI shows): driver, options, per-step outcomes, the
// container layer's size and `docker diff`. Plain, structured-clone-safe data. Pure.
import { ok, type Result } from '../result.ts';
import type { DriverName } from '../drivers/driver-model.ts';
import type { DriverLayout } from '../drivers/layout-tree.ts';
import { containerDelta, containerLayerBytes } from './container-size.ts';
import { diffContainer, type DiffChange } from './diff.ts';
import type { LowerView } from './lower-view.ts';
import { formatKernel, kernelAtLeast, parseSimulatorOptions } from './options.ts';
import { simulateContainer, type SimulationRun, type StepResult } from './simulator.ts';

export type SimulationReport = {
  readonly driver: DriverName;
  readonly options: Readonly<Record<string, string>>;
  readonly steps: readonly StepResult[];
  /** What `docker ps -s` would report for the container layer (driver's DiffSize). */
  readonly containerLayerBytes: number;
  /** Physical bytes the container layer holds in the driver's allocation unit (data only). */
  readonly containerAllocatedBytes: number;
  readonly diff: readonly DiffChange[];
  readonly cowUnit: string;
  readonly pageCacheShared: boolean;
  readonly notes: readonly string[];
};

export function buildSimulationReport(run: SimulationRun): SimulationReport {
  const { driver, options, state } = run;
  const diff = diffContainer(state);
  const opts: Record<string, string> = { kernel: formatKernel(options.kernel), reflink: options.reflink ? 'yes' : 'no' };
  if (driver.semantics.kind === 'union' && driver.semantics.implementation === 'overlayfs') {
    opts.redirect_dir = options.redirectDir ? 'on' : 'off';
    opts.metacopy = options.metacopy ? 'on' : 'off';
    opts.index = options.index ? 'on' : 'off';
  }
  if (driver.name === 'devicemapper') opts.lvm = options.lvm;
  if (options.volumes.length > 0) opts.volume = options.volumes.join(',');
  const notes = [...options.notes];
  if (driver.semantics.kind === 'union' && driver.semantics.implementation === 'overlayfs') {
    notes.push('kernel overlay defaults assumed: index=off (Docker passes it), metacopy and redirect_dir off unless set; this depends on the distro kernel config');
  }
  if (options.index && driver.semantics.kind === 'union') notes.push('index=on is hypothetical: Docker always mounts with index=off');
  const overlayfs = driver.semantics.kind === 'union' && driver.semantics.implementation === 'overlayfs';
  for (const key of options.explicit) {
    const overlayKey = key === 'redirect_dir' || key === 'metacopy' || key === 'index';
    const reflinkIgnored = key === 'reflink' && driver.semantics.kind === 'snapshot';
    if ((overlayKey && !overlayfs) || (key === 'lvm' && driver.name !== 'devicemapper') || reflinkIgnored) {
      notes.push(`option ${key} has no effect on ${driver.name}`);
    }
  }
  const needs = driver.name === 'overlay2' ? [4, 0] : driver.name === 'overlay' ? [3, 18] : undefined;
  if (needs && !kernelAtLeast(options.kernel, needs[0]!, needs[1]!)) notes.push(`${driver.name} needs kernel ${needs.join('.')} or later; kernel=${formatKernel(options.kernel)} could not run it (simulated anyway)`);
  const unit = driver.cowUnit(options);
  return {
    driver: driver.name, options: opts, steps: run.steps, containerLayerBytes: state.driver.changesMethod === 'naive' ? containerLayerBytes(state, diff) : containerLayerBytes(state),
    containerAllocatedBytes: run.containerAllocatedBytes, diff, cowUnit: unit.label, pageCacheShared: driver.pageCache.shared, notes,
  };
}

/** Parses `k=v` options, runs the commands under the driver and builds the report (what `strata simulate` prints). */
export function simulateToReport(view: LowerView, driver: string, optionItems: readonly string[], commands: readonly string[]): Result<SimulationReport> {
  const options = parseSimulatorOptions(optionItems);
  if (!options.ok) return options;
  const run = simulateContainer({ view, driver: driver as DriverName, options: options.value, commands });
  return run.ok ? ok(buildSimulationReport(run.value)) : run;
}

/** The driver's /var/lib/docker layout with this run's container layer in it. */
export function buildContainerLayout(run: SimulationRun): DriverLayout {
  return run.driver.buildLayout({ view: run.view, options: run.options, container: containerDelta(run.state) });
}
