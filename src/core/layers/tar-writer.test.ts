import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectTarBytes, createTarStream, type TarEntry } from './tar-writer.ts';

const T = 1_700_000_000;
const base = { mode: 0o755, uid: 0, gid: 0, mtime: T } as const;
const text = (s: string) => ({ kind: 'bytes', bytes: new TextEncoder().encode(s) }) as const;

function writeArchive(entries: TarEntry[]): Uint8Array {
  const stream = createTarStream(entries);
  assert.ok(stream.ok, stream.ok ? '' : stream.error.message);
  const bytes = collectTarBytes(stream.value);
  assert.equal(bytes.length, stream.value.size);
  return bytes;
}

function listWithTar(bytes: Uint8Array): string[] {
  const r = spawnSync('tar', ['--numeric-owner', '--utc', '-tvf', '-'], { input: bytes, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'tar printed warnings');
  return r.stdout.trim().split('\n').map((line) => line.replace(/\s+/g, ' '));
}

test('round-trips every entry type through GNU tar -tvf', () => {
  const bytes = writeArchive([
    { ...base, path: 'etc', type: 'dir' },
    { ...base, path: 'etc/motd', type: 'file', mode: 0o644, uid: 1000, gid: 1000, body: text('hello\n') },
    { ...base, path: 'etc/.wh.old', type: 'file', mode: 0o600 },
    { ...base, path: 'etc/link', type: 'symlink', mode: 0o777, linkTarget: '../motd' },
    { ...base, path: 'etc/hard', type: 'hardlink', mode: 0o644, linkTarget: 'etc/motd' },
    { ...base, path: 'dev/null', type: 'char', mode: 0o666, devMajor: 1, devMinor: 3 },
    { ...base, path: 'dev/sda', type: 'block', mode: 0o660, devMajor: 8, devMinor: 0 },
    { ...base, path: 'run/fifo', type: 'fifo', mode: 0o644 },
  ]);
  assert.equal(bytes.length % 512, 0);
  assert.deepEqual(bytes.subarray(bytes.length - 1024), new Uint8Array(1024), 'ends with two zero blocks');
  assert.deepEqual(listWithTar(bytes), [
    'drwxr-xr-x 0/0 0 2023-11-14 22:13 etc/',
    '-rw-r--r-- 1000/1000 6 2023-11-14 22:13 etc/motd',
    '-rw------- 0/0 0 2023-11-14 22:13 etc/.wh.old',
    'lrwxrwxrwx 0/0 0 2023-11-14 22:13 etc/link -> ../motd',
    'hrw-r--r-- 0/0 0 2023-11-14 22:13 etc/hard link to etc/motd',
    'crw-rw-rw- 0/0 1,3 2023-11-14 22:13 dev/null',
    'brw-rw---- 0/0 8,0 2023-11-14 22:13 dev/sda',
    'prw-r--r-- 0/0 0 2023-11-14 22:13 run/fifo',
  ]);
});

test('stores a path over 100 bytes that has no usable slash as a PAX path record', () => {
  const long = `opt/${'n'.repeat(150)}`;
  const bytes = writeArchive([{ ...base, path: long, type: 'file', mode: 0o644, body: text('x') }]);
  assert.equal(String.fromCharCode(bytes[156]!), 'x', 'first header is a PAX extended header');
  assert.match(new TextDecoder().decode(bytes.subarray(512, 1024)), new RegExp(`^\\d+ path=${long}\\n`));
  assert.deepEqual(listWithTar(bytes), [`-rw-r--r-- 0/0 1 2023-11-14 22:13 ${long}`]);
});

test('splits a long path with slashes into the ustar prefix and name fields', () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}`;
  const bytes = writeArchive([{ ...base, path: long, type: 'file', mode: 0o644 }]);
  assert.equal(String.fromCharCode(bytes[156]!), '0', 'no PAX header needed');
  assert.deepEqual(listWithTar(bytes), [`-rw-r--r-- 0/0 0 2023-11-14 22:13 ${long}`]);
});

test('uses PAX for long link targets, non-ASCII names, big ids and long user names', () => {
  const target = `/${'t'.repeat(120)}`;
  const bytes = writeArchive([
    { ...base, path: 'l', type: 'symlink', mode: 0o777, linkTarget: target },
    { ...base, path: 'caf\u00e9', type: 'file', mode: 0o644, uid: 3_000_000, gid: 2_097_152, uname: 'u'.repeat(40) },
  ]);
  assert.deepEqual(listWithTar(bytes), [
    `lrwxrwxrwx 0/0 0 2023-11-14 22:13 l -> ${target}`,
    '-rw-r--r-- 3000000/2097152 0 2023-11-14 22:13 caf\u00e9',
  ]);
});

test('extracts the same bytes, links and modes that were written, including a filled body across chunks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-tar-'));
  try {
    const bytes = writeArchive([
      { ...base, path: 'a', type: 'dir' },
      { ...base, path: 'a/big', type: 'file', mode: 0o640, body: { kind: 'fill', byte: 0x41, size: 200_001 } },
      { ...base, path: 'a/small', type: 'file', mode: 0o600, body: text('x\n') },
      { ...base, path: 'a/s', type: 'symlink', mode: 0o777, linkTarget: 'small' },
    ]);
    const r = spawnSync('tar', ['-xf', '-', '-C', dir], { input: bytes, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const big = readFileSync(join(dir, 'a/big'));
    assert.equal(big.length, 200_001);
    assert.ok(big.every((b) => b === 0x41));
    assert.equal(readFileSync(join(dir, 'a/small'), 'utf8'), 'x\n');
    assert.equal(statSync(join(dir, 'a/small')).mode & 0o777, 0o600);
    assert.equal(readlinkSync(join(dir, 'a/s')), 'small');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writes header checksums that tar verifies, and rejects invalid entries', () => {
  const bytes = writeArchive([{ ...base, path: 'x', type: 'file', mode: 0o644 }]);
  const corrupted = bytes.slice();
  corrupted[0] = 0x79;
  const r = spawnSync('tar', ['-tf', '-'], { input: corrupted, encoding: 'utf8' });
  assert.notEqual(r.status, 0, 'a corrupted header fails the checksum');
  assert.equal(createTarStream([{ ...base, path: '', type: 'file' }]).ok, false);
  assert.equal(createTarStream([{ ...base, path: 'l', type: 'symlink' }]).ok, false);
  assert.equal(createTarStream([{ ...base, path: 'n', type: 'file', uid: -1 }]).ok, false);
});

test('records sizes over 8 GiB and negative mtimes in PAX, and counts the archive size without building it', () => {
  const size = 9 * 1024 ** 3;
  const stream = createTarStream([{ ...base, path: 'huge', type: 'file', mode: 0o644, mtime: -5, body: { kind: 'fill', byte: 0, size } }]);
  assert.ok(stream.ok);
  assert.equal(stream.value.size, 512 + 512 + 512 + size + 1024);
  const header = stream.value.chunks()[Symbol.iterator]().next().value as Uint8Array;
  const text = new TextDecoder().decode(header.subarray(512, 1024));
  assert.match(text, /\d+ size=9663676416\n/);
  assert.match(text, /\d+ mtime=-5\n/);
});
