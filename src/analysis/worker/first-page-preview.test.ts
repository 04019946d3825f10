// The stored first page of the default view: which requests it may answer, and which stored records are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TreeRowOut } from '../../protocol/messages.ts';
import { answerFromPreview, createPreview, PREVIEW_ROWS, previewView, readPreview } from './first-page-preview.ts';
import type { RowsAnswer } from './tree-views.ts';

const row = (i: number): TreeRowOut => ({
  path: `/f${i}`, name: `f${i}`, depth: 0, type: 'file', size: i, mode: '0644', uid: 0, gid: 0, link: null,
  diff: 'unmodified', layer: 0, shadows: [], hasChildren: false, expanded: false,
});
const answer = (total: number): RowsAnswer => ({ total, start: 0, rows: Array.from({ length: Math.min(total, 250) }, (_, i) => row(i)), partial: false, asOfLayer: 2 });

test('a preview keeps at most PREVIEW_ROWS rows and answers first pages of the default view within them', () => {
  const p = createPreview(2, answer(1000));
  assert.equal(p.answer.rows.length, PREVIEW_ROWS);
  const a = answerFromPreview(p, previewView(2), 0, 100);
  assert.deepEqual(a, { total: 1000, start: 0, rows: answer(1000).rows.slice(0, 100), partial: false, asOfLayer: 2 });
  assert.equal(answerFromPreview(p, previewView(2), 0, PREVIEW_ROWS + 1), undefined, 'beyond the stored rows of a longer list');
  assert.equal(answerFromPreview(p, previewView(2), 100, 100), undefined, 'a later page');
});

test('a preview of a short list answers any first-page size', () => {
  const p = createPreview(2, answer(12));
  assert.equal(answerFromPreview(p, previewView(2), 0, 500)?.rows.length, 12);
});

test('a preview answers only its own view: all four kinds count as no filter, anything else goes to the tree', () => {
  const p = createPreview(2, answer(50));
  const v = previewView(2);
  assert.ok(answerFromPreview(p, { ...v, kinds: ['added', 'modified', 'removed', 'unmodified'] }, 0, 100));
  for (const other of [{ ...v, layer: 1 }, { ...v, mode: 'layer' as const }, { ...v, expanded: ['/etc'] }, { ...v, kinds: ['added' as const] }, { ...v, search: 'x' }, { ...v, sort: 'size' as const }]) {
    assert.equal(answerFromPreview(p, other, 0, 100), undefined, JSON.stringify(other));
  }
});

test('stored records that are not a complete preview of this image are refused', () => {
  const good = createPreview(2, answer(50));
  assert.ok(readPreview(structuredClone(good), 3));
  const bad: unknown[] = [
    undefined, null, 'x', { ...good, v: 2 }, { ...good, layer: 3 }, { ...good, layer: -1 },
    { ...good, answer: { ...good.answer, partial: true } },
    { ...good, answer: { ...good.answer, asOfLayer: 1 } },
    { ...good, answer: { ...good.answer, start: 100 } },
    { ...good, answer: { ...good.answer, total: 10 } },
    { ...good, answer: { ...good.answer, loading: { layer: 2, entries: 5 } } },
    { ...good, answer: { ...good.answer, rows: Array.from({ length: PREVIEW_ROWS + 1 }, (_, i) => row(i)), total: 999 } },
    { ...good, answer: { ...good.answer, rows: [1, 2] } },
  ];
  for (const b of bad) assert.equal(readPreview(b, 3), undefined, JSON.stringify(b)?.slice(0, 120));
});
