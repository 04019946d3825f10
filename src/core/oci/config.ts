// Image configuration (OCI image-spec config.md / Docker image JSON) validated from `unknown`, and the
// alignment of history steps with layers (empty_layer steps have none). Pure.
import { err, ok, type Result } from '../result.ts';
import { parseDigest, type DiffId } from './digest.ts';

export type HistoryStep = {
  readonly created?: string;
  readonly createdBy?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly emptyLayer: boolean;
};

export type RuntimeConfig = {
  readonly user?: string;
  readonly env: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly exposedPorts: readonly string[];
  readonly volumes: readonly string[];
};

export type ImageConfig = {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly created?: string;
  readonly author?: string;
  readonly diffIds: readonly DiffId[];
  readonly history: readonly HistoryStep[];
  readonly runtime: RuntimeConfig;
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function opt<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: string };
}

export function parseImageConfig(v: unknown): Result<ImageConfig> {
  if (!isObj(v)) return err('CONFIG_INVALID', 'image config is not a JSON object');
  const rootfs = v.rootfs;
  if (!isObj(rootfs) || !Array.isArray(rootfs.diff_ids)) return err('CONFIG_INVALID', 'image config has no rootfs.diff_ids');
  if (rootfs.type !== undefined && rootfs.type !== 'layers') return err('CONFIG_INVALID', `rootfs.type is "${String(rootfs.type).slice(0, 40)}", expected "layers"`);
  const diffIds: DiffId[] = [];
  for (let i = 0; i < rootfs.diff_ids.length; i++) {
    const d = parseDigest(rootfs.diff_ids[i]);
    if (!d.ok) return err('CONFIG_INVALID', `rootfs.diff_ids[${i}]: ${d.error.message}`);
    diffIds.push(d.value as string as DiffId);
  }
  const history: HistoryStep[] = [];
  if (v.history !== undefined) {
    if (!Array.isArray(v.history)) return err('CONFIG_INVALID', 'history is not an array');
    for (const h of v.history) {
      if (!isObj(h)) return err('CONFIG_INVALID', 'a history entry is not an object');
      history.push({
        ...opt('created', str(h.created)), ...opt('createdBy', str(h.created_by)), ...opt('author', str(h.author)),
        ...opt('comment', str(h.comment)), emptyLayer: h.empty_layer === true,
      });
    }
  }
  const c = isObj(v.config) ? v.config : isObj(v.container_config) ? {} : {};
  const labels: Record<string, string> = {};
  if (isObj(c.Labels)) for (const [k, val] of Object.entries(c.Labels)) if (typeof val === 'string') labels[k] = val;
  const runtime: RuntimeConfig = {
    ...opt('user', str(c.User)), ...opt('workingDir', str(c.WorkingDir)),
    env: strs(c.Env), entrypoint: strs(c.Entrypoint), cmd: strs(c.Cmd), labels,
    exposedPorts: isObj(c.ExposedPorts) ? Object.keys(c.ExposedPorts) : [],
    volumes: isObj(c.Volumes) ? Object.keys(c.Volumes) : [],
  };
  return ok({
    architecture: str(v.architecture) ?? 'unknown', os: str(v.os) ?? 'unknown',
    ...opt('variant', str(v.variant)), ...opt('created', str(v.created)), ...opt('author', str(v.author)),
    diffIds, history, runtime,
  });
}

/** One row per history step, in order; non-empty steps carry the index of the layer they made. */
export type AlignedStep = { readonly step: HistoryStep; readonly layerIndex: number | undefined };

export type HistoryAlignment = {
  readonly steps: readonly AlignedStep[];
  /** layer index → history step index, or undefined where history does not say */
  readonly stepOfLayer: readonly (number | undefined)[];
  /** set when the number of non-empty steps differs from the number of layers */
  readonly warning?: string;
};

/** Aligns history with layers as Docker does: each step without empty_layer produced the next layer. */
export function alignHistory(history: readonly HistoryStep[], layerCount: number): HistoryAlignment {
  const steps: AlignedStep[] = [];
  const stepOfLayer: (number | undefined)[] = new Array<number | undefined>(layerCount).fill(undefined);
  let layer = 0;
  for (let i = 0; i < history.length; i++) {
    const step = history[i]!;
    if (step.emptyLayer || layer >= layerCount) {
      steps.push({ step, layerIndex: undefined });
    } else {
      stepOfLayer[layer] = i;
      steps.push({ step, layerIndex: layer++ });
    }
  }
  const nonEmpty = history.filter((h) => !h.emptyLayer).length;
  if (history.length > 0 && nonEmpty !== layerCount) {
    return { steps, stepOfLayer, warning: `history lists ${nonEmpty} layer-creating steps for ${layerCount} layers; steps may be misaligned` };
  }
  return { steps, stepOfLayer };
}

/** Trims the shell noise Docker adds: "/bin/sh -c #(nop) " and "|N ARG=… /bin/sh -c". */
export function trimCreatedBy(createdBy: string): string {
  let s = createdBy.trim();
  s = s.replace(/^\|\d+(?:\s+[A-Za-z_][A-Za-z0-9_]*=\S*)*\s+/, '');
  s = s.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
  s = s.replace(/^\/bin\/sh -c\s+/, 'RUN ');
  s = s.replace(/\s*# buildkit$/, '');
  return s.trim();
}
