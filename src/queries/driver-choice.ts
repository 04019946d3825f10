// The "which storage driver would Docker pick" wizard's model: a thin page-side door to the pure core rule
// (drivers/driver-choice.ts chooseDriver), so the UI never imports core logic directly. Page side.
import { BACKING_FILESYSTEMS, chooseDriver, type DriverChoice, type DriverChoiceInput } from '../core/drivers/driver-choice.ts';
import type { Result } from '../core/result.ts';

export type { BackingFs, ChoiceDriver, DriverChoice, DriverChoiceInput } from '../core/drivers/driver-choice.ts';
export const BACKING_FS_OPTIONS = BACKING_FILESYSTEMS;
export const DRIVER_OPTIONS = ['overlay2', 'overlay', 'aufs', 'devicemapper', 'btrfs', 'zfs', 'vfs'] as const;

export function explainDriverChoice(input: DriverChoiceInput): Result<DriverChoice> {
  return chooseDriver(input);
}
