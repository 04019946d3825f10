// Journey: simulate a container on demo/layers in the Container tab — type commands, compare overlay2 (EXDEV on a
// lower-directory rename) with overlay2 redirect_dir=on side by side, commit and push to the embedded registry,
// then open the pushed image in the explorer and find the container's new file.
import { expandTo, expect, openByReference, snap, test, treeRow, waitForReady } from './journey.ts';

test('runs commands under two drivers, commits, pushes and reopens the committed image', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await page.getByRole('tab', { name: 'Container' }).click();

  const command = page.getByRole('textbox', { name: 'Container command' });
  await command.fill('mv /opt/app/bi');
  await command.press('Tab');
  await expect(command).toHaveValue('mv /opt/app/bin/');
  await command.fill('mv /opt/app/bin /opt/app/bin2');
  await command.press('Enter');
  await command.fill('echo committed > /etc/committed.txt');
  await command.press('Enter');
  await command.press('ArrowUp');
  await expect(command).toHaveValue('echo committed > /etc/committed.txt');
  await command.fill('');

  const log = page.getByRole('table', { name: 'Step log' });
  const mvRow = log.getByRole('row').filter({ hasText: 'mv /opt/app/bin /opt/app/bin2' });
  await expect(mvRow.getByRole('cell').nth(0)).toContainText('EXDEV');
  await expect(mvRow.getByRole('cell').nth(1)).not.toContainText('EXDEV');
  await expect(page.getByRole('region', { name: 'Container layer under overlay2 (redirect_dir=on)' })).toContainText('redirect → /opt/app/bin');
  await expect(page.getByRole('region', { name: 'Container layer under overlay2', exact: true })).toContainText('A /etc/committed.txt');
  await snap(page, info, 'container-step-log');

  await page.getByRole('textbox', { name: 'Push as' }).fill('strata/committed:e2e');
  await page.getByRole('button', { name: 'Push to this server' }).click();
  const result = page.getByRole('region', { name: 'Commit' });
  await expect(result).toContainText('Pushed to', { timeout: 20_000 });
  await expect(result.getByLabel('Commit tar entries')).toContainText('etc/committed.txt');
  await snap(page, info, 'container-pushed');

  await result.getByRole('button', { name: 'Open pushed image' }).click();
  await waitForReady(page);
  await page.getByRole('tab', { name: 'Files' }).click();
  await expandTo(page, '/etc/committed.txt');
  await expect(treeRow(page, '/etc/committed.txt')).toBeVisible();
  await snap(page, info, 'container-reopened');
});
