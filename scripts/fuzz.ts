// `npm run fuzz [-- --runs N --target tar|manifest|reference]`: long fuzzing runs (default 10^6 cases per target)
// with fast-check; a failing input is shrunk and saved to src/testing/fuzz-regressions/, which the test suite
// replays on every `npm test`.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { fuzzManifest, fuzzReference, fuzzTar, tarSeeds } from '../src/testing/fuzz-targets.ts';

const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const runs = Number(arg('runs') ?? 1_000_000);
const only = arg('target');
const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
const dir = resolve(import.meta.dirname, '../src/testing/fuzz-regressions');
const seeds = tarSeeds();

function save(target: string, c: { hex?: string; text?: string }): string {
  const name = `${target}-${createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 12)}.json`;
  writeFileSync(resolve(dir, name), `${JSON.stringify({ target, ...c }, null, 2)}\n`);
  return name;
}

const targets: Record<string, () => void> = {
  tar: () => fc.assert(fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(), (s, flips, cut) => {
    const base = seeds[s]!;
    const b = Uint8Array.from(base.subarray(0, cut % (base.length + 1)));
    for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
    try {
      if (fuzzTar(b, [1, 511]) !== fuzzTar(b)) throw new Error('chunking changed the result');
    } catch (e) {
      throw new Error(`${(e as Error).message}; saved ${save('tar', { hex: Buffer.from(b).toString('hex') })}`, { cause: e });
    }
  }), { numRuns: runs, seed }),
  manifest: () => fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
    const b = new TextEncoder().encode(JSON.stringify(v));
    try { fuzzManifest(b); } catch (e) { throw new Error(`${(e as Error).message}; saved ${save('manifest', { hex: Buffer.from(b).toString('hex') })}`, { cause: e }); }
  }), { numRuns: runs, seed }),
  reference: () => fc.assert(fc.property(fc.string({ maxLength: 120 }), (t) => {
    try { fuzzReference(t); } catch (e) { throw new Error(`${(e as Error).message}; saved ${save('reference', { text: t })}`, { cause: e }); }
  }), { numRuns: runs, seed }),
};

let failed = false;
for (const [name, run] of Object.entries(targets)) {
  if (only && only !== name) continue;
  const t = Date.now();
  try {
    run();
    console.log(`fuzz ${name}: ${runs} cases passed in ${((Date.now() - t) / 1000).toFixed(1)} s (seed ${seed})`);
  } catch (e) {
    failed = true;
    console.error(`fuzz ${name}: FAILED (seed ${seed})\n${(e as Error).message.slice(0, 2000)}`);
  }
}
process.exit(failed ? 1 : 0);
