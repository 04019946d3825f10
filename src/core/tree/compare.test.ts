import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layer, stack } from '../../testing/layers.ts';
import { compareImages } from './compare.ts';

const base = layer({ name: 'etc/os-release', body: 'debian' }, { name: 'bin/sh', body: 'shell' });
const appA = layer({ name: 'app/main', body: 'v1' }, { name: 'app/big', body: 'x'.repeat(100) });
const appB = layer({ name: 'app/main', body: 'v2!' }, { name: 'app/new', body: 'n' }, { name: 'bin/.wh.sh', body: '' });

test('shared layers count by digest and by diffId (a recompressed layer is still shared)', () => {
  const a = { layers: [{ digest: 'sha256:a0', diffId: 'sha256:d0' }, { digest: 'sha256:a1', diffId: 'sha256:d1' }], tree: stack(base, appA) };
  const b = { layers: [{ digest: 'sha256:z0', diffId: 'sha256:d0' }, { digest: 'sha256:b1', diffId: 'sha256:e1' }], tree: stack(base, appB) };
  const c = compareImages(a, b);
  assert.deepEqual(c.shared, []);
  assert.deepEqual(c.sharedByDiffId, [{ diffId: 'sha256:d0', digestA: 'sha256:a0', digestB: 'sha256:z0' }]);
  assert.deepEqual(c.onlyA, ['sha256:a1']);
  assert.deepEqual(c.onlyB, ['sha256:b1']);
  assert.equal(c.firstDifference, 1);
});

test('the file diff names added, removed and modified paths, the responsible layers, biggest impact first', () => {
  const a = { layers: [{ digest: 'sha256:a0', diffId: 'sha256:d0' }, { digest: 'sha256:a1', diffId: 'sha256:d1' }], tree: stack(base, appA) };
  const b = { layers: [{ digest: 'sha256:a0', diffId: 'sha256:d0' }, { digest: 'sha256:b1', diffId: 'sha256:e1' }], tree: stack(base, appB) };
  const c = compareImages(a, b);
  assert.deepEqual(c.files.map((f) => `${f.change} ${f.path} ${f.sizeA}→${f.sizeB} A${f.layerA} B${f.layerB}`), [
    'removed /app/big 100→null A1 Bnull',
    'removed /bin/sh 5→null A0 Bnull',
    'modified /app/main 2→3 A1 B1',
    'added /app/new null→1 Anull B1',
  ]);
  assert.equal(c.sizeDelta, -103);
  assert.deepEqual(compareImages(a, a).files, []);
  assert.equal(compareImages(a, a).firstDifference, null);
});
