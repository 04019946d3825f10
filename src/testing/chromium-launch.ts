// How this project starts Debian's Chromium (Playwright cannot download browsers here): the executable and the
// flags the brief names. Shared by playwright.config.ts and the browser benches. Node side.
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
} as const;

/** The launch options with extra flags appended. */
export function chromiumLaunch(...extraArgs: string[]): { executablePath: string; args: string[] } {
  return { executablePath: CHROMIUM_LAUNCH.executablePath, args: [...CHROMIUM_LAUNCH.args, ...extraArgs] };
}
