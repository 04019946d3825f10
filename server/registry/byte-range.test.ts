// Range header parsing for blob requests (RFC 9110 §14).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRangeHeader } from './byte-range.ts';

test('reads a-b, a- and -n ranges and clamps the end to the blob', () => {
  assert.deepEqual(parseRangeHeader('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(parseRangeHeader('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRangeHeader('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(parseRangeHeader('bytes=50-5000', 100), { kind: 'partial', start: 50, end: 99 });
});

test('ignores absent, multi-range and malformed headers by sending the whole blob', () => {
  for (const h of [undefined, 'bytes=0-1,5-6', 'items=0-1', 'bytes=-', 'bytes=9-2', 'bytes=a-b']) {
    assert.deepEqual(parseRangeHeader(h, 100), { kind: 'full' }, String(h));
  }
});

test('marks ranges past the end, empty suffixes and ranges of empty blobs unsatisfiable', () => {
  assert.deepEqual(parseRangeHeader('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('bytes=0-0', 0), { kind: 'unsatisfiable' });
});
