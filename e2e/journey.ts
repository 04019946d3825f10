// Helpers shared by the journey specs: a `test` whose baseURL is the server global setup started, opening an image
// by reference, finding and expanding tree rows, and named screenshots under test-results/. Node side.
import { test as base, expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { e2eUrl } from './e2e-env.ts';

export const test = base.extend({
  baseURL: async ({}, use) => { // eslint-disable-line no-empty-pattern
    await use(e2eUrl());
  },
});
export { expect };

/** Opens an image of this server's embedded registry through the picker. */
export async function openByReference(page: Page, reference: string, preset = 'This server (demo registry)'): Promise<void> {
  await page.getByRole('combobox', { name: 'Registry', exact: true }).selectOption({ label: preset });
  await page.getByRole('combobox', { name: 'Image reference' }).fill(reference);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

export function layersList(page: Page): Locator {
  return page.getByRole('listbox', { name: 'Layers' });
}

export function layerOption(page: Page, layer: number): Locator {
  return page.locator(`#layer-option-${layer}`);
}

export async function waitForReady(page: Page): Promise<void> {
  await expect(page.locator('.overall')).toContainText('Ready', { timeout: 20_000 });
}

export function treeRow(page: Page, path: string): Locator {
  return page.getByRole('tree', { name: 'Files' }).locator(`[role=treeitem][data-path="${path}"]`);
}

/** Expands each directory on the way to `path` by clicking its row and pressing ArrowRight. */
export async function expandTo(page: Page, path: string): Promise<void> {
  const parts = path.split('/').filter((p) => p !== '');
  for (let i = 1; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const row = treeRow(page, dir);
    await row.click();
    if ((await row.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
    await expect(row).toHaveAttribute('aria-expanded', 'true');
  }
}

export async function snap(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}
