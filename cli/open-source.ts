// Turns a SOURCE argument (skopeo transport syntax) into a resolved image: docker-archive:PATH[:REF],
// oci-archive:PATH[:REF], oci:DIR[:REF]; docker://REF and bare references go to a registry. Node side.
import { existsSync } from 'node:fs';
import type { Platform } from '../src/core/oci/platform.ts';
import { LayerError } from '../src/analysis/layer-error.ts';
import { resolveLayoutImage, type ResolvedImage } from '../src/analysis/sources/layout-image.ts';
import { openTarLayoutFiles } from '../src/analysis/sources/tar-layout-files.ts';
import { nodeCodecs } from '../src/node/codecs.ts';
import { openDirLayoutFiles, openFileBlob } from '../src/node/file-blob.ts';

export type SourceOptions = { platform?: Platform | undefined; creds?: string | undefined; tlsVerify?: boolean };

/** Splits "PATH[:REF]": the whole string when it exists on disk, else at the last colon. */
function splitPathRef(rest: string): { path: string; ref: string | undefined } {
  if (existsSync(rest)) return { path: rest, ref: undefined };
  const i = rest.lastIndexOf(':');
  if (i > 0 && existsSync(rest.slice(0, i))) return { path: rest.slice(0, i), ref: rest.slice(i + 1) || undefined };
  return { path: rest, ref: undefined };
}

export async function openSource(source: string, options: SourceOptions): Promise<ResolvedImage> {
  const m = /^(docker-archive|oci-archive|oci|docker):(.*)$/.exec(source);
  const transport = m?.[1];
  if (transport === 'docker-archive' || transport === 'oci-archive') {
    const { path, ref } = splitPathRef(m![2]!);
    const blob = await openFileBlob(path);
    const files = await openTarLayoutFiles(blob, `${transport}:${path}`);
    return resolveLayoutImage(files, nodeCodecs, { ref, platform: options.platform, prefer: transport === 'docker-archive' ? 'docker-archive' : 'oci-layout' });
  }
  if (transport === 'oci') {
    const { path, ref } = splitPathRef(m![2]!);
    if (!existsSync(path)) throw new LayerError('NOT_FOUND', `oci:${path}: no such directory`);
    return resolveLayoutImage(openDirLayoutFiles(path), nodeCodecs, { ref, platform: options.platform, prefer: 'oci-layout' });
  }
  const ref = transport === 'docker' ? m![2]!.replace(/^\/\//, '') : source;
  const { openRegistrySource } = await import('./registry-source.ts');
  return openRegistrySource(ref, options);
}
