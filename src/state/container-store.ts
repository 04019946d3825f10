// useContainerStore: the simulated container's draft (UI-only, serialisable): the command lines run so far, the
// command-line history for up/down, and the one to three driver lanes compared side by side. Page side (zustand).
import { create } from 'zustand';
import type { SimulationLane } from '../protocol/messages.ts';

export const MAX_LANES = 3;
export const DEFAULT_LANES: readonly SimulationLane[] = [{ driver: 'overlay2', options: [] }, { driver: 'overlay2', options: ['redirect_dir=on'] }];

type ContainerState = {
  /** the image these commands run on; a different image starts a fresh container */
  readonly imageId: string | null;
  readonly commands: readonly string[];
  readonly history: readonly string[];
  readonly lanes: readonly SimulationLane[];
  forImage(imageId: string): void;
  run(line: string): void;
  undo(): void;
  reset(): void;
  setLane(index: number, lane: SimulationLane): void;
  addLane(): void;
  removeLane(index: number): void;
};

export const useContainerStore = create<ContainerState>()((set) => ({
  imageId: null, commands: [], history: [], lanes: DEFAULT_LANES,
  forImage: (imageId) => set((s) => (s.imageId === imageId ? s : { imageId, commands: [] })),
  run: (line) => set((s) => ({ commands: [...s.commands, line], history: [...s.history.filter((h) => h !== line), line].slice(-100) })),
  undo: () => set((s) => ({ commands: s.commands.slice(0, -1) })),
  reset: () => set({ commands: [] }),
  setLane: (index, lane) => set((s) => ({ lanes: s.lanes.map((l, i) => (i === index ? lane : l)) })),
  addLane: () => set((s) => (s.lanes.length >= MAX_LANES ? s : { lanes: [...s.lanes, { driver: 'aufs', options: [] }] })),
  removeLane: (index) => set((s) => (s.lanes.length <= 1 ? s : { lanes: s.lanes.filter((_, i) => i !== index) })),
}));
