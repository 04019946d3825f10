// Journey: an opaque directory (.wh..wh..opq) hides everything below it; the UI shows it in the whiteout diff and
// the merged tree only keeps the new contents.
import { expect, expandTo, layerOption, openByReference, snap, test, treeRow, waitForReady } from './journey.ts';

test('/opt/app/cache is an opaque directory in layer 2 hiding the two cache files', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await layerOption(page, 2).click();
  await page.getByRole('tab', { name: 'Whiteouts' }).click();
  const opaque = page.getByRole('row', { name: /\/opt\/app\/cache/ });
  await expect(opaque).toContainText('opaque directory');
  await expect(opaque).toContainText('2');
  await expect(opaque).toContainText('KiB');
  await snap(page, info, 'opaque-whiteout');

  await page.getByRole('tab', { name: 'Files' }).click();
  await expandTo(page, '/opt/app/cache/fresh.txt');
  await expect(treeRow(page, '/opt/app/cache/fresh.txt')).toBeVisible();
  await expect(treeRow(page, '/opt/app/cache/fresh.txt')).toHaveClass(/diff-added/);
  await expect(treeRow(page, '/opt/app/cache/a.tmp')).toHaveClass(/diff-removed/);
  await page.getByRole('checkbox', { name: 'removed' }).uncheck();
  await expect(treeRow(page, '/opt/app/cache/a.tmp')).toHaveCount(0);
  await snap(page, info, 'opaque-merged-tree');
});
