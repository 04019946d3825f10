// Journey: a private repository on a registry with Basic auth asks for credentials, then opens.
import { e2eRegistry, E2E_USER } from './e2e-env.ts';
import { expect, layersList, openByReference, snap, test, waitForReady } from './journey.ts';

test('asks for credentials on 401 and opens the image once they are given', async ({ page }, info) => {
  await page.goto('/');
  await openByReference(page, `${e2eRegistry()}/private/layers:latest`, 'Custom host');
  // The 401 may first come from the tag list (picker) or from opening the image (alert): either shows the form.
  const form = page.getByRole('form', { name: new RegExp(`Sign in to ${e2eRegistry().replace(/\./g, '\\.')}`) });
  await expect(form).toBeVisible();
  await snap(page, info, 'credentials-asked');
  await form.getByLabel('Username').fill(E2E_USER.username);
  await form.getByLabel('Password or token').fill(E2E_USER.password);
  await form.getByRole('button', { name: 'Sign in and retry' }).click();
  await expect(layersList(page)).toBeVisible();
  await waitForReady(page);
  await expect(layersList(page).getByRole('option', { disabled: false })).toHaveCount(4);
  const stored = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('strata.credentials.')));
  expect(stored).toEqual([]);
  await snap(page, info, 'private-opened');
});
