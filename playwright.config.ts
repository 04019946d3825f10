// Playwright browser tests (one spec per user journey) on Debian's Chromium against a real `strata serve` and a real
// distribution registry started by e2e/global-setup.ts. Run: npx playwright test. Node side.
import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './src/testing/chromium-launch.ts';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunch(),
  },
});
