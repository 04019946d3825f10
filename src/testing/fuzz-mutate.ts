// fast-check arbitraries for mutation fuzzing of byte formats (gzip, zstd), shared by the in-suite property tests
// and `npm run fuzz`: a seed changed by byte flips, cuts, inserts, duplicated slices, appended seeds and zero runs.
// Node-side test kit.
import fc from 'fast-check';

export type Mutation =
  | { readonly op: 'flip'; readonly at: number; readonly value: number }
  | { readonly op: 'cut'; readonly at: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: 'dup'; readonly from: number; readonly length: number; readonly at: number }
  | { readonly op: 'append'; readonly seed: number }
  | { readonly op: 'zeros'; readonly count: number };

export type MutatedInput = { readonly seed: number; readonly mutations: readonly Mutation[]; readonly chunks: readonly number[] };

export function mutationArbitrary(seedCount: number, maxMutations = 6): fc.Arbitrary<MutatedInput> {
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('cut' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('dup' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 600 }), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), seed: fc.integer({ min: 0, max: seedCount - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('zeros' as const), count: fc.integer({ min: 1, max: 1100 }) }) },
  );
  return fc.record({
    seed: fc.integer({ min: 0, max: seedCount - 1 }),
    mutations: fc.array(mutation, { maxLength: maxMutations }),
    chunks: fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }),
  });
}

/** Applies the mutations to a copy of the chosen seed. */
export function applyMutations(seeds: readonly Uint8Array[], m: MutatedInput): Uint8Array {
  let b: Uint8Array = Uint8Array.from(seeds[m.seed] ?? new Uint8Array(0));
  const splice = (at: number, remove: number, insert: Uint8Array): Uint8Array => {
    const out = new Uint8Array(b.length - remove + insert.length);
    out.set(b.subarray(0, at));
    out.set(insert, at);
    out.set(b.subarray(at + remove), at + insert.length);
    return out;
  };
  for (const x of m.mutations) {
    if (x.op === 'flip') {
      if (b.length > 0) b[x.at % b.length] = x.value;
    } else if (x.op === 'cut') {
      b = b.slice(0, x.at % (b.length + 1));
    } else if (x.op === 'insert') {
      b = splice(x.at % (b.length + 1), 0, x.bytes);
    } else if (x.op === 'dup') {
      if (b.length === 0) continue;
      const from = x.from % b.length;
      b = splice(x.at % (b.length + 1), 0, b.slice(from, from + x.length));
    } else if (x.op === 'append') {
      b = splice(b.length, 0, seeds[x.seed] ?? new Uint8Array(0));
    } else {
      b = splice(b.length, 0, new Uint8Array(x.count));
    }
  }
  return b;
}

/** Mutated input as saved in a regression file (hex bytes plus the chunking that failed). */
export function describeInput(bytes: Uint8Array, chunks: readonly number[]): { hex: string; chunks: number[] } {
  return { hex: Buffer.from(bytes).toString('hex'), chunks: [...chunks] };
}
