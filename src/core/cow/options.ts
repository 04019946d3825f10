// Simulator options from `--option k=v` lists (CLI) or the UI: overlay redirect_dir/metacopy/index, devicemapper lvm
// mode, reflink on the backing fs, kernel version, volume mounts. Pure parser with errors for unknown keys/values.
import { err, ok, type Result } from '../result.ts';
import { normalizePath } from './paths.ts';

export type KernelVersion = { readonly major: number; readonly minor: number };

export type SimulatorOptions = {
  /** overlay `redirect_dir=on`: lower/merged directories can be renamed (kernel overlayfs.rst). */
  readonly redirectDir: boolean;
  /** overlay `metacopy=on`: chmod/chown copy up metadata only (kernel ≥ 4.19). */
  readonly metacopy: boolean;
  /** overlay `index=on`: hardlinks survive copy-up. Docker always mounts with index=off. */
  readonly index: boolean;
  /** devicemapper: loop-lvm (64 KiB chunks) or direct-lvm (512 KiB chunks). */
  readonly lvm: 'loop' | 'direct';
  /** The backing filesystem can clone extents (btrfs, xfs with reflink=1). */
  readonly reflink: boolean;
  readonly kernel: KernelVersion;
  /** Volume mount points: writes below them bypass the container layer. */
  readonly volumes: readonly string[];
  /** Keys the user set explicitly, and notes about implied settings. */
  readonly explicit: readonly string[];
  readonly notes: readonly string[];
};

export const DEFAULT_OPTIONS: SimulatorOptions = {
  redirectDir: false, metacopy: false, index: false, lvm: 'loop', reflink: false,
  kernel: { major: 6, minor: 1 }, volumes: [], explicit: [], notes: [],
};

const ON_OFF: Record<string, boolean> = { on: true, off: false };
const YES_NO: Record<string, boolean> = { yes: true, no: false, on: true, off: false };
const KEYS = ['redirect_dir', 'metacopy', 'index', 'lvm', 'reflink', 'kernel', 'volume'] as const;

/** Parses `k=v` items (each item may hold several, comma-separated) into options, then checks them together. */
export function parseSimulatorOptions(items: readonly string[]): Result<SimulatorOptions> {
  const o = { ...DEFAULT_OPTIONS, volumes: [] as string[], explicit: [] as string[], notes: [] as string[] };
  for (const item of items.flatMap((i) => i.split(',')).map((i) => i.trim()).filter((i) => i !== '')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return err('OPTION_INVALID', `option "${item}" is not key=value (keys: ${KEYS.join(', ')})`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const bad = (allowed: string) => err('OPTION_INVALID', `option ${key}=${value}: expected ${allowed}`);
    switch (key) {
      case 'redirect_dir':
      case 'metacopy':
      case 'index': {
        const v = ON_OFF[value];
        if (v === undefined) return bad('on or off');
        if (key === 'redirect_dir') o.redirectDir = v;
        else if (key === 'metacopy') o.metacopy = v;
        else o.index = v;
        break;
      }
      case 'reflink': {
        const v = YES_NO[value];
        if (v === undefined) return bad('yes or no');
        o.reflink = v;
        break;
      }
      case 'lvm':
        if (value !== 'loop' && value !== 'direct') return bad('loop or direct');
        o.lvm = value;
        break;
      case 'kernel': {
        const m = /^(\d{1,2})\.(\d{1,3})(?:\.\d+)?(?:[-+][\w.-]*)?$/.exec(value);
        if (!m) return bad('a kernel version such as 4.18 or 6.1');
        o.kernel = { major: Number(m[1]), minor: Number(m[2]) };
        break;
      }
      case 'volume': {
        const p = normalizePath(value);
        if (!value.startsWith('/') || p === undefined || p === '/') return bad('an absolute path other than /');
        o.volumes.push(p);
        break;
      }
      default:
        return err('OPTION_UNKNOWN', `unknown option "${key}" (known: ${KEYS.join(', ')})`);
    }
    if (!o.explicit.includes(key)) o.explicit.push(key);
  }
  return checkOptions(o);
}

export function kernelAtLeast(k: KernelVersion, major: number, minor: number): boolean {
  return k.major > major || (k.major === major && k.minor >= minor);
}

export function formatKernel(k: KernelVersion): string {
  return `${k.major}.${k.minor}`;
}

/** Cross-checks that the kernel would apply (overlayfs.rst): feature availability and metacopy ⇒ redirect_dir. */
function checkOptions(o: SimulatorOptions & { notes: string[] }): Result<SimulatorOptions> {
  const k = formatKernel(o.kernel);
  if (o.metacopy && !kernelAtLeast(o.kernel, 4, 19)) return err('OPTION_CONFLICT', `metacopy=on needs kernel 4.19 or later (kernel=${k})`);
  if (o.index && !kernelAtLeast(o.kernel, 4, 13)) return err('OPTION_CONFLICT', `index=on needs kernel 4.13 or later (kernel=${k})`);
  if (o.redirectDir && !kernelAtLeast(o.kernel, 4, 10)) return err('OPTION_CONFLICT', `redirect_dir=on needs kernel 4.10 or later (kernel=${k})`);
  if (o.metacopy && !o.redirectDir) {
    if (o.explicit.includes('redirect_dir')) return err('OPTION_CONFLICT', 'metacopy=on conflicts with redirect_dir=off (kernel overlayfs.rst)');
    o.notes.push('metacopy=on implies redirect_dir=on (kernel overlayfs.rst)');
    return ok({ ...o, redirectDir: true });
  }
  return ok(o);
}
