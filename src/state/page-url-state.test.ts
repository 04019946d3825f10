import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PAGE_URL_STATE, parsePageUrlState, writePageUrlState, type PageUrlState } from './page-url-state.ts';

const roundTrip = (s: PageUrlState) => {
  const q = new URLSearchParams();
  writePageUrlState(q, s);
  return { text: q.toString(), back: parsePageUrlState(new URLSearchParams(q.toString())) };
};

test('the default state writes nothing and reads back as the default', () => {
  const r = roundTrip(DEFAULT_PAGE_URL_STATE);
  assert.equal(r.text, '');
  assert.deepEqual(r.back, DEFAULT_PAGE_URL_STATE);
});

test('both references, platforms, the change filter and a reference list survive the query string', () => {
  const s: PageUrlState = {
    page: 'compare',
    compare: { a: 'localhost:5000/demo/multiarch:latest', pa: 'linux/amd64', b: 'localhost:5000/demo/multiarch:latest', pb: 'linux/arm64', kinds: ['added', 'modified'], search: '*.conf' },
    shared: { repo: null, refs: ['localhost:5000/demo/layers:latest', 'localhost:5000/demo/zstd:latest linux/amd64'] },
  };
  const r = roundTrip(s);
  assert.deepEqual(r.back, s);
  assert.match(r.text, /page=compare/);
});

test('unknown pages and change kinds fall back to defaults', () => {
  const s = parsePageUrlState(new URLSearchParams('page=nope&ck=added,bogus'));
  assert.equal(s.page, 'explore');
  assert.deepEqual(s.compare.kinds, ['added']);
});
