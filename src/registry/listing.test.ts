import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MEDIA } from '../core/oci/media-types.ts';
import { buildImage } from '../testing/image-fixture.ts';
import { createTestClient, rejection, useFakeRegistry } from '../testing/registry-test-kit.ts';
import { parseNextLink } from './listing.ts';

const image = buildImage({ layers: [] });
const tags = Array.from({ length: 25 }, (_, i) => `v${String(i).padStart(2, '0')}`);
const fake = await useFakeRegistry({ auth: { kind: 'bearer' } }, (f) => {
  for (const t of tags) f.addManifest('r/app', t, image.manifest.bytes, MEDIA.ociManifest);
  for (const r of ['a/one', 'b/two', 'c/three']) f.addManifest(r, 'latest', image.manifest.bytes, MEDIA.ociManifest);
});

describe('tag list and catalog', () => {
  test('Link rel="next" is found among other links and parameters', () => {
    assert.equal(parseNextLink('</v2/r/tags/list?last=b&n=2>; rel="next"'), '/v2/r/tags/list?last=b&n=2');
    assert.equal(parseNextLink('<https://x/prev>; rel="prev", <https://x/next>; title="n"; rel=next'), 'https://x/next');
    assert.equal(parseNextLink('<https://x/a>; rel="first"'), undefined);
    assert.equal(parseNextLink(null), undefined);
  });

  test('walks every page of a paginated tag list', async () => {
    const listing = await createTestClient(fake.host).listTags('r/app', { pageSize: 10 });
    assert.deepEqual(listing.items, tags);
    assert.equal(listing.pages, 3);
    assert.equal(listing.complete, true);
  });

  test('stops at the page bound and marks the listing incomplete', async () => {
    const listing = await createTestClient(fake.host).listTags('r/app', { pageSize: 10, maxPages: 2 });
    assert.equal(listing.items.length, 20);
    assert.equal(listing.complete, false);
  });

  test('does not follow a next link to another host, and says the list is incomplete', async () => {
    fake.script({ path: '/v2/r/app/tags/list', fault: { kind: 'headers', headers: { link: '<http://127.0.0.2:1/v2/r/app/tags/list?n=10&last=v09>; rel="next"' } } });
    const listing = await createTestClient(fake.host).listTags('r/app', { pageSize: 10 });
    assert.equal(listing.complete, false);
    assert.equal(listing.items.length, 10);
  });

  test('lists the catalog with pagination', async () => {
    const listing = await createTestClient(fake.host).listCatalog({ pageSize: 2 });
    assert.deepEqual(listing.items, ['a/one', 'b/two', 'c/three', 'r/app']);
    assert.equal(listing.pages, 2);
  });

  test('an unknown repository is NAME_UNKNOWN', async () => {
    const e = await rejection(createTestClient(fake.host).listTags('no/such'));
    assert.equal(e.code, 'NAME_UNKNOWN');
  });
});
