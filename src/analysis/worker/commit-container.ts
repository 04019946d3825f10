// `docker commit` of a simulated container (worker side): the container layer as a gzip'd OCI layer tar
// (CompressionStream), its diffId, digest and ChainID, a new config and manifest over the parent's layer blobs
// (fetched again from the source), returned as an OCI archive or pushed (embedded registry, or an allowed push host).
import { buildCommittedConfig, buildImageManifest, buildOciArchiveEntries, ociLayerMediaType, type BlobDescriptor } from '../../core/cow/commit-image.ts';
import { commitContainer, computeCommitIds } from '../../core/cow/commit.ts';
import { collectTarBytes, createTarStream } from '../../core/layers/tar-writer.ts';
import type { Digest } from '../../core/oci/digest.ts';
import { decodeJson, LIMITS_JSON } from '../../core/oci/json.ts';
import { MEDIA } from '../../core/oci/media-types.ts';
import type { CommitOut, Request } from '../../protocol/messages.ts';
import type { Codecs } from '../codecs.ts';
import { LayerError } from '../layer-error.ts';
import { runLane } from './container-requests.ts';
import type { ImageSession } from './image-session.ts';
import { pushCommittedImage } from './push-committed.ts';

/** The whole archive is built in memory for download: refuse images whose blobs add up to more than this. */
export const MAX_ARCHIVE_BYTES = 1024 ** 3;

export type CommitEnv = { readonly codecs: Codecs; readonly origin?: string | undefined; readonly fetch?: typeof fetch | undefined };
type CommitRequest = Extract<Request, { type: 'commit' }>;

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function sha256(codecs: Codecs, bytes: Uint8Array): Promise<Digest> {
  const h = await codecs.hasher('sha256');
  h.update(bytes);
  return `sha256:${await h.digestHex()}` as Digest;
}

async function readAll(chunks: AsyncIterable<Uint8Array>, budget: { left: number }): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const c of chunks) {
    size += c.length;
    budget.left -= c.length;
    if (budget.left < 0) throw new LayerError('TOO_LARGE', `the image is over ${MAX_ARCHIVE_BYTES} bytes, too big to build an archive in the browser; push it to the embedded registry instead`);
    parts.push(c);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export async function commitImage(session: ImageSession, env: CommitEnv, req: CommitRequest, signal: AbortSignal): Promise<{ commit: CommitOut; archive?: ArrayBuffer }> {
  const run = runLane(session, req.lane, req.commands);
  const committed = commitContainer(run);
  if (!committed.ok) throw new LayerError(committed.error.code, committed.error.message);
  const c = committed.value;
  const ids = computeCommitIds(c);
  const tar = collectTarBytes(c.tar);
  const layerBlob = await gzip(tar);
  const layer: BlobDescriptor = { mediaType: MEDIA.ociLayerGzip, digest: await sha256(env.codecs, layerBlob), size: layerBlob.length };
  const image = session.opened.image;
  if (!image.configBytes) throw new LayerError('UNSUPPORTED', 'the parent image config bytes are not available for this source; cannot build a new config');
  const parent = decodeJson(image.configBytes, LIMITS_JSON.configBytes, 'image config');
  if (!parent.ok) throw new LayerError(parent.error.code, parent.error.message);
  const config = buildCommittedConfig(parent.value, ids.diffId, { commands: req.commands, driver: run.driver.name, created: new Date().toISOString() });
  if (!config.ok) throw new LayerError(config.error.code, config.error.message);
  const configDesc: BlobDescriptor = { mediaType: MEDIA.ociConfig, digest: await sha256(env.codecs, config.value), size: config.value.length };
  const out = (manifestDigest: Digest, pushedTo: string | null): CommitOut => ({
    method: c.method, diffId: ids.diffId, digest: layer.digest, chainId: ids.chainId, parentChainId: c.parentChainId ?? null,
    layerBytes: layerBlob.length, tarBytes: tar.length, configDigest: configDesc.digest, manifestDigest,
    entries: c.entries.map((e) => (e.type === 'dir' ? `${e.path.replace(/\/$/, '')}/` : e.path)), notes: c.notes, pushedTo,
  });
  if (req.output.kind === 'push') {
    const { target, pushHosts, proxyBase, credentials } = req.output;
    const pushed = await pushCommittedImage({ ...env, image, layerBlob, configBytes: config.value, target, pushHosts, proxyBase, credentials, signal });
    return { commit: out(pushed.manifestDigest, pushed.reference) };
  }
  const budget = { left: MAX_ARCHIVE_BYTES };
  const blobs: { digest: Digest; bytes: Uint8Array }[] = [];
  const layers: BlobDescriptor[] = [];
  for (const job of image.layers) {
    const bytes = await readAll(job.open(signal), budget);
    const digest = await sha256(env.codecs, bytes);
    if (job.digest !== undefined && job.digest.startsWith('sha256:') && job.digest !== digest) throw new LayerError('DIGEST_MISMATCH', `layer ${job.index} changed at the source: expected ${job.digest}, got ${digest}`);
    blobs.push({ digest, bytes });
    layers.push({ mediaType: ociLayerMediaType(job.mediaType), digest, size: bytes.length });
  }
  const manifest = buildImageManifest(configDesc, [...layers, layer]);
  const manifestDesc: BlobDescriptor = { mediaType: MEDIA.ociManifest, digest: await sha256(env.codecs, manifest), size: manifest.length };
  blobs.push({ digest: layer.digest, bytes: layerBlob }, { digest: configDesc.digest, bytes: config.value }, { digest: manifestDesc.digest, bytes: manifest });
  const archive = createTarStream(buildOciArchiveEntries(manifestDesc, req.output.tag, blobs, Math.floor(Date.now() / 1000)));
  if (!archive.ok) throw new LayerError(archive.error.code, archive.error.message);
  const bytes = collectTarBytes(archive.value);
  return { commit: out(manifestDesc.digest, null), archive: bytes.buffer as ArrayBuffer };
}
