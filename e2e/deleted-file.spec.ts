// Journey: a file deleted by a whiteout shows as removed in the layer that deletes it, and the whiteout diff says
// what it hides and the bytes still shipped below.
import { expect, expandTo, layerOption, openByReference, snap, test, treeRow, waitForReady } from './journey.ts';

test('/etc/app.conf shows as removed in layer 2 and is gone from the merged view', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await layerOption(page, 2).click();
  await page.getByRole('radio', { name: "This layer's changes" }).check();
  await expandTo(page, '/etc/app.conf');
  const row = treeRow(page, '/etc/app.conf');
  await expect(row).toBeVisible();
  await expect(row).toHaveClass(/diff-removed/);
  await row.click();
  await expect(page.getByRole('complementary', { name: 'Node details' })).toContainText('removed');
  await snap(page, info, 'removed-in-layer-2');

  // The merged view keeps the deleted file visible, marked removed; hiding removed entries drops it.
  await page.getByRole('radio', { name: 'Merged up to layer' }).check();
  await expect(treeRow(page, '/etc/passwd')).toBeVisible();
  await expect(treeRow(page, '/etc/app.conf')).toHaveClass(/diff-removed/);
  await page.getByRole('checkbox', { name: 'removed' }).uncheck();
  await expect(treeRow(page, '/etc/app.conf')).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'removed' }).check();
  await layerOption(page, 1).click();
  await expect(treeRow(page, '/etc/app.conf')).toHaveClass(/diff-added/);
  await layerOption(page, 2).click();

  await page.getByRole('tab', { name: 'Whiteouts' }).click();
  const whiteout = page.getByRole('row', { name: /\/etc\/app\.conf/ });
  await expect(whiteout).toContainText('whiteout');
  await snap(page, info, 'whiteouts-layer-2');
});
