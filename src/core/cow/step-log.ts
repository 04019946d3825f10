// What one simulated command did: bytes, whiteouts, copy-ups, broken links, rules applied (with their basis).
// Filled by the engine, turned into the report by simulator.ts. Pure.
import type { RuleId } from '../drivers/driver-model.ts';
import type { Errno } from './container-lookup.ts';
import type { LayerRef } from './container-state.ts';

export type StepLog = {
  errno: Errno | undefined;
  /** An errno a syscall returned that the command recovered from (mv's copy fallback after EXDEV). */
  recoveredErrno: Errno | undefined;
  servedFrom: LayerRef | undefined;
  lookupDepth: number | undefined;
  copiedBytes: number;
  allocatedBytes: number;
  freedBytes: number;
  whiteouts: string[];
  opaqueDirs: string[];
  brokenHardlinks: string[];
  copiedUp: string[];
  parentDirsCopiedUp: string[];
  transientWhiteouts: number;
  staleRead: boolean | undefined;
  notes: string[];
  rules: Set<RuleId>;
};

export function createStepLog(): StepLog {
  return {
    errno: undefined, recoveredErrno: undefined, servedFrom: undefined, lookupDepth: undefined, copiedBytes: 0, allocatedBytes: 0, freedBytes: 0,
    whiteouts: [], opaqueDirs: [], brokenHardlinks: [], copiedUp: [], parentDirsCopiedUp: [], transientWhiteouts: 0, staleRead: undefined,
    notes: [], rules: new Set(),
  };
}

export function addNote(log: StepLog, note: string): void {
  if (!log.notes.includes(note)) log.notes.push(note);
}

export function addUnique(list: string[], path: string): void {
  if (!list.includes(path)) list.push(path);
}
