import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { xxhash64 } from 'hash-wasm';
import { createContentHasherWeb } from './content-hash-web.ts';

const hex = ([hi, lo]: [number, number]): string => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

test('the content hash is XXH64 with seed 0: the empty body hashes to ef46db3751d8e999', async () => {
  const h = await createContentHasherWeb();
  h.start();
  assert.equal(hex(h.finish()), 'ef46db3751d8e999');
});

test('the content hash equals hash-wasm xxhash64 whatever the update boundaries, and start() resets', async () => {
  const h = await createContentHasherWeb();
  const data = randomBytes(300_000);
  for (const length of [1, 31, 32, 33, 600, 65_536, 65_537, 300_000]) {
    const body = data.subarray(0, length);
    h.start();
    h.update(data, 0, 3); // discarded by start()
    h.start();
    for (let at = 0, step = 1; at < length; at += step, step = step * 2 + 5) h.update(data, at, Math.min(length, at + step));
    assert.equal(hex(h.finish()), await xxhash64(body), `length ${length}`);
    h.start();
    h.update(data, 0, length);
    assert.equal(hex(h.finish()), await xxhash64(body), `length ${length}, one update`);
  }
});
