// Journey: commit a container change on demo/layers and push it through strata serve's proxy to another registry the
// server allows pushes to (--allow-push-host; the real docker-registry with htpasswd auth of global setup): the push
// asks for credentials on 401, then lands; the pushed image opens by reference and shows the changed file.
import { e2eRegistry, E2E_USER } from './e2e-env.ts';
import { expandTo, expect, openByReference, snap, test, treeRow, waitForReady } from './journey.ts';

test('pushes a committed container to an allowed registry through the proxy and reopens it from there', async ({ page }, info) => {
  const registry = e2eRegistry();
  await page.goto('/');
  await openByReference(page, 'demo/layers:latest');
  await waitForReady(page);
  await page.getByRole('tab', { name: 'Container' }).click();

  const command = page.getByRole('textbox', { name: 'Container command' });
  await command.fill('echo patched > /etc/patched.txt');
  await command.press('Enter');
  await expect(page.getByRole('region', { name: 'Container layer under overlay2', exact: true })).toContainText('A /etc/patched.txt');

  const commit = page.getByRole('region', { name: 'Commit' });
  await expect(commit).toContainText(`host[:port]/repo:tag on ${registry}`);
  const pushAs = page.getByRole('textbox', { name: 'Push as' });
  // A registry the server does not push to is refused before anything is sent, with what to do.
  await pushAs.fill('127.0.0.1:1/team/app:patched');
  await expect(commit.getByRole('note')).toContainText('--allow-push-host 127.0.0.1:1');
  await expect(commit.getByRole('button', { name: 'Push to 127.0.0.1:1' })).toBeDisabled();

  await pushAs.fill(`${registry}/team/app:patched`);
  await commit.getByRole('button', { name: `Push to ${registry}` }).click();
  const form = commit.getByRole('form', { name: new RegExp(`Sign in to ${registry.replace(/\./g, '\\.')}`) });
  await expect(form).toBeVisible({ timeout: 20_000 });
  await snap(page, info, 'push-credentials-asked');
  await form.getByLabel('Username').fill(E2E_USER.username);
  await form.getByLabel('Password or token').fill(E2E_USER.password);
  await form.getByRole('button', { name: 'Sign in and retry' }).click();

  await expect(commit).toContainText(`Pushed to ${registry}/team/app:patched`, { timeout: 30_000 });
  await expect(commit.getByLabel('Commit tar entries')).toContainText('etc/patched.txt');
  await snap(page, info, 'pushed-to-registry');

  await commit.getByRole('button', { name: 'Open pushed image' }).click();
  await waitForReady(page);
  await expect(page.locator('body')).toContainText(`${registry}/team/app`);
  await page.getByRole('tab', { name: 'Files' }).click();
  await expandTo(page, '/etc/patched.txt');
  await expect(treeRow(page, '/etc/patched.txt')).toBeVisible();
  await snap(page, info, 'pushed-image-reopened');
});
