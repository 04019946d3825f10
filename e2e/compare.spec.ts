// Journey: compare two images — shared layers (by digest, and by diffId when recompressed), the first layer where
// they differ, a file diff sorted by size impact with kind filters and search, all restored from the URL.
import type { Page } from '@playwright/test';
import { DIVE_ARCHIVE, e2eUrl } from './e2e-env.ts';
import { expect, snap, test } from './journey.ts';

const side = (page: Page, letter: 'A' | 'B') => page.getByRole('region', { name: `Image ${letter}`, exact: true });
const summary = (page: Page, term: string) => page.getByRole('definition').filter({ has: page.locator(`xpath=preceding-sibling::dt[.="${term}"]`) });
const diffRow = (page: Page, path: string) => page.getByRole('table', { name: 'File changes' }).locator(`[role=row][data-path="${path}"]`);

async function openSide(page: Page, letter: 'A' | 'B', reference: string): Promise<void> {
  const s = side(page, letter);
  await s.getByRole('combobox', { name: 'Image reference' }).fill(reference);
  await s.getByRole('button', { name: 'Open', exact: true }).click();
}

async function waitForBoth(page: Page): Promise<void> {
  for (const letter of ['A', 'B'] as const) await expect(side(page, letter).getByRole('status')).toContainText('Ready', { timeout: 20_000 });
  await expect(page.getByRole('region', { name: 'Comparison' })).toBeVisible();
}

test('demo/layers against demo/multiarch: one shared base layer, first difference at layer 1, filters and a reload', async ({ page }, info) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Compare' }).click();
  await expect(page).toHaveURL(/page=compare/);
  await openSide(page, 'A', 'demo/layers:latest');
  await openSide(page, 'B', 'demo/multiarch:latest');
  await waitForBoth(page);
  await expect(summary(page, 'Shared layers')).toHaveText('1');
  await expect(summary(page, 'First difference')).toHaveText('layer 1');
  const stacks = page.getByRole('table', { name: 'Layers side by side' });
  await expect(stacks.locator('tr[data-layer="0"]')).toContainText('= same layer');
  await expect(stacks.locator('tr[data-layer="1"]')).toHaveClass(/first-diff/);
  await expect(stacks.locator('tr[data-layer="1"]')).toContainText('first difference');

  const rows = page.getByRole('table', { name: 'File changes' }).locator('[role=row][data-path]');
  await expect(rows.first()).toHaveAttribute('data-path', '/opt/app/data.bin');
  await expect(diffRow(page, '/opt/app/data.bin')).toContainText('removed');
  await expect(diffRow(page, '/opt/app/data.bin')).toContainText('A #3');
  await expect(diffRow(page, '/etc/arch')).toContainText('added');
  await expect(diffRow(page, '/usr/bin/hello')).toContainText('12.0 KiB');
  await expect(diffRow(page, '/usr/bin/hello')).toContainText('B #1');
  await snap(page, info, 'compare-layers-vs-multiarch');

  await page.getByRole('checkbox', { name: 'removed' }).uncheck();
  await expect(page).toHaveURL(/ck=added%2Cmodified/);
  await expect(diffRow(page, '/opt/app/data.bin')).toHaveCount(0);
  await expect(diffRow(page, '/etc/arch')).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search changes' }).fill('hello');
  await expect(page).toHaveURL(/cq=hello/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-path', '/usr/bin/hello');

  const url = page.url();
  expect(url).toMatch(/a=[^&]*demo%2Flayers/);
  expect(url).toMatch(/b=[^&]*demo%2Fmultiarch/);
  await page.reload();
  await waitForBoth(page);
  expect(page.url()).toBe(url);
  await expect(page.getByRole('checkbox', { name: 'removed' })).not.toBeChecked();
  await expect(page.getByRole('searchbox', { name: 'Search changes' })).toHaveValue('hello');
  await expect(rows).toHaveCount(1);
  await expect(summary(page, 'Shared layers')).toHaveText('1');
  await snap(page, info, 'compare-filtered-after-reload');
});

test('a deep link compares linux/amd64 with linux/arm64 of demo/multiarch: nothing shared, /usr/bin/hello shrinks', async ({ page }, info) => {
  const ref = `${new URL(e2eUrl()).host}/demo/multiarch:latest`;
  await page.goto(`/?page=compare&a=${encodeURIComponent(ref)}&pa=linux%2Famd64&b=${encodeURIComponent(ref)}&pb=linux%2Farm64`);
  await waitForBoth(page);
  await expect(side(page, 'A').getByRole('combobox', { name: 'Platform' })).toHaveValue('linux/amd64');
  await expect(side(page, 'B').getByRole('combobox', { name: 'Platform' })).toHaveValue('linux/arm64');
  await expect(summary(page, 'Shared layers')).toHaveText('0');
  await expect(summary(page, 'First difference')).toHaveText('layer 0');
  await expect(diffRow(page, '/usr/bin/hello')).toContainText('modified');
  await expect(diffRow(page, '/usr/bin/hello')).toContainText('-2.00 KiB');
  await expect(diffRow(page, '/etc/arch')).toContainText('modified');
  await expect(diffRow(page, '/bin/busybox')).toContainText('A #0');

  // Switching B's platform goes through the URL.
  await side(page, 'B').getByRole('combobox', { name: 'Platform' }).selectOption('linux/amd64');
  await expect(page).toHaveURL(/pb=linux%2Famd64/);
  await waitForBoth(page);
  await expect(summary(page, 'First difference')).toHaveText('none');
  await snap(page, info, 'compare-same-platform');
});

test('demo/multiarch (amd64) and demo/zstd share the arch layer recompressed: same diffId, other digest', async ({ page }, info) => {
  await page.goto('/?page=compare');
  await openSide(page, 'A', 'demo/multiarch:latest');
  await openSide(page, 'B', 'demo/zstd:latest');
  await waitForBoth(page);
  await expect(summary(page, 'Shared layers')).toContainText('2');
  await expect(summary(page, 'Shared layers')).toContainText('1 recompressed');
  await expect(summary(page, 'First difference')).toHaveText('none');
  const stacks = page.getByRole('table', { name: 'Layers side by side' });
  await expect(stacks.locator('tr[data-layer="1"]')).toContainText('≈ same content, recompressed');
  await expect(stacks.locator('tr[data-layer="1"]')).toContainText('shared (recompressed)');
  await expect(page.getByText('No file differs in this view.')).toBeVisible();
  await snap(page, info, 'compare-recompressed');
});

test('an image from the registry against a local archive', async ({ page }, info) => {
  await page.goto('/?page=compare');
  await openSide(page, 'A', 'demo/layers:latest');
  await side(page, 'B').getByLabel(/Open a local archive/).setInputFiles(DIVE_ARCHIVE);
  await waitForBoth(page);
  await expect(side(page, 'B').getByRole('heading')).toContainText('test-docker-image.tar');
  await expect(summary(page, 'First difference')).toHaveText('layer 0');
  await page.getByRole('searchbox', { name: 'Search changes' }).fill('/root/*.txt');
  await expect(diffRow(page, '/root/saved.txt')).toContainText('added');
  await expect(diffRow(page, '/root/saved.txt')).toContainText('B #13');
  await snap(page, info, 'compare-registry-vs-archive');
});

test.describe('at phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test('stacks the two sides and keeps the comparison within 390 px', async ({ page }, info) => {
    const host = new URL(e2eUrl()).host;
    await page.goto(`/?page=compare&a=${encodeURIComponent(`${host}/demo/layers:latest`)}&b=${encodeURIComponent(`${host}/demo/zstd:latest`)}`);
    await waitForBoth(page);
    await expect(summary(page, 'First difference')).toHaveText('layer 1');
    await expect(diffRow(page, '/usr/bin/hello')).toBeVisible();
    // Polled: the page settles once the diff rows have been laid out.
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
    await snap(page, info, 'compare-phone-width');
  });
});
