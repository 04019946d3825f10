// `npm run fuzz [-- --runs N --seconds S --target NAME[,NAME] --seed N]`: long fuzzing runs (default 10^6 cases per
// target, optionally cut at S seconds per target) with fast-check; a failing input is shrunk and saved to
// src/testing/fuzz-regressions/, which the test suite replays on every `npm test`. Targets: tar, manifest, reference,
// gzip, zstd, proxy-host, proxy-url, proxy-dns, proxy-realm.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { applyMutations, mutationArbitrary } from '../src/testing/fuzz-mutate.ts';
import { fuzzManifest, fuzzReference, fuzzTar, tarSeeds } from '../src/testing/fuzz-targets.ts';
import { fuzzGunzip, fuzzUnzstd, gzipSeeds, zstdSeeds } from '../src/testing/fuzz-targets-codecs.ts';
import { dnsAnswer, fuzzAuthority, fuzzDnsAnswer, fuzzHost, fuzzProxyUrl, fuzzRealm, hostString, ipv4Encoding, proxyUrl, realmUrl } from '../src/testing/fuzz-targets-proxy.ts';

const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const runs = Number(arg('runs') ?? 1_000_000);
const seconds = arg('seconds') === undefined ? undefined : Number(arg('seconds'));
const only = arg('target')?.split(',');
const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
const dir = resolve(import.meta.dirname, '../src/testing/fuzz-regressions');
const seeds = tarSeeds();
const gz = gzipSeeds();
const zs = zstdSeeds();
/** A case slower than this is reported as a hang (inputs are a few KiB; fzstd may allocate a 128 MiB window, slow on a busy machine). */
const CASE_MS = 20_000;
let slowest = 0;

function save(target: string, c: Record<string, unknown>): string {
  const name = `${target}-${createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 12)}.json`;
  writeFileSync(resolve(dir, name), `${JSON.stringify({ target, ...c }, null, 2)}\n`);
  return name;
}

/** The input of the last failing case; after shrinking that is the smallest one, the only one saved. */
type Failure = { target: string; input: Record<string, unknown> };
let lastFailure: Failure | undefined;

/** Ends a case: its time counts towards the slowest, and one over CASE_MS is a hang. */
function endCase(start: number): void {
  const ms = performance.now() - start;
  slowest = Math.max(slowest, ms);
  if (ms > CASE_MS) throw new Error(`case took ${ms.toFixed(0)} ms (a hang)`);
}

/** Runs one case, timing it; a failure is remembered for saving once shrinking is done. */
async function guard(target: string, input: Record<string, unknown>, run: () => unknown): Promise<void> {
  const start = performance.now();
  try {
    await run();
    endCase(start);
  } catch (e) {
    lastFailure = { target, input };
    throw e;
  }
}

/** The same for synchronous targets. */
function guardSync(target: string, input: Record<string, unknown>, run: () => void): void {
  const start = performance.now();
  try {
    run();
    endCase(start);
  } catch (e) {
    lastFailure = { target, input };
    throw e;
  }
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

type Params = { numRuns: number; seed: number; interruptAfterTimeLimit?: number; markInterruptAsFailure?: boolean };
type Outcome = { failed: boolean; interrupted: boolean; numRuns: number; counterexamplePath: string | null; errorInstance: unknown };
type Target = (params: Params) => Outcome | Promise<Outcome>;
const targets: Record<string, Target> = {
  tar: (params) => fc.check(fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(), (s, flips, cut) => {
    const base = seeds[s]!;
    const b = Uint8Array.from(base.subarray(0, cut % (base.length + 1)));
    for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
    guardSync('tar', { hex: hex(b) }, () => { if (fuzzTar(b, [1, 511]) !== fuzzTar(b)) throw new Error('chunking changed the result'); });
  }), params),
  manifest: (params) => fc.check(fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
    const b = new TextEncoder().encode(JSON.stringify(v));
    guardSync('manifest', { hex: hex(b) }, () => fuzzManifest(b));
  }), params),
  reference: (params) => fc.check(fc.property(fc.string({ maxLength: 120 }), (t) => {
    guardSync('reference', { text: t }, () => fuzzReference(t));
  }), params),
  gzip: (params) => fc.check(fc.asyncProperty(mutationArbitrary(gz.length, 8), fc.integer({ min: 0, max: 3 }), async (m, k) => {
    const b = applyMutations(gz, m);
    await guard('gzip', { hex: hex(b), chunks: m.chunks }, () => fuzzGunzip(b, m.chunks, k === 0));
  }), params),
  zstd: (params) => fc.check(fc.asyncProperty(mutationArbitrary(zs.length, 8), fc.constantFrom(1024, 64 * 1024, 1 << 20, 32 << 20, 1 << 30), async (m, w) => {
    const b = applyMutations(zs, m);
    await guard('zstd', { hex: hex(b), chunks: m.chunks, maxWindowBytes: w }, () => fuzzUnzstd(b, m.chunks, w));
  }), params),
  'proxy-host': (params) => fc.check(fc.property(fc.oneof(ipv4Encoding, hostString.map((text) => ({ text, value: undefined }))), (e) => {
    guardSync('proxy-host', { text: e.text, ...(e.value === undefined ? {} : { value: e.value }) }, () => { fuzzHost(e.text, e.value === undefined ? undefined : { value: e.value }); fuzzAuthority(e.text); });
  }), params),
  'proxy-url': (params) => fc.check(fc.property(proxyUrl, (u) => guardSync('proxy-url', { text: u }, () => fuzzProxyUrl(u))), params),
  'proxy-dns': (params) => fc.check(fc.property(dnsAnswer, (a) => guardSync('proxy-dns', { text: a }, () => fuzzDnsAnswer(a))), params),
  'proxy-realm': (params) => fc.check(fc.property(realmUrl, (r) => guardSync('proxy-realm', { text: r }, () => fuzzRealm(r))), params),
};

let failed = false;
for (const [name, target] of Object.entries(targets)) {
  if (only && !only.includes(name)) continue;
  const t = Date.now();
  slowest = 0;
  lastFailure = undefined;
  const params = { numRuns: runs, seed, ...(seconds === undefined ? {} : { interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false }) };
  const details = await target(params);
  const time = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  if (details.failed) {
    failed = true;
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const failure = lastFailure as Failure | undefined; // set inside the property callbacks
    const saved = failure ? `; saved src/testing/fuzz-regressions/${save(failure.target, failure.input)}` : '';
    console.error(`fuzz ${name}: FAILED after ${details.numRuns} cases in ${time} (seed ${seed}, path ${details.counterexamplePath ?? '?'})${saved}\n${cause.slice(0, 2000)}`);
  } else {
    console.log(`fuzz ${name}: ${details.numRuns} cases passed in ${time}${details.interrupted ? ' (time limit)' : ''}, slowest case ${slowest.toFixed(1)} ms (seed ${seed})`);
  }
}
process.exit(failed ? 1 : 0);
