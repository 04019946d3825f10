// Journey: diff-kind filters, glob and /regex/ search, and sort by size change the Files tree.
import { expect, layerOption, openByReference, snap, test, treeRow, waitForReady } from './journey.ts';

test('filters by change kind, searches by glob and regex, and sorts by size', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await layerOption(page, 1).click();
  const tree = page.getByRole('tree', { name: 'Files' });

  await page.getByRole('checkbox', { name: 'unmodified' }).uncheck();
  await expect(page).toHaveURL(/kinds=/);
  await expect(treeRow(page, '/bin')).toHaveCount(0);
  await expect(treeRow(page, '/opt')).toBeVisible();
  await page.getByRole('checkbox', { name: 'unmodified' }).check();

  await page.getByRole('searchbox', { name: 'Search files' }).fill('*.bin');
  await expect(treeRow(page, '/opt/app/data.bin')).toBeVisible();
  await expect(treeRow(page, '/etc/passwd')).toHaveCount(0);
  await snap(page, info, 'search-glob');

  await page.getByRole('searchbox', { name: 'Search files' }).fill('/\\.tmp$/');
  await expect(treeRow(page, '/opt/app/cache/a.tmp')).toBeVisible();
  await expect(treeRow(page, '/opt/app/data.bin')).toHaveCount(0);

  await page.getByRole('searchbox', { name: 'Search files' }).fill('');
  await page.getByRole('combobox', { name: 'Sort' }).selectOption('size');
  await expect(page).toHaveURL(/sort=size/);
  const first = tree.getByRole('treeitem').first();
  await expect(first).toHaveAttribute('data-path', '/opt');
  await snap(page, info, 'sorted-by-size');
});
