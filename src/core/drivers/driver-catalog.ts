// All driver models by name: the one place that lists them (the conformance suite iterates it). Pure.
import type { DriverModel, DriverName } from './driver-model.ts';
import { aufsDriver } from './aufs.ts';
import { overlayDriver } from './overlay.ts';
import { overlay2Driver } from './overlay2.ts';
import { devicemapperDriver } from './devicemapper.ts';
import { btrfsDriver } from './btrfs.ts';
import { zfsDriver } from './zfs.ts';
import { vfsDriver } from './vfs.ts';

export const DRIVER_MODELS: Readonly<Record<DriverName, DriverModel>> = {
  aufs: aufsDriver, overlay: overlayDriver, overlay2: overlay2Driver, devicemapper: devicemapperDriver, btrfs: btrfsDriver, zfs: zfsDriver, vfs: vfsDriver,
};

export function findDriverModel(name: string): DriverModel | undefined {
  return Object.prototype.hasOwnProperty.call(DRIVER_MODELS, name) ? DRIVER_MODELS[name as DriverName] : undefined;
}
