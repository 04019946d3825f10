import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createSha256Web, createSha512Web } from './sha256-web.ts';

test('sha256 of data fed in uneven chunks equals node:crypto, and the hasher is reusable for the next blob', async () => {
  const h = await createSha256Web();
  for (const length of [0, 1, 55, 64, 1000, 300_000]) {
    const data = randomBytes(length);
    for (let at = 0, step = 1; at < data.length; at += step, step = step * 3 + 1) h.update(data.subarray(at, at + step));
    assert.equal(h.digestHex(), createHash('sha256').update(data).digest('hex'), `length ${length}`);
  }
});

test('sha512 equals node:crypto', async () => {
  const h = await createSha512Web();
  const data = randomBytes(100_000);
  h.update(data.subarray(0, 7));
  h.update(data.subarray(7));
  assert.equal(h.digestHex(), createHash('sha512').update(data).digest('hex'));
});
