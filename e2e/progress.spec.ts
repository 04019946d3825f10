// Journey: while layers download, each shows a progress bar with bytes; when done each says verified (or failed).
import { expect, layerOption, openByReference, snap, test, waitForReady } from './journey.ts';

test('shows per-layer progress while blobs arrive, then marks every layer verified', async ({ page, context }, info) => {
  // Slow every layer blob down so the loading state is visible long enough to see.
  await context.route(/\/v2\/.*\/blobs\/sha256:/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await expect(page.locator('.overall')).toContainText(/Loading layers|Resolving/);
  await expect(layerOption(page, 1)).toBeVisible();
  await expect(page.getByRole('progressbar').first()).toBeVisible();
  await snap(page, info, 'loading-progress');
  await waitForReady(page);
  for (const layer of [0, 1, 2, 3]) await expect(layerOption(page, layer)).toContainText(/verified|cached/);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await snap(page, info, 'all-verified');
});

test('leaving the image cancels its downloads', async ({ page, context }) => {
  await context.route(/\/v2\/.*\/blobs\/sha256:/, async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue().catch(() => undefined);
  });
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await expect(layerOption(page, 1)).toBeVisible();
  await page.getByRole('button', { name: 'Close image' }).click();
  await expect(page.getByRole('listbox', { name: 'Layers' })).toHaveCount(0);
  await expect(page).not.toHaveURL(/image=/);
});
