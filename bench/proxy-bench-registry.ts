// Registry and browser parts of the proxy benchmark (node driving headless Chromium): a real docker-registry that
// sends CORS headers (so a page on another origin can read blobs directly, the baseline), a large blob pushed into it,
// and one blob read to the end by fetch() in a Chromium page, as the app's worker reads layers.
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Digest } from '../src/core/oci/digest.ts';
import { pushBlobStream } from '../src/registry/push.ts';
import { chromiumLaunch } from '../src/testing/chromium-launch.ts';
import { startRealRegistry, type RealRegistry } from '../src/testing/real-registry.ts';
import { createTestClient } from '../src/testing/registry-test-kit.ts';

/**
 * docker-registry with `http: headers:` set so every answer carries CORS headers (distribution 2.8 reads config
 * overrides from REGISTRY_<SECTION>_<KEY> variables, the value parsed as YAML); set only while it starts.
 */
export async function startCorsRegistry(): Promise<RealRegistry> {
  const headers = {
    'Access-Control-Allow-Origin': ['*'],
    'Access-Control-Expose-Headers': ['Content-Length, Content-Range, Docker-Content-Digest, ETag'],
  };
  const previous = process.env.REGISTRY_HTTP_HEADERS;
  process.env.REGISTRY_HTTP_HEADERS = JSON.stringify(headers);
  try {
    return await startRealRegistry();
  } finally {
    if (previous === undefined) delete process.env.REGISTRY_HTTP_HEADERS;
    else process.env.REGISTRY_HTTP_HEADERS = previous;
  }
}

/** Pushes `bytes` bytes of a repeating pattern as one blob; returns its digest. */
export async function pushPatternBlob(host: string, repository: string, bytes: number): Promise<Digest> {
  const piece = new Uint8Array(1 << 20);
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 131 + (i >> 10)) & 0xff;
  const chunks = (async function* () {
    for (let sent = 0; sent < bytes; sent += piece.length) yield piece.subarray(0, Math.min(piece.length, bytes - sent));
  })();
  const pushed = await pushBlobStream(createTestClient(host), repository, chunks, { chunkSize: 64 << 20 });
  if (pushed.size !== bytes) throw new Error(`pushed ${pushed.size} of ${bytes} bytes`);
  return pushed.digest;
}

export type BrowserRead = { readonly status: number; readonly bytes: number; readonly ms: number };

export type BenchBrowser = {
  /** A page loaded from `url`: any answer will do, the page is there for its origin. */
  pageAt(url: string): Promise<BenchPage>;
  readonly version: string;
  close(): Promise<void>;
};

export type BenchPage = {
  /** fetch(url) read to the end with a reader, as the worker reads a layer; no HTTP cache. */
  read(url: string): Promise<BrowserRead>;
};

/** Headless Chromium; `marker` is an extra (ignored) flag by which bench/thread-cpu.ts finds its processes. */
export async function launchBenchBrowser(marker: string): Promise<BenchBrowser> {
  const browser: Browser = await chromium.launch(chromiumLaunch(marker));
  return {
    version: browser.version(),
    async pageAt(url) {
      const page: Page = await browser.newPage();
      await page.goto(url);
      return {
        read: (target) => page.evaluate(async (u) => {
          const t = performance.now();
          const res = await fetch(u, { cache: 'no-store' });
          const reader = res.body!.getReader();
          let bytes = 0;
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            bytes += value.byteLength;
          }
          return { status: res.status, bytes, ms: performance.now() - t };
        }, target),
      };
    },
    close: () => browser.close(),
  };
}
