// A registry as a CLI source: reference → registry client (direct transport, credentials from --creds or
// ~/.docker/config.json) → resolved manifest/config → layer jobs streaming blobs with resume. Node side.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isLayerType } from '../src/core/oci/media-types.ts';
import { formatPlatform } from '../src/core/oci/platform.ts';
import { formatReference, parseReference } from '../src/core/oci/reference.ts';
import { LayerError } from '../src/analysis/layer-error.ts';
import type { LayerJob } from '../src/analysis/layer-pipeline.ts';
import type { ResolvedImage } from '../src/analysis/sources/layout-image.ts';
import type { RegistryCredentials } from '../src/registry/authenticator.ts';
import { RegistryClient } from '../src/registry/registry-client.ts';
import { resolveImage } from '../src/registry/resolve-image.ts';
import { createDirectTransport } from '../src/registry/transport.ts';
import type { SourceOptions } from './open-source.ts';

/** Credentials for a registry: --creds user:pass wins; else the `auths` entry of ~/.docker/config.json. */
export function findCredentials(registry: string, creds: string | undefined, configPath = join(homedir(), '.docker', 'config.json')): RegistryCredentials | undefined {
  if (creds !== undefined) {
    const i = creds.indexOf(':');
    if (i <= 0) throw new LayerError('USAGE', '--creds must be user:password');
    return { kind: 'basic', username: creds.slice(0, i), password: creds.slice(i + 1) };
  }
  let doc: { auths?: Record<string, { auth?: string; identitytoken?: string; username?: string; password?: string }> };
  try {
    doc = JSON.parse(readFileSync(configPath, 'utf8')) as typeof doc;
  } catch {
    return undefined;
  }
  const keys = registry === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'] : [registry, `https://${registry}`, `http://${registry}`];
  for (const k of keys) {
    const a = doc.auths?.[k] ?? doc.auths?.[`${k}/`];
    if (!a) continue;
    if (a.identitytoken) return { kind: 'identity-token', token: a.identitytoken, ...(a.username ? { username: a.username } : {}) };
    if (a.username && a.password) return { kind: 'basic', username: a.username, password: a.password };
    if (a.auth) {
      const text = Buffer.from(a.auth, 'base64').toString('utf8');
      const i = text.indexOf(':');
      if (i > 0) return { kind: 'basic', username: text.slice(0, i), password: text.slice(i + 1) };
    }
  }
  return undefined;
}

export async function openRegistrySource(reference: string, options: SourceOptions): Promise<ResolvedImage> {
  const parsed = parseReference(reference);
  if (!parsed.ok) throw new LayerError(parsed.error.code, parsed.error.message);
  const ref = parsed.value;
  if (options.tlsVerify === false) {
    // Node's fetch has no per-request switch; this process talks only to the registry the user named.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  }
  const credentials = findCredentials(ref.registry, options.creds);
  const client = new RegistryClient({
    registry: ref.apiHost, transport: createDirectTransport(), insecure: ref.insecure || options.tlsVerify === false ? true : undefined,
    ...(credentials ? { credentials } : {}),
    // OpenSSL's SHA-256 is several times faster than WebAssembly for the manifest and config checks.
    createHasher: async (algorithm) => {
      const h = createHash(algorithm);
      return { update: (c: Uint8Array) => void h.update(c), digest: () => h.digest('hex') };
    },
    onWarning: (m) => process.stderr.write(`registry warning: ${m}\n`),
  });
  const resolved = await resolveImage(client, ref, { platform: options.platform });
  if (!resolved.config) throw new LayerError('UNSUPPORTED', `${formatReference(ref)}: ${resolved.configProblem ?? 'no image config'}`);
  const repo = ref.repository;
  const descs = resolved.manifest.layers.filter((d) => isLayerType(d.mediaType));
  if (descs.length !== resolved.config.diffIds.length) throw new LayerError('MANIFEST_INVALID', `${formatReference(ref)}: manifest has ${descs.length} layers but the config lists ${resolved.config.diffIds.length} diff_ids`);
  const layers: LayerJob[] = descs.map((d, i) => ({
    index: i, mediaType: d.mediaType, digest: d.digest, size: d.size, diffId: resolved.config!.diffIds[i],
    open: (signal: AbortSignal) => client.openBlob(repo, d, { signal }),
  }));
  const choice = resolved.platformChoice;
  return {
    source: formatReference(ref), format: 'registry', manifest: resolved.manifest, manifestDigest: resolved.manifestDigest,
    config: resolved.config, configDigest: resolved.manifest.config.digest, layers, repoTags: ref.tag ? [`${ref.registry}/${repo}:${ref.tag}`] : [], warnings: [],
    ...(choice ? { platformChoice: `${choice.descriptor.platform ? formatPlatform(choice.descriptor.platform) : ''} — ${choice.reason}` } : {}),
  };
}
