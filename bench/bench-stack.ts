// What the browser benchmarks run against (node side): Debian's docker-registry, strata serve over a bundle in
// `distDir` with the registry allowed, and headless Debian Chromium; close() stops all three. Not a test.
import { chromium, type Browser } from 'playwright-core';
import { startServer } from '../server/serve.ts';
import { chromiumLaunch } from '../src/testing/chromium-launch.ts';
import { startRealRegistry, type RealRegistry } from '../src/testing/real-registry.ts';

export type BenchStack = {
  readonly registry: RealRegistry;
  readonly server: Awaited<ReturnType<typeof startServer>>;
  readonly browser: Browser;
  close(): Promise<void>;
};

type Relay = { readonly host: string; close(): Promise<void> };

/**
 * Starts the registry, then `relay` in front of it if given (strata serve allows it too; close() stops it), then
 * strata serve, then Chromium with `flags`.
 */
export async function startBenchStack<R extends Relay>(distDir: string, options: { flags?: string[]; relay?: (registry: RealRegistry) => Promise<R> } = {}): Promise<BenchStack & { readonly relay: R | undefined }> {
  const registry = await startRealRegistry();
  const extra = options.relay ? await options.relay(registry) : undefined;
  const server = await startServer({ port: 0, host: '127.0.0.1', demoDir: false, distDir, allowHosts: [registry.host, ...(extra ? [extra.host] : [])], log: () => undefined });
  const browser = await chromium.launch(chromiumLaunch(...(options.flags ?? [])));
  return {
    registry, server, browser, relay: extra,
    async close() {
      await browser.close();
      await server.close();
      await extra?.close();
      await registry.stop();
    },
  };
}
