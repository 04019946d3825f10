// Journey: the layers a set of images share — an images × layers matrix and the bytes stored once against the sum
// per image — for typed references and for every tag of a repository; manifests only, no layer downloads.
import { expect, snap, test } from './journey.ts';

test('the three demo images share their base layer: matrix, once-vs-per-image totals, and a reload', async ({ page, context }, info) => {
  const layerBlobs: string[] = [];
  await context.route(/\/v2\/.*\/blobs\/sha256:/, async (route) => {
    layerBlobs.push(route.request().url());
    await route.continue();
  });
  await page.goto('/');
  await page.getByRole('link', { name: 'Shared layers' }).click();
  await page.getByRole('radio', { name: 'A list of references' }).check();
  await page.getByLabel(/Image references/).fill('demo/layers:latest\ndemo/multiarch:latest\ndemo/zstd:latest');
  await page.getByRole('button', { name: 'Show shared layers' }).click();
  const matrix = page.getByRole('table', { name: 'Layer matrix' });
  await expect(matrix.locator('tbody tr')).toHaveCount(3);
  await expect(matrix.locator('thead th[data-digest]')).toHaveCount(6);
  // The base layer comes first and every image holds it; each other layer belongs to one image.
  for (let r = 1; r <= 3; r++) await expect(matrix.locator(`tbody tr:nth-child(${r}) td`).first()).toHaveAttribute('data-held', 'true');
  await expect(matrix.locator('tbody td[data-held="true"]')).toHaveCount(3 + 4 + 1);
  await expect(matrix.locator('tfoot td').first()).toHaveText('3');
  const totals = page.getByRole('definition');
  await expect(page.getByLabel('Storage totals')).toContainText('Stored once (unique layers)4.20 MiB');
  await expect(totals.nth(1)).toHaveText('4.29 MiB');
  await expect(totals.nth(2)).toContainText('97.3 KiB');
  await expect(totals.nth(2)).toContainText('2.2 %');
  await snap(page, info, 'shared-layers-demo');

  // Configs are blobs too: only three (one per image) were read, no layer.
  expect(layerBlobs.length).toBeLessThanOrEqual(3);
  await expect(page).toHaveURL(/page=shared/);
  await expect(page).toHaveURL(/ref=.*demo%2Fzstd/);
  await page.reload();
  await expect(matrix.locator('tbody tr')).toHaveCount(3);
  await expect(page.getByLabel(/Image references/)).toHaveValue(/demo\/zstd:latest/);
});

test('every tag of a repository chosen from the tag list', async ({ page }, info) => {
  await page.goto('/?page=shared');
  await page.getByRole('radio', { name: 'Every tag of a repository' }).check();
  await page.getByRole('combobox', { name: 'Repository' }).fill('demo/multiarch');
  await page.getByRole('button', { name: 'Show shared layers' }).click();
  const matrix = page.getByRole('table', { name: 'Layer matrix' });
  await expect(matrix.locator('tbody tr')).toHaveCount(1);
  await expect(matrix.locator('tbody th')).toContainText('demo/multiarch:latest (linux/amd64)');
  await expect(page.getByLabel('Storage totals')).toContainText('Saving0 B');
  await expect(page).toHaveURL(/repo=[^&]*demo%2Fmultiarch/);
  await snap(page, info, 'shared-layers-repository');
});
