// The write simulator: runs command lines in a container over an image under one driver model and reports, per
// step, the outcome (errno, layer served, lookup depth, bytes copied/allocated, whiteouts, opaque dirs, broken
// hardlinks) with the confidence drivers.md gives it. Pure and deterministic; one run owns its state.
import { err, ok, type Result } from '../result.ts';
import type { Confidence, DriverModel, DriverName, RuleId, SourceId } from '../drivers/driver-model.ts';
import { findDriverModel } from '../drivers/driver-catalog.ts';
import { checkImageDepth } from '../drivers/limits.ts';
import { aufsWhiteoutPath } from '../drivers/container-forms.ts';
import { parseCommandLine } from './command-parser.ts';
import type { Errno } from './container-lookup.ts';
import { createContainerState, layerName, type ContainerState } from './container-state.ts';
import type { LowerView } from './lower-view.ts';
import { DEFAULT_OPTIONS, type SimulatorOptions } from './options.ts';
import { runCommand } from './run-command.ts';
import { createStepLog, type StepLog } from './step-log.ts';
import { containerLayerBytes, imageCopyBytes } from './container-size.ts';

export type RuleBasis = { readonly rule: RuleId; readonly confidence: Confidence; readonly sources: readonly SourceId[]; readonly note: string };

export type StepResult = {
  readonly command: string;
  readonly ok: boolean;
  readonly errno: Errno | null;
  /** A syscall error the tool recovered from (mv's copy fallback after EXDEV). */
  readonly recoveredErrno: Errno | null;
  /** Not run because an earlier command joined with && failed. */
  readonly skipped: boolean;
  /** 'L0'…'Ln', 'init', 'container' or 'mount:<path>' for reads; null when nothing was read. */
  readonly servedFromLayer: string | null;
  readonly lookupDepth: number | null;
  readonly copiedBytes: number;
  readonly allocatedBytes: number;
  readonly freedBytes: number;
  /** Whiteouts and opaque markers created, as on-disk paths in the driver's form. */
  readonly whiteouts: readonly string[];
  readonly opaqueDirs: readonly string[];
  /** Real deletions of image objects (drivers without whiteouts). */
  readonly deleted: readonly string[];
  readonly brokenHardlinks: readonly string[];
  readonly copiedUp: readonly string[];
  readonly parentDirsCopiedUp: readonly string[];
  readonly staleRead: boolean | null;
  /** The container layer after this step: as `docker ps -s` reports it, and physically in driver units. */
  readonly containerLayerBytes: number;
  readonly containerAllocatedBytes: number;
  readonly notes: readonly string[];
  /** The weakest confidence among the rules this step applied. */
  readonly confidence: Confidence;
  readonly sources: readonly SourceId[];
  readonly rules: readonly RuleBasis[];
};

export type SimulationRun = {
  readonly driver: DriverModel;
  readonly options: SimulatorOptions;
  readonly view: LowerView;
  readonly steps: readonly StepResult[];
  /** Internal state after the last step: read it through containerDelta/diffContainer/commitContainer. */
  readonly state: ContainerState;
  /** Physical bytes the container layer holds (driver units; vfs includes its private copy of the image). */
  readonly containerAllocatedBytes: number;
};

export type SimulationInput = {
  readonly view: LowerView;
  readonly driver: DriverName | DriverModel;
  readonly options?: SimulatorOptions;
  readonly commands: readonly string[];
};

const RANK: Record<Confidence, number> = { documented: 0, derived: 1, 'not-verified': 2 };

/** Runs every command line in order. Fails on an unknown driver, an image too deep for it, or a line that does not parse. */
export function simulateContainer(input: SimulationInput): Result<SimulationRun> {
  const driver = typeof input.driver === 'string' ? findDriverModel(input.driver) : input.driver;
  if (!driver) return err('DRIVER_UNKNOWN', `unknown storage driver "${String(input.driver)}"`);
  const depth = checkImageDepth(driver, input.view.layers.length);
  if (depth.length > 0) return err('MAX_DEPTH', depth.map((d) => d.message).join('; '));
  const parsed = [];
  for (const [i, line] of input.commands.entries()) {
    const p = parseCommandLine(line);
    if (!p.ok) return err(p.error.code, `command ${i + 1}: ${p.error.message}`);
    parsed.push(...p.value);
  }
  const options = input.options ?? DEFAULT_OPTIONS;
  const state = createContainerState(input.view, driver, options);
  let allocated = imageCopyBytes(state);
  const steps: StepResult[] = [];
  let failedChain = false;
  for (const step of parsed) {
    state.clock++;
    const log = createStepLog();
    const before = snapshotMarkers(state);
    if (!failedChain) runCommand(state, log, step.command);
    allocated += log.allocatedBytes - log.freedBytes;
    const result = toStepResult(state, step.text, log, before, failedChain, allocated);
    steps.push(result);
    failedChain = step.then === '&&' ? failedChain || !result.ok : false;
  }
  return ok({ driver, options, view: input.view, steps, state, containerAllocatedBytes: allocated });
}

type Markers = { whiteouts: Set<string>; opaque: Set<string> };

function snapshotMarkers(state: ContainerState): Markers {
  const m: Markers = { whiteouts: new Set(), opaque: new Set() };
  for (const [p, s] of state.upper) {
    if (s.kind === 'whiteout') m.whiteouts.add(p);
    else if (s.opaque) m.opaque.add(p);
  }
  return m;
}

function toStepResult(state: ContainerState, command: string, log: StepLog, before: Markers, skipped: boolean, allocated: number): StepResult {
  const after = snapshotMarkers(state);
  const created = [...after.whiteouts].filter((p) => !before.whiteouts.has(p)).sort();
  const opaque = [...after.opaque].filter((p) => !before.opaque.has(p)).sort();
  const form = state.driver.whiteoutForm;
  if (log.transientWhiteouts > created.length && form !== 'deletion') {
    log.notes.push(`${log.transientWhiteouts - created.length} whiteouts made during the command were removed again`);
  }
  const rules: RuleBasis[] = [...log.rules].map((rule) => {
    const b = state.driver.rules[rule];
    return { rule, confidence: b?.confidence ?? 'derived', sources: b?.sources ?? [], note: b?.note ?? 'modelled from the driver family' };
  });
  const confidence = rules.reduce<Confidence>((w, r) => (RANK[r.confidence] > RANK[w] ? r.confidence : w), 'documented');
  return {
    command, ok: !skipped && log.errno === undefined, errno: log.errno ?? null, recoveredErrno: log.recoveredErrno ?? null, skipped,
    servedFromLayer: log.servedFrom ? layerName(log.servedFrom) : null, lookupDepth: log.lookupDepth ?? null,
    copiedBytes: log.copiedBytes, allocatedBytes: log.allocatedBytes, freedBytes: log.freedBytes,
    whiteouts: form === 'deletion' ? [] : form === 'aufs-wh-file' ? created.map(aufsWhiteoutPath) : created,
    opaqueDirs: form === 'deletion' ? [] : form === 'aufs-wh-file' ? opaque.map((p) => `${p}/.wh..wh..opq`) : opaque,
    deleted: form === 'deletion' ? created : [],
    brokenHardlinks: log.brokenHardlinks, copiedUp: log.copiedUp, parentDirsCopiedUp: log.parentDirsCopiedUp,
    staleRead: log.staleRead ?? null, containerLayerBytes: containerLayerBytes(state), containerAllocatedBytes: allocated,
    notes: log.notes, confidence,
    sources: [...new Set(rules.flatMap((r) => r.sources))].sort(), rules,
  };
}
