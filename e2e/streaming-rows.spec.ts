// Journey: a layer's rows appear while its bytes arrive (the Files tree says it is partial and how many entries it
// has so far), a row selected meanwhile stays selected as rows are added above it, and reopening the image from the
// cache shows its rows again. Runs against a registry that trickles the blob, behind a `strata serve` started here.
import { noiseBytes } from '../src/testing/image-fixture.ts';
import type { TarSpec } from '../src/testing/tar-builder.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { gzipLayer, HardeningRegistry, type ServedBlob } from './hardening-registry.ts';
import { expect, layerOption, snap, test, treeRow, waitForReady } from './journey.ts';

let reg: HardeningRegistry;
let strata: RunningServer;

/** `z/` first, then `a/`: rows that arrive later sort above the ones shown first. ~9 MB, trickled over ~7 s. */
function trickledLayer(): ServedBlob {
  const files: TarSpec[] = [];
  for (let i = 0; i < 2500; i++) files.push({ name: `z/f${i}.bin`, body: noiseBytes(2048, i + 1) });
  for (let i = 0; i < 1000; i++) files.push({ name: `a/f${i}.bin`, body: noiseBytes(2048, i + 9001) });
  return { ...gzipLayer(files), paceMs: 100, pieceBytes: 128 * 1024 };
}

test.beforeAll(async () => {
  reg = await HardeningRegistry.start();
  reg.addImage('stream/rows', 'latest', [trickledLayer()]);
  strata = await startServer({ port: 0, host: '127.0.0.1', demoDir: false, allowHosts: [reg.host], log: () => undefined });
});

test.afterAll(async () => {
  await strata?.close();
  await reg?.close();
});

test('rows show while the layer streams, the selection survives the refresh, and a cached reopen shows rows', async ({ page }, info) => {
  test.setTimeout(90_000);
  await page.goto(strata.url);
  await page.getByRole('combobox', { name: 'Registry', exact: true }).selectOption({ label: 'Custom host' });
  await page.getByRole('combobox', { name: 'Image reference' }).fill(`${reg.host}/stream/rows:latest`);
  await page.getByRole('button', { name: 'Open', exact: true }).click();

  const partial = page.locator('.tree-partial');
  await expect(treeRow(page, '/z')).toBeVisible({ timeout: 30_000 });
  await expect(partial).toContainText(/layer 0 is loading — [\d,]+ entries so far/);
  await expect(page.locator('.overall')).not.toContainText('Ready');
  await expect(layerOption(page, 0)).not.toContainText(/verified|cached/);
  await snap(page, info, 'rows-while-streaming');
  await treeRow(page, '/z').click();
  await expect(treeRow(page, '/z')).toHaveAttribute('aria-selected', 'true');

  await waitForReady(page);
  await expect(partial).toHaveCount(0);
  await expect(treeRow(page, '/a')).toBeVisible();
  await expect(treeRow(page, '/z')).toHaveAttribute('aria-selected', 'true');
  await expect(treeRow(page, '/a')).toHaveAttribute('aria-selected', 'false');

  await page.reload();
  await waitForReady(page);
  await expect(layerOption(page, 0)).toContainText('cached');
  await expect(treeRow(page, '/a')).toBeVisible();
  await expect(treeRow(page, '/z')).toBeVisible();
  await snap(page, info, 'cached-reopen');
});
