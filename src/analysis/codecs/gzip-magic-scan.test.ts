import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMagicScanner } from './gzip-magic-scan.ts';

test('the SIMD magic scan finds every 1f 8b 08 below the limit, across its 1 MiB windows', async () => {
  const scan = await createMagicScanner();
  const buf = new Uint8Array(3 * (1 << 20) + 77);
  let s = 7;
  for (let i = 0; i < buf.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    buf[i] = s >>> 24;
  }
  for (const p of [0, 15, 16, 17, (1 << 20) - 3, (1 << 20) - 2, (1 << 20) - 1, 2 * (1 << 20) - 5, buf.length - 3]) buf.set([0x1f, 0x8b, 0x08], p);
  const expected: number[] = [];
  for (let p = 0; p + 3 <= buf.length; p++) if (buf[p] === 0x1f && buf[p + 1] === 0x8b && buf[p + 2] === 8) expected.push(p);
  assert.deepEqual(scan(buf, buf.length), expected);
  assert.deepEqual(scan(buf, 17), expected.filter((p) => p < 17));
  assert.deepEqual(scan(buf.subarray(0, 2), 2), []);
});
