import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSha256, sha256Hex, sha256HexOfChunks } from './sha256.ts';

test('matches the FIPS 180-4 / NIST example vectors', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  assert.equal(
    sha256Hex('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
    'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  );
});

test('hashes one million "a" characters fed in uneven chunks', () => {
  const hasher = createSha256();
  const chunk = new Uint8Array(997).fill(0x61);
  let left = 1_000_000;
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    hasher.update(chunk.subarray(0, n));
    left -= n;
  }
  assert.equal(hasher.digestHex(), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('agrees with node:crypto at every length around the block and padding boundaries', () => {
  for (let n = 0; n < 200; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
    assert.equal(sha256Hex(bytes), createHash('sha256').update(bytes).digest('hex'), `length ${n}`);
    const split = Math.floor(n / 3);
    assert.equal(sha256HexOfChunks([bytes.subarray(0, split), bytes.subarray(split)]), sha256Hex(bytes));
  }
});

test('computes the image-spec ChainID worked example of drivers.md §2.1', () => {
  const joined = 'sha256:72e830a4dff5f0d5225cdc0a320e85ab1ce06ea5673acfe8d83a7645cbd0e9cf sha256:07b4a9068b6af337e8b8f1f1dae3dd14185b2c0003a9a1f0a6fd2587495b204a';
  assert.equal(sha256Hex(joined), 'f7a30020b431fc3a67d4e0110e28e813dba9ec70c646554cb84115737f9fd168');
});
