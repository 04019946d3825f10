// Helpers for registry-client tests (Node): a fake clock that records sleeps instead of waiting, a client wired to
// a fake or real registry through the direct transport with an optional request log, and a per-file fake registry.
import { after, afterEach } from 'node:test';
import type { Clock } from '../registry/clock.ts';
import { RegistryClient, type RegistryClientOptions } from '../registry/registry-client.ts';
import { createDirectTransport } from '../registry/transport.ts';
import { FakeRegistry, type FakeRegistryOptions } from './fake-registry.ts';

export type FakeClock = Clock & { readonly sleeps: number[]; advance(ms: number): void };

/** now() starts at a fixed time; sleep() returns at once, records the delay and moves time forward. */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      t += ms;
      await Promise.resolve();
    },
  };
}

export type FetchLog = { readonly url: string; readonly method: string; readonly headers: Headers }[];

/** A client for `host` (host:port) with the direct transport; every fetch is logged to `log`. */
export function createTestClient(host: string, options: Partial<RegistryClientOptions> & { log?: FetchLog; fetch?: typeof fetch } = {}): RegistryClient {
  const log = options.log;
  const inner = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const logged: typeof fetch = (input, init) => {
    log?.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers) });
    // Safety net: tests never send traffic off this machine, even when the code under test is wrong.
    const host = new URL(String(input)).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
      return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error(`test guard: ${host} is not loopback`), { code: 'ENOTFOUND' }) }));
    }
    return inner(input, init);
  };
  return new RegistryClient({
    registry: host,
    transport: createDirectTransport({ fetch: logged }),
    clock: createFakeClock(),
    ...options,
  });
}

/** Reads an async iterable of chunks into one array. */
export async function drain(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** Awaits a promise expected to reject and returns the error. */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; status?: number; retryAfterMs?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/**
 * Starts a fake registry for the calling test file, seeded by `seed`; its scripted faults are cleared after each
 * test and it is closed after the file. Call at module top level: `const fake = await useFakeRegistry(...)`.
 */
export async function useFakeRegistry(options: FakeRegistryOptions = {}, seed: (fake: FakeRegistry) => void = () => undefined): Promise<FakeRegistry> {
  const fake = await FakeRegistry.start(options);
  seed(fake);
  afterEach(() => fake.clearFaults());
  after(() => fake.close());
  return fake;
}
