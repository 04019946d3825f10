// The committed image's config, manifest and OCI archive entries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiffId, Digest } from '../oci/digest.ts';
import { buildCommittedConfig, buildImageManifest, buildOciArchiveEntries, ociLayerMediaType } from './commit-image.ts';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;

test('appends the new diff_id and a strata simulate history entry, keeping the rest of the parent config', () => {
  const parent = { architecture: 'amd64', os: 'linux', config: { Env: ['A=1'] }, rootfs: { type: 'layers', diff_ids: [d('a')] }, history: [{ created_by: 'ADD x' }] };
  const r = buildCommittedConfig(parent, d('b') as string as DiffId, { commands: ['rm /etc/motd', 'touch /x'], driver: 'overlay2', created: '2024-01-01T00:00:00Z' });
  assert.ok(r.ok);
  const c = JSON.parse(new TextDecoder().decode(r.value));
  assert.deepEqual(c.rootfs.diff_ids, [d('a'), d('b')]);
  assert.equal(c.history[1].created_by, 'strata simulate: rm /etc/motd && touch /x');
  assert.deepEqual(c.config.Env, ['A=1']);
});

test('refuses a parent config without rootfs.diff_ids', () => {
  assert.equal(buildCommittedConfig({}, d('b') as string as DiffId, { commands: [], driver: 'vfs', created: 'x' }).ok, false);
});

test('writes an OCI manifest and an archive with oci-layout, a tagged index.json and each blob once', () => {
  assert.equal(ociLayerMediaType('application/vnd.docker.image.rootfs.diff.tar.gzip'), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const m = JSON.parse(new TextDecoder().decode(buildImageManifest({ mediaType: 'c', digest: d('c'), size: 2 }, [{ mediaType: 'l', digest: d('1'), size: 3 }])));
  assert.equal(m.layers[0].digest, d('1'));
  const entries = buildOciArchiveEntries({ mediaType: 'm', digest: d('f'), size: 1 }, 'x', [{ digest: d('1'), bytes: new Uint8Array(1) }, { digest: d('1'), bytes: new Uint8Array(1) }], 0);
  assert.deepEqual(entries.map((e) => e.path), ['oci-layout', 'index.json', 'blobs', 'blobs/sha256', `blobs/sha256/${'1'.repeat(64)}`]);
});
