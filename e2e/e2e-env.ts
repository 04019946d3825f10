// Shared constants of the browser tests: the private registry's user, and the URLs global-setup.ts exports.
// Node side.

export const E2E_USER = { username: 'strata', password: 'e2e-secret' } as const;

export function e2eUrl(): string {
  const url = process.env.STRATA_E2E_URL;
  if (url === undefined) throw new Error('STRATA_E2E_URL is not set: run the tests with `npx playwright test` (global setup starts the server)');
  return url;
}

export function e2eRegistry(): string {
  const host = process.env.STRATA_E2E_REGISTRY;
  if (host === undefined) throw new Error('STRATA_E2E_REGISTRY is not set: run the tests with `npx playwright test`');
  return host;
}

/** The dive project's docker-save fixture, read in place (never copied into the repo). */
export const DIVE_ARCHIVE = fileFromHere('../../shared/fixtures/dive/test-docker-image.tar');

function fileFromHere(relative: string): string {
  return new URL(relative, import.meta.url).pathname;
}
