// Property-based and mutation fuzzing inside `npm test` (≥ 100k cases in all): the tar reader, JSON, manifest,
// config and reference parsers never throw, hang or depend on chunking. `npm run fuzz` runs the long version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fuzzManifest, fuzzReference, fuzzTar, tarSeeds } from '../testing/fuzz-targets.ts';

const seeds = tarSeeds();
const mutation = fc.record({
  seed: fc.integer({ min: 0, max: seeds.length - 1 }),
  flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  chunks: fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 6 }),
});

function mutate(m: { seed: number; flips: { at: number; value: number }[]; cut: number | undefined }): Uint8Array {
  const base = seeds[m.seed]!;
  const out = Uint8Array.from(base.subarray(0, m.cut === undefined ? base.length : m.cut % (base.length + 1)));
  for (const f of m.flips) if (out.length > 0) out[f.at % out.length] = f.value;
  return out;
}

test('fuzz: mutated tar archives never throw and give the same index for any chunking (40k cases)', () => {
  fc.assert(fc.property(mutation, (m) => {
    const bytes = mutate(m);
    assert.equal(fuzzTar(bytes, m.chunks), fuzzTar(bytes));
  }), { numRuns: 40000, seed: 20261128 });
});

test('fuzz: random bytes as a tar never throw (10k cases)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => { fuzzTar(b, [97]); }), { numRuns: 10000, seed: 7 });
});

test('fuzz: manifest, index and config parsing of random and mutated JSON never throws (30k cases)', () => {
  const manifest = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'b'.repeat(64)}`, size: 10 }] }));
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => { fuzzManifest(new TextEncoder().encode(JSON.stringify(v))); }), { numRuns: 15000, seed: 11 });
  fc.assert(fc.property(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }), (flips) => {
    const b = Uint8Array.from(manifest);
    for (const f of flips) b[f.at % b.length] = f.value;
    fuzzManifest(b);
  }), { numRuns: 15000, seed: 12 });
});

test('fuzz: reference parsing never throws and parsed references round-trip (25k cases)', () => {
  const parts = fc.constantFrom('ubuntu', 'docker.io/', 'library/', 'ghcr.io/', 'localhost:5000/', ':', '@', 'sha256:', 'a'.repeat(64), '/', 'Tag', '_x', '..', '[::1]:5000/', 'docker://', '-', '.', 'A', '0');
  fc.assert(fc.property(fc.array(parts, { maxLength: 8 }).map((a) => a.join('')), fuzzReference), { numRuns: 15000, seed: 13 });
  fc.assert(fc.property(fc.string({ maxLength: 80 }), fuzzReference), { numRuns: 10000, seed: 14 });
});

test('fuzz regressions: every saved failing input stays fixed', () => {
  const dir = resolve(import.meta.dirname, '../testing/fuzz-regressions');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const c = JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as { target: string; hex?: string; text?: string };
    const bytes = Uint8Array.from(Buffer.from(c.hex ?? '', 'hex'));
    if (c.target === 'tar') fuzzTar(bytes, [1, 512, 4096]);
    else if (c.target === 'manifest') fuzzManifest(bytes);
    else if (c.target === 'reference') fuzzReference(c.text ?? '');
  }
});
