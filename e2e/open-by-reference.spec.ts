// Journey: open an image by typing its reference; the manifest, history and layers show, at desktop and phone width.
import { expect, layerOption, layersList, openByReference, snap, test, waitForReady } from './journey.ts';

test('opens demo/layers:latest from this server by reference and lists its history with empty steps in place', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('banner')).toBeVisible();
  await expect(page.getByRole('main')).toBeVisible();
  await openByReference(page, 'demo/layers:latest');
  await expect(layersList(page)).toBeVisible();
  await expect(layersList(page).getByRole('option')).toHaveCount(8);
  await expect(layersList(page).getByRole('option', { disabled: true })).toHaveCount(4);
  await waitForReady(page);
  await expect(layerOption(page, 3)).toHaveAttribute('aria-selected', 'true');
  await expect(layerOption(page, 1)).toContainText('install-app');
  await expect(page).toHaveURL(/image=/);
  await expect(page.getByRole('tree', { name: 'Files' }).getByRole('treeitem').first()).toBeVisible();
  await snap(page, info, 'opened-demo-layers');
});

test('offers the catalog as suggestions and the tags of the typed repository', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#strata-repositories option')).not.toHaveCount(0);
  await page.getByRole('combobox', { name: 'Image reference' }).fill('demo/multiarch:latest');
  await expect(page.getByRole('combobox', { name: 'Tag' })).toBeEnabled();
  await expect(page.getByRole('combobox', { name: 'Tag' }).locator('option', { hasText: 'latest' })).toHaveCount(1);
});

test('picks a platform of a multi-platform image', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/multiarch:latest');
  await waitForReady(page);
  const platform = page.getByRole('combobox', { name: 'Platform' });
  await expect(platform).toBeVisible();
  await platform.selectOption('linux/arm64');
  await expect(page).toHaveURL(/platform=linux%2Farm64/);
  await waitForReady(page);
  await expect(platform).toHaveValue('linux/arm64');
  await snap(page, info, 'multiarch-arm64');
});

test.describe('at phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test('keeps the picker, layers and tree usable at 390 px', async ({ page }, info) => {
    await page.goto('/');
    await openByReference(page, 'demo/layers:latest');
    await waitForReady(page);
    await expect(layersList(page)).toBeVisible();
    await expect(page.getByRole('tree', { name: 'Files' })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await snap(page, info, 'phone-width');
  });
});
