import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeLayerSharing } from './layer-sharing.ts';

const base = { digest: 'sha256:base', diffId: 'sha256:d-base', size: 100 };
const app = { digest: 'sha256:app', diffId: 'sha256:d-app', size: 30 };
const arch = { digest: 'sha256:arch', diffId: 'sha256:d-arch', size: 10 };
const archZstd = { digest: 'sha256:arch-zst', diffId: 'sha256:d-arch', size: 9 };

test('orders layers by first appearance and marks which images hold each', () => {
  const s = computeLayerSharing([
    { name: 'layers', layers: [base, app] },
    { name: 'multiarch', layers: [base, arch] },
    { name: 'zstd', layers: [base, archZstd] },
  ]);
  assert.deepEqual(s.layers.map((l) => `${l.digest} ×${l.images}`), ['sha256:base ×3', 'sha256:app ×1', 'sha256:arch ×1', 'sha256:arch-zst ×1']);
  assert.deepEqual(s.rows.map((r) => r.cells.map((c) => (c ? 'x' : '.')).join('')), ['xx..', 'x.x.', 'x..x']);
});

test('a registry stores each layer blob once: unique bytes against the sum per image, and the saving', () => {
  const s = computeLayerSharing([{ name: 'a', layers: [base, app] }, { name: 'b', layers: [base, arch] }]);
  assert.deepEqual([s.uniqueBytes, s.perImageBytes, s.savedBytes], [140, 240, 100]);
  assert.equal(s.savedRatio, 100 / 240);
  assert.deepEqual(s.rows.map((r) => r.bytes), [130, 110]);
});

test('no images means no bytes and no saving', () => {
  const s = computeLayerSharing([]);
  assert.deepEqual([s.layers.length, s.uniqueBytes, s.perImageBytes, s.savedRatio], [0, 0, 0, 0]);
});
