// Simulation requests on an open image (worker side): run commands in a simulated container under one to three
// driver lanes and report each (drivers.md §4), or render a driver's /var/lib/docker layout with its disk usage.
import { containerDelta } from '../../core/cow/container-size.ts';
import { parseSimulatorOptions, type SimulatorOptions } from '../../core/cow/options.ts';
import { buildContainerLayout, buildSimulationReport } from '../../core/cow/report.ts';
import { simulateContainer, type SimulationRun } from '../../core/cow/simulator.ts';
import { findDriverModel } from '../../core/drivers/driver-catalog.ts';
import { computeDiskUsage } from '../../core/drivers/disk-usage.ts';
import { renderLayout } from '../../core/drivers/layout-tree.ts';
import type { ContainerLayerRow, LayoutOut, SimulationLane, SimulationOut } from '../../protocol/messages.ts';
import { LayerError } from '../layer-error.ts';
import { lowerViewOf } from './container-view.ts';
import type { ImageSession } from './image-session.ts';

export const MAX_LANES = 3;
export const MAX_COMMANDS = 200;
export const MAX_LAYOUT_LINES = 4000;
const MAX_LAYER_ROWS = 2000;

function checkCommands(commands: readonly string[]): void {
  if (!Array.isArray(commands) || commands.some((c) => typeof c !== 'string')) throw new LayerError('BAD_REQUEST', 'commands must be a list of command lines');
  if (commands.length > MAX_COMMANDS) throw new LayerError('BAD_REQUEST', `at most ${MAX_COMMANDS} commands per simulation`);
}

function optionsOf(lane: SimulationLane): SimulatorOptions {
  const o = parseSimulatorOptions(lane.options);
  if (!o.ok) throw new LayerError(o.error.code, `${lane.driver}: ${o.error.message}`);
  return o.value;
}

/** Runs the commands under one lane; throws a LayerError with the simulator's code on failure. */
export function runLane(session: ImageSession, lane: SimulationLane, commands: readonly string[]): SimulationRun {
  checkCommands(commands);
  if (!findDriverModel(lane.driver)) throw new LayerError('DRIVER_UNKNOWN', `unknown storage driver "${String(lane.driver).slice(0, 40)}" (overlay2, overlay, aufs, devicemapper, btrfs, zfs, vfs)`);
  const run = simulateContainer({ view: lowerViewOf(session), driver: lane.driver as never, options: optionsOf(lane), commands });
  if (!run.ok) throw new LayerError(run.error.code, run.error.message);
  return run.value;
}

export function layerRowsOf(run: SimulationRun): ContainerLayerRow[] {
  return containerDelta(run.state).entries.slice(0, MAX_LAYER_ROWS).map((e) => e.kind === 'whiteout'
    ? { path: e.path, kind: 'whiteout', size: 0, copiedUp: false, opaque: false, metacopy: false, redirect: null }
    : { path: e.path, kind: e.type, size: e.size, copiedUp: e.overLower, opaque: e.opaque, metacopy: e.metacopy, redirect: e.redirect ?? null });
}

export function simulateLanes(session: ImageSession, lanes: readonly SimulationLane[], commands: readonly string[]): SimulationOut[] {
  if (!Array.isArray(lanes) || lanes.length < 1 || lanes.length > MAX_LANES) throw new LayerError('BAD_REQUEST', `simulate takes one to ${MAX_LANES} driver lanes`);
  return lanes.map((lane) => {
    const run = runLane(session, lane, commands);
    return { report: buildSimulationReport(run), layer: layerRowsOf(run) };
  });
}

export function layoutOf(session: ImageSession, lane: SimulationLane, commands: readonly string[], expand: boolean): LayoutOut {
  const run = runLane(session, lane, commands);
  const text = renderLayout(buildContainerLayout(run), run.view, { expand, maxLines: MAX_LAYOUT_LINES });
  const lines = text.split('\n');
  const truncated = lines[lines.length - 1] === '… (truncated)';
  return {
    driver: run.driver.name, lines, truncated, diskUsage: computeDiskUsage(run.view, run.driver, run.options),
    notes: ['layer and mount ids are derived from ChainIDs here (Docker makes random ones): illustrative, not what your daemon would show'],
  };
}
