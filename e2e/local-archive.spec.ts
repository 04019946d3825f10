// Journey: open a local `docker save` archive with the file picker; it is read in the browser by the worker.
import { DIVE_ARCHIVE } from './e2e-env.ts';
import { expect, layersList, snap, test, waitForReady } from './journey.ts';

test("opens dive's test-docker-image.tar from disk and explores its layers", async ({ page }, info) => {
  await page.goto('/');
  await page.getByLabel(/Open a local archive/).setInputFiles(DIVE_ARCHIVE);
  await expect(page.getByRole('heading', { name: 'test-docker-image.tar' })).toBeVisible();
  await expect(layersList(page)).toBeVisible();
  await waitForReady(page);
  expect(await layersList(page).getByRole('option', { disabled: false }).count()).toBeGreaterThan(3);
  await expect(page.getByRole('tree', { name: 'Files' }).getByRole('treeitem').first()).toBeVisible();
  await page.getByRole('tab', { name: 'Summary' }).click();
  await expect(page.getByText('Efficiency (dive)')).toBeVisible();
  await snap(page, info, 'local-archive-summary');
});
