// Journey: view a text file and a binary file (hex), and download one.
import { expect, expandTo, openByReference, snap, test, treeRow, waitForReady } from './journey.ts';

test('views /etc/os-release as text, a binary as hex, and downloads it', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await expandTo(page, '/etc/os-release');
  await treeRow(page, '/etc/os-release').dblclick();
  const viewer = page.getByRole('region', { name: 'File viewer' });
  await expect(viewer).toContainText('NAME="Strata Demo"');
  await snap(page, info, 'text-file');

  await expandTo(page, '/bin/busybox');
  await treeRow(page, '/bin/busybox').click();
  await page.getByRole('button', { name: 'View file' }).click();
  await expect(viewer.getByLabel('Hex dump')).toContainText('00000000');
  const download = page.waitForEvent('download');
  await viewer.getByRole('button', { name: 'Download' }).click();
  expect((await download).suggestedFilename()).toBe('busybox');
  await snap(page, info, 'hex-file');
});
