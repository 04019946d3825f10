// Journey: select layers with the mouse, the keyboard and the size chart; the tree follows the selected layer.
import { expect, layerOption, layersList, openByReference, snap, test, treeRow, waitForReady } from './journey.ts';

test('selecting a layer shows the tree as of that layer', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await layerOption(page, 0).click();
  await expect(layerOption(page, 0)).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/layer=0/);
  await expect(treeRow(page, '/etc')).toBeVisible();
  await expect(treeRow(page, '/opt')).toHaveCount(0);
  await layersList(page).focus();
  await page.keyboard.press('ArrowDown');
  await expect(layerOption(page, 1)).toHaveAttribute('aria-selected', 'true');
  await expect(treeRow(page, '/opt')).toBeVisible();
  await page.keyboard.press('End');
  await expect(layerOption(page, 3)).toHaveAttribute('aria-selected', 'true');
  await expect(layerOption(page, 1)).toContainText('+');
  await snap(page, info, 'layer-selected');
});
