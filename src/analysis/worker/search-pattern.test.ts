import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSearch } from './search-pattern.ts';

const matches = (search: string, paths: string[]) => {
  const m = compileSearch(search);
  assert.ok(m.ok && m.value, search);
  return paths.filter(m.value);
};
const paths = ['/etc/passwd', '/etc/ssl/certs/ca.pem', '/usr/lib/x86_64/libc.so.6', '/a.txt', '/dir/b.txt', '/dir/sub/c.txt'];

test('a glob without a leading slash matches at any depth; * and ? stay within one segment', () => {
  assert.deepEqual(matches('*.txt', paths), ['/a.txt', '/dir/b.txt', '/dir/sub/c.txt']);
  assert.deepEqual(matches('?.txt', paths), ['/a.txt', '/dir/b.txt', '/dir/sub/c.txt']);
  assert.deepEqual(matches('lib*.so.?', paths), ['/usr/lib/x86_64/libc.so.6']);
});

test('a glob with a leading slash is anchored at the root; ** crosses directories', () => {
  assert.deepEqual(matches('/dir/*.txt', paths), ['/dir/b.txt']);
  assert.deepEqual(matches('/dir/**/*.txt', paths), ['/dir/b.txt', '/dir/sub/c.txt']);
  assert.deepEqual(matches('/etc/**', paths), ['/etc/passwd', '/etc/ssl/certs/ca.pem']);
});

test('plain text is a case-insensitive substring; /regex/flags is a regular expression anywhere in the path', () => {
  assert.deepEqual(matches('SSL', paths), ['/etc/ssl/certs/ca.pem']);
  assert.deepEqual(matches('/\\.(pem|so\\.\\d)$/', paths), ['/etc/ssl/certs/ca.pem', '/usr/lib/x86_64/libc.so.6']);
  assert.deepEqual(matches('/PASSWD/i', paths), ['/etc/passwd']);
  assert.deepEqual(matches('a.b', ['/a.b', '/axb']), ['/a.b'], 'regex characters in plain text are literal');
});

test('an empty search filters nothing; invalid or over-long patterns are SEARCH_INVALID errors', () => {
  const empty = compileSearch('   ');
  assert.ok(empty.ok && empty.value === undefined);
  for (const bad of ['/(unclosed/', `/${'x'.repeat(201)}/`, 'y'.repeat(201)]) {
    const r = compileSearch(bad);
    assert.equal(r.ok, false, bad.slice(0, 20));
    if (!r.ok) assert.equal(r.error.code, 'SEARCH_INVALID');
  }
});
