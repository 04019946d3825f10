import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, parseSimulatorOptions } from './options.ts';

test('parses the documented k=v options, alone or comma-separated', () => {
  const r = parseSimulatorOptions(['redirect_dir=on', 'index=on,lvm=direct', 'reflink=yes', 'kernel=4.18', 'volume=/data', 'volume=/var/lib/db/']);
  assert.ok(r.ok);
  assert.equal(r.value.redirectDir, true);
  assert.equal(r.value.index, true);
  assert.equal(r.value.lvm, 'direct');
  assert.equal(r.value.reflink, true);
  assert.deepEqual(r.value.kernel, { major: 4, minor: 18 });
  assert.deepEqual(r.value.volumes, ['/data', '/var/lib/db']);
  assert.deepEqual(r.value.explicit, ['redirect_dir', 'index', 'lvm', 'reflink', 'kernel', 'volume']);
});

test('defaults to Docker\'s overlay mount (index=off, no metacopy, no redirect_dir), loop-lvm, no reflink', () => {
  const r = parseSimulatorOptions([]);
  assert.ok(r.ok);
  assert.deepEqual(r.value, DEFAULT_OPTIONS);
});

test('rejects unknown keys, bad values and malformed items with the allowed values', () => {
  const message = (items: string[]) => {
    const r = parseSimulatorOptions(items);
    assert.equal(r.ok, false, items.join(' '));
    return r.ok ? '' : `${r.error.code}: ${r.error.message}`;
  };
  assert.match(message(['xino=on']), /^OPTION_UNKNOWN: unknown option "xino" \(known: redirect_dir, metacopy/);
  assert.match(message(['metacopy=yes']), /expected on or off/);
  assert.match(message(['lvm=thin']), /expected loop or direct/);
  assert.match(message(['reflink=maybe']), /expected yes or no/);
  assert.match(message(['kernel=latest']), /kernel version/);
  assert.match(message(['volume=data']), /absolute path/);
  assert.match(message(['redirect_dir']), /not key=value/);
});

test('checks the kernel can do what was asked, and that metacopy=on implies redirect_dir=on', () => {
  const implied = parseSimulatorOptions(['metacopy=on']);
  assert.ok(implied.ok);
  assert.equal(implied.value.redirectDir, true);
  assert.deepEqual(implied.value.notes, ['metacopy=on implies redirect_dir=on (kernel overlayfs.rst)']);
  const conflict = parseSimulatorOptions(['metacopy=on', 'redirect_dir=off']);
  assert.equal(conflict.ok ? '' : conflict.error.code, 'OPTION_CONFLICT');
  assert.equal(parseSimulatorOptions(['metacopy=on', 'kernel=4.18']).ok, false);
  assert.equal(parseSimulatorOptions(['index=on', 'kernel=4.12']).ok, false);
  assert.equal(parseSimulatorOptions(['redirect_dir=on', 'kernel=4.9']).ok, false);
  assert.equal(parseSimulatorOptions(['metacopy=on', 'kernel=4.19']).ok, true);
});
