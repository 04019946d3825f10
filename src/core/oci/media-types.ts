// Media types of the OCI image-spec (media-types.md) and Docker's manifest v2 schema 2. Pure.

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNdGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNd: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNdZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** The Accept list a client sends for manifests: every type we parse, never schema 1 (distribution-spec). */
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');

export function isIndexType(t: string): boolean {
  return t === MEDIA.ociIndex || t === MEDIA.dockerList;
}
export function isManifestType(t: string): boolean {
  return t === MEDIA.ociManifest || t === MEDIA.dockerManifest;
}
export function isSchema1Type(t: string): boolean {
  return t === MEDIA.dockerSchema1 || t === MEDIA.dockerSchema1Signed;
}
/** Layer media types we know how to read; anything else is shown but never parsed (image-spec media-types.md). */
export function isLayerType(t: string): boolean {
  return t.startsWith('application/vnd.oci.image.layer.') || t === MEDIA.dockerLayer || t === MEDIA.dockerForeignLayer;
}
/** Strips parameters such as "; charset=utf-8" (distribution-spec: clients SHOULD ignore them). */
export function baseMediaType(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}
