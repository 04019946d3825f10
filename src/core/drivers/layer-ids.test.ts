import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiffId } from '../oci/digest.ts';
import { computeChainIds, deriveCacheId, deriveLinkId } from './layer-ids.ts';

test('computes ChainIDs as image-spec config.md defines them (worked example of drivers.md §2.1)', () => {
  const ids = computeChainIds([
    'sha256:72e830a4dff5f0d5225cdc0a320e85ab1ce06ea5673acfe8d83a7645cbd0e9cf',
    'sha256:07b4a9068b6af337e8b8f1f1dae3dd14185b2c0003a9a1f0a6fd2587495b204a',
  ] as DiffId[]);
  assert.deepEqual(ids, [
    'sha256:72e830a4dff5f0d5225cdc0a320e85ab1ce06ea5673acfe8d83a7645cbd0e9cf',
    'sha256:f7a30020b431fc3a67d4e0110e28e813dba9ec70c646554cb84115737f9fd168',
  ]);
});

test('derives stable, well-formed cache-ids and 26-character base32 link names', () => {
  const cacheId = deriveCacheId('sha256:abc', 'overlay2');
  assert.match(cacheId, /^[0-9a-f]{64}$/);
  assert.equal(deriveCacheId('sha256:abc', 'overlay2'), cacheId);
  assert.notEqual(deriveCacheId('sha256:abc', 'aufs'), cacheId);
  assert.match(deriveLinkId(cacheId), /^[A-Z2-7]{26}$/);
});
