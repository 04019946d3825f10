import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createTeachingImage } from './teaching-image.ts';
import { simulateContainer } from './simulator.ts';
import { commitContainer } from './commit.ts';
import { collectTarBytes } from '../layers/tar-writer.ts';
import type { DriverName } from '../drivers/driver-model.ts';

const image = createTeachingImage();
assert.ok(image.ok);

function commitListing(driver: DriverName, commands: string[]): { lines: string[]; bytes: Uint8Array; notes: readonly string[]; placeholders: readonly string[] } {
  const run = simulateContainer({ view: image.ok ? image.value : (undefined as never), driver, commands });
  assert.ok(run.ok, run.ok ? '' : run.error.message);
  const c = commitContainer(run.value);
  assert.ok(c.ok);
  const bytes = collectTarBytes(c.value.tar);
  const r = spawnSync('tar', ['--numeric-owner', '-tvf', '-'], { input: bytes, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { lines: r.stdout.trim().split('\n').map((l) => l.replace(/\s+/g, ' ').replace(/ \d{4}-\d\d-\d\d \d\d:\d\d /, ' ')), bytes, notes: c.value.notes, placeholders: c.value.placeholderPaths };
}

test('writes names longer than 100 bytes through PAX so tar lists them whole', () => {
  const long = `/srv/${'n'.repeat(120)}.txt`;
  const { lines, bytes } = commitListing('overlay2', [`echo hi > ${long}`]);
  assert.deepEqual(lines, ['drwxr-xr-x 0/0 0 srv/', `-rw-r--r-- 0/0 3 ${long.slice(1)}`]);
  assert.ok(new TextDecoder().decode(bytes).includes(`path=${long.slice(1)}\n`), 'a PAX path record');
});

test('keeps the bytes the simulation knows and zero-fills the ones it does not', () => {
  const { lines, bytes, placeholders } = commitListing('vfs', ['echo hello > /etc/greeting', 'echo -n x >> /etc/passwd']);
  assert.deepEqual(lines, ['drwxr-xr-x 0/0 0 etc/', '-rw-r--r-- 0/0 6 etc/greeting', '-rw-r--r-- 0/0 1025 etc/passwd']);
  assert.ok(new TextDecoder().decode(bytes).includes('hello\n'));
  assert.deepEqual(placeholders, ['/etc/passwd']);
});

test('aufs whiteouts share the whiteout base inode, so all but the first become tar hardlinks (derived)', () => {
  const { lines, notes } = commitListing('aufs', ['rm /etc/motd /etc/passwd']);
  assert.deepEqual(lines, ['drwxr-xr-x 0/0 0 etc/', '-r--r--r-- 0/0 0 etc/.wh.motd', 'hr--r--r-- 0/0 0 etc/.wh.passwd link to etc/.wh.motd']);
  assert.ok(notes.some((n) => n.includes('hardlinks (derived)')));
});

test('overlay2 native commit converts char 0/0 whiteouts to 0600 .wh. files and includes unchanged copy-ups', () => {
  const { lines } = commitListing('overlay2', ['rm /etc/motd', ': <> /etc/passwd', 'ln -s /etc/passwd /etc/pw']);
  assert.deepEqual(lines, ['drwxr-xr-x 0/0 0 etc/', '-rw------- 0/0 0 etc/.wh.motd', '-rw-r--r-- 0/0 1024 etc/passwd', 'lrwxrwxrwx 0/0 0 etc/pw -> /etc/passwd']);
  const naive = commitListing('btrfs', ['rm /etc/motd', ': <> /etc/passwd', 'ln -s /etc/passwd /etc/pw']).lines;
  assert.deepEqual(naive, ['drwxr-xr-x 0/0 0 etc/', '---------- 0/0 0 etc/.wh.motd', 'lrwxrwxrwx 0/0 0 etc/pw -> /etc/passwd']);
});

test('stores container hardlinks as tar type 1 links to the first name', () => {
  const { lines } = commitListing('zfs', ['echo x > /srv/a', 'ln /srv/a /srv/b']);
  assert.deepEqual(lines, ['drwxr-xr-x 0/0 0 srv/', '-rw-r--r-- 0/0 2 srv/a', 'hrw-r--r-- 0/0 0 srv/b link to srv/a']);
});
