// Journey: the URL holds image, layer, path, view and filters, so a reload (or a shared link) restores the view.
import { expect, expandTo, layerOption, openByReference, test, treeRow, waitForReady, snap } from './journey.ts';

test('a reload restores the image, layer, mode, sort and selected path', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await layerOption(page, 1).click();
  await page.getByRole('combobox', { name: 'Sort' }).selectOption('size');
  await expandTo(page, '/opt/app/config.yml');
  await treeRow(page, '/opt/app/config.yml').click();
  await expect(page).toHaveURL(/path=%2Fopt%2Fapp%2Fconfig\.yml/);
  const url = page.url();

  await page.reload();
  await waitForReady(page);
  expect(page.url()).toBe(url);
  await expect(layerOption(page, 1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('combobox', { name: 'Sort' })).toHaveValue('size');
  await expect(treeRow(page, '/opt/app/config.yml')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('complementary', { name: 'Node details' })).toContainText('/opt/app/config.yml');

  await page.goto(url.replace(/&?view=[^&]*/, '') + '&view=summary');
  await expect(page.getByRole('tab', { name: 'Summary' })).toHaveAttribute('aria-selected', 'true');
  await snap(page, info, 'deep-link-summary');
});
