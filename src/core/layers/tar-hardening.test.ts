// Hardening cases T1–T18, T27–T30 of shared/spec/hardening.md §2.4 at the tar reader / layer index level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTar, concat, paxBody, tarHeader } from '../../testing/tar-builder.ts';
import { indexTar, layer, stack } from '../../testing/layers.ts';
import { renderTree, listRows } from '../tree/tree-rows.ts';
import { LayerIndexBuilder } from './layer-index-builder.ts';
import { TarReader } from './tar-reader.ts';
import { KIND } from './tar-header.ts';

const codeOf = (fn: () => unknown) => { try { fn(); return 'none'; } catch (e) { return (e as { code: string }).code; } };
const rejected = (ix: ReturnType<typeof indexTar>) => ix.rejected.map((r) => r.code);
const warnings = (ix: ReturnType<typeof indexTar>) => ix.warnings.map((w) => w.code);

test('T1 entries climbing out of the root are never placed and are flagged', () => {
  const ix = layer({ name: '../../etc/passwd', body: 'x' }, { name: 'a/../../x', body: 'y' }, { name: 'ok', body: 'z' });
  assert.deepEqual(rejected(ix), ['PATH_ESCAPE', 'PATH_ESCAPE']);
  assert.equal(renderTree(stack(ix)), 'ok');
});

test('T2 absolute, slash-heavy and drive-letter names are normalised to relative and flagged', () => {
  const ix = layer({ name: '/etc/passwd', body: '1' }, { name: '////etc/shadow', body: '2' }, { name: 'c:x', body: '3' }, { name: 'C:\\y', body: '4' });
  assert.equal(renderTree(stack(ix)), '\\y\netc/\n  passwd\n  shadow\nx');
  assert.equal(warnings(ix).filter((c) => c === 'PATH_NORMALIZED').length, 4);
});

test('T3 a parent is never resolved through a symlink when placing entries', () => {
  const ix = layer({ name: 'a', type: 'symlink', link: '/etc' }, { name: 'a/passwd', body: 'pwned' },
    { name: 'd1', type: 'symlink', link: '../../etc' }, { name: 'd1/passwd', type: 'hardlink', link: 'etc/passwd' });
  assert.deepEqual(rejected(ix), ['PARENT_NOT_DIR', 'PARENT_NOT_DIR']);
  assert.equal(renderTree(stack(ix)), 'a -> /etc\nd1 -> ../../etc');
});

test('T4 hardlinks to missing, later or escaping targets are broken links, never looked up outside', () => {
  const ix = layer({ name: 'missing', type: 'hardlink', link: 'nowhere' }, { name: 'early', type: 'hardlink', link: 'late' },
    { name: 'late', body: 'L' }, { name: 'escape', type: 'hardlink', link: '../../etc/passwd' });
  const rows = new Map(listRows(stack(ix)).map((r) => [r.path, r]));
  assert.equal(rows.get('/missing')?.brokenLink, true);
  assert.equal(rows.get('/escape')?.brokenLink, true);
  assert.equal(rows.get('/early')?.size, 1); // resolves within the stacked tree, whatever the order
  assert.ok(warnings(ix).includes('HARDLINK_INVALID'));
});

test('T5 a hardlink to a directory is flagged invalid', () => {
  const ix = layer({ name: 'dir', type: 'dir' }, { name: 'link', type: 'hardlink', link: 'dir' }, { name: 'dir/f', body: 'x' }, { name: 'ok', type: 'hardlink', link: 'dir/f' });
  assert.deepEqual(warnings(ix), ['HARDLINK_INVALID'], 'one warning, for the link to the directory only');
  const rows = listRows(stack(ix));
  assert.equal(rows.find((r) => r.path === '/link')?.brokenLink, true);
  assert.equal(rows.find((r) => r.path === '/ok')?.brokenLink, undefined);
  // a link to a directory of a lower layer is flagged when the layers are stacked
  const lower = layer({ name: 'etc', type: 'dir' });
  assert.equal(listRows(stack(lower, layer({ name: 'l', type: 'hardlink', link: 'etc' }))).find((r) => r.path === '/l')?.brokenLink, true);
});

test('T6 names equal under Unicode normalisation are detected and kept distinct', () => {
  const nfc = 'caf\u00e9';
  const nfd = 'cafe\u0301';
  const ix = layer({ name: nfc, body: '1' }, { name: nfd, body: '2' }, { name: 'file', body: '3' }, { name: '\ufb01le', body: '4' });
  assert.equal(warnings(ix).filter((c) => c === 'UNICODE_COLLISION').length, 2);
  assert.equal(listRows(stack(ix)).length, 4);
  // Plus a symlink between them: the NFD name is a link to the NFC directory; nothing is placed through it.
  const linked = layer({ name: nfc, type: 'dir' }, { name: `${nfc}/x`, body: '1' }, { name: nfd, type: 'symlink', link: nfc }, { name: `${nfd}/y`, body: '2' });
  assert.deepEqual(warnings(linked), ['UNICODE_COLLISION']);
  assert.deepEqual(rejected(linked), ['PARENT_NOT_DIR']);
  assert.equal(renderTree(stack(linked)), `${nfd} -> ${nfc}\n${nfc}/\n  x`);
});

test('T7 a path 100,000 components deep is skipped with a warning', () => {
  const deep = Array.from({ length: 100000 }, () => 'a').join('/');
  const ix = layer({ name: 'x', body: '', pax: { path: deep } }, { name: 'after', body: 'ok' });
  assert.deepEqual(rejected(ix), ['PATH_TOO_DEEP']);
  assert.equal(renderTree(stack(ix)), 'after');
});

test('T8 PAX records and GNU long names over 1 MiB are rejected', () => {
  const big = 'n'.repeat(2 * 1024 * 1024);
  assert.equal(codeOf(() => layer({ name: 'x', body: '', pax: { path: big } })), 'TAR_LIMIT');
  assert.equal(codeOf(() => layer({ name: 'x', body: '', gnuLongName: big })), 'TAR_LIMIT');
});

test('T9 a PAX header applies to the next filesystem entry only, and its size overrides the ustar size', () => {
  // x(size=2048) → L → file: the L body keeps its own size; the file gets 2048 bytes.
  const body = new Uint8Array(2048).fill(65);
  const pb = paxBody({ size: '2048' });
  const long = new TextEncoder().encode('the/long/name\0');
  const bytes = concat([
    tarHeader({ name: 'pax', typeflag: 'x', size: pb.length }), pb, new Uint8Array(512 - pb.length),
    tarHeader({ name: '././@LongLink', typeflag: 'L', size: long.length }), long, new Uint8Array(512 - long.length),
    tarHeader({ name: 'short', typeflag: '0', size: 0 }), body,
    tarHeader({ name: 'after', typeflag: '0', size: 1 }), new Uint8Array(512),
    new Uint8Array(1024),
  ]);
  const rows = listRows(stack(indexTar(bytes)));
  assert.deepEqual(rows.map((r) => `${r.path} ${r.size}`), ['/after 1', '/the dir 0'.replace(' dir 0', ' 0'), '/the/long 0', '/the/long/name 2048']);
  // CVE-2025-62518 shape: ustar size 0 with PAX size N — the N body bytes are data, not headers.
  const smuggled = buildTar([{ name: 'inner-header-bait', body: '' }]).subarray(0, 512);
  const bytes2 = buildTar([{ name: 'outer', sizeField: 0, body: smuggled, pax: { size: '512' } }, { name: 'real', body: 'r' }]);
  assert.equal(renderTree(stack(indexTar(bytes2))), 'outer\nreal');
});

test('T10 PAX values: NUL ends a path, numeric paths are names, invalid sizes are archive errors', () => {
  assert.equal(renderTree(stack(layer({ name: 'x', body: '', pax: { path: 'good\u0000evil' } }, { name: 'n', body: '', pax: { path: '12345' } }))), '12345\ngood');
  assert.equal(codeOf(() => layer({ name: 'x', body: '', pax: { size: '-1' } })), 'TAR_BAD_HEADER');
  assert.equal(codeOf(() => layer({ name: 'x', body: '', pax: { size: '1e99' } })), 'TAR_BAD_HEADER');
});

test('T11 negative base-256 sizes are rejected; oversized ones end as truncated without allocating', () => {
  const neg = new Uint8Array(12).fill(0xff);
  assert.equal(codeOf(() => indexTar(buildTar([{ name: 'n', sizeField: neg }]))), 'TAR_BAD_HEADER');
  const huge = new Uint8Array(12);
  huge[0] = 0x80;
  huge[5] = 0x01; // 2^48 bytes
  assert.equal(codeOf(() => indexTar(buildTar([{ name: 'h', sizeField: huge }], { end: false }))), 'TAR_TRUNCATED');
});

test('T12 GNU sparse maps with more than 2^20 entries are refused', () => {
  assert.equal(codeOf(() => layer({ name: 'sparse', body: '', pax: { 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.numblocks': String(2 ** 21), 'GNU.sparse.realsize': '100' } })), 'TAR_LIMIT');
  const ok = layer({ name: 'sp', body: '', pax: { 'GNU.sparse.name': 'real-name', 'GNU.sparse.realsize': '1000000' } });
  assert.equal(listRows(stack(ok))[0]?.size, 1000000);
});

test('T13 a PAX global header is recorded and ignored', () => {
  const g = paxBody({ comment: 'git archive' });
  const bytes = concat([tarHeader({ name: 'pax_global_header', typeflag: 'g', size: g.length }), g, new Uint8Array(512 - g.length), buildTar([{ name: 'file', body: 'x' }])]);
  const ix = indexTar(bytes);
  assert.ok(warnings(ix).includes('TAR_GLOBAL_HEADER'));
  assert.equal(renderTree(stack(ix)), 'file');
});

test('T14 the same path twice in one layer: the last wins, with a warning', () => {
  const ix = layer({ name: 'f', body: 'first' }, { name: 'f', body: 'second!' });
  assert.ok(warnings(ix).includes('DUPLICATE_ENTRY'));
  assert.equal(renderTree(stack(ix), { sizes: true }), 'f 7');
});

test('T15 a whiteout of a path absent below only warns; the tree is still built', () => {
  const t = stack(layer({ name: 'a', body: '1' }), layer({ name: '.wh.ghost', body: '' }));
  assert.equal(renderTree(t), 'a');
  assert.deepEqual(t.warnings.map((w) => w.code), ['WHITEOUT_NOTHING']);
});

test('T16 bare and dot whiteouts are invalid entries and delete nothing', () => {
  const l1 = layer({ name: '.wh.', body: '' }, { name: 'd/.wh..', body: '' }, { name: 'd/.wh...', body: '' });
  assert.deepEqual(rejected(l1), ['WHITEOUT_INVALID', 'WHITEOUT_INVALID', 'WHITEOUT_INVALID']);
  assert.equal(renderTree(stack(layer({ name: 'd/keep', body: 'k' }), l1)), 'd/\n  keep');
  // Whiteouts of the root itself and of its parent (containerd WhiteoutRoot / WhiteoutParent) delete nothing either.
  const root = layer({ name: '.wh..', body: '' }, { name: '.wh...', body: '' }, { name: './.wh..', body: '' });
  assert.deepEqual(rejected(root), ['WHITEOUT_INVALID', 'WHITEOUT_INVALID', 'WHITEOUT_INVALID']);
  assert.equal(renderTree(stack(layer({ name: 'd/keep', body: 'k' }, { name: 'top', body: 't' }), root)), 'd/\n  keep\ntop');
});

test('T17 an opaque marker after its siblings still applies first and hides only lower children', () => {
  const t = stack(layer({ name: 'd/lower', body: 'l' }), layer({ name: 'd/mine', body: 'm' }, { name: 'd/.wh..wh..opq', body: '' }));
  assert.equal(renderTree(t), 'd/\n  mine');
});

test('T18 a whiteout and the file it names in the same layer: the file is kept', () => {
  const t = stack(layer({ name: 'f', body: 'old' }), layer({ name: 'f', body: 'new!' }, { name: '.wh.f', body: '' }));
  assert.equal(renderTree(t, { sizes: true, layers: true }), 'f 4 @1');
});

test('T27 an entry cap stops indexing with a clear message', () => {
  const specs = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, body: '' }));
  const builder = new LayerIndexBuilder(undefined, { maxEntries: 20, maxWarnings: 10 });
  const reader = new TarReader(builder);
  assert.equal(reader.push(buildTar(specs)), undefined);
  assert.equal(reader.finish(), undefined);
  assert.match(builder.limitHit ?? '', /more than 20 entries/);
  assert.equal(builder.finish(0).count, 20);
});

test('T28 a file claiming 8 GiB is never materialised: only its size is kept', () => {
  const sizeField = new TextEncoder().encode('100000000000\0');
  const builder = new LayerIndexBuilder(undefined);
  const reader = new TarReader(builder);
  reader.push(buildTar([{ name: 'zeros', sizeField }], { end: false }));
  assert.equal(reader.finish()?.code, 'TAR_TRUNCATED');
  const ix = builder.finish(reader.bytesConsumed);
  assert.equal(ix.sizeOf(1), 8 * 1024 ** 3);
});

test('T29 device and fifo entries are metadata only', () => {
  const ix = layer({ name: 'dev/null', type: 'char', devMajor: 1, devMinor: 3 }, { name: 'dev/sda', type: 'block', devMajor: 8, devMinor: 0 }, { name: 'run/pipe', type: 'fifo' });
  assert.deepEqual(listRows(stack(ix)).filter((r) => r.type !== 'dir').map((r) => `${r.path} ${r.type} ${r.size}`), ['/dev/null char 0', '/dev/sda block 0', '/run/pipe fifo 0']);
  assert.deepEqual(ix.devices.get(2), [1, 3]);
  assert.equal(ix.kind[2], KIND.char);
});

test('T30 garbage between entries is skipped with a warning; garbage alone is not a tar archive', () => {
  const good = buildTar([{ name: 'a', body: 'a' }], { end: false });
  const junk = new Uint8Array(1024).fill(0x5a);
  const ix = indexTar(concat([good, junk, buildTar([{ name: 'b', body: 'b' }])]));
  assert.ok(warnings(ix).includes('TAR_ENTRY_INVALID'));
  assert.equal(renderTree(stack(ix)), 'a\nb');
  assert.equal(codeOf(() => indexTar(junk)), 'TAR_BAD_ARCHIVE');
});

test('the reader gives the same index for any chunking, down to one byte', () => {
  const bytes = buildTar([{ name: 'dir', type: 'dir' }, { name: 'dir/file', body: 'hello world' }, { name: 'x', body: '', pax: { path: 'p'.repeat(300) } }, { name: 'y', gnuLongName: `${'q'.repeat(200)}/z`, body: 'zz' }]);
  const expected = renderTree(stack(indexTar(bytes, 1 << 20)), { sizes: true });
  for (const chunk of [1, 7, 511, 512, 513, 4096]) assert.equal(renderTree(stack(indexTar(bytes, chunk)), { sizes: true }), expected);
});
