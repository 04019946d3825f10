// Journey: parsed layers are cached by digest, so reopening an image does not download them again; the
// "Empty layer cache" button empties that cache and the next open verifies every layer afresh.
import { expect, layerOption, openByReference, snap, test, waitForReady } from './journey.ts';

test('a reopened image comes from the layer cache until the cache is emptied', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await page.reload();
  await waitForReady(page);
  for (const i of [0, 1, 2, 3]) await expect(layerOption(page, i)).toContainText('cached');

  await page.getByRole('button', { name: 'Empty the layer cache' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Layer cache emptied' })).toBeVisible();
  await page.reload();
  await waitForReady(page);
  for (const i of [0, 1, 2, 3]) {
    await expect(layerOption(page, i)).toContainText('verified');
    await expect(layerOption(page, i)).not.toContainText('cached');
  }
  await snap(page, info, 'cache-emptied');
});
