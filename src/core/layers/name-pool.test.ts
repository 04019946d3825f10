import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NamePool } from './name-pool.ts';

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'b', 'é', 'ß', '日', '😀', '\ud800', '\udc00', '\ufffd', '.', ''];

test('interning gives the ids a name → id map would, for ASCII, UTF-8, lone surrogates and the empty name', () => {
  for (let seed = 1; seed <= 5; seed++) {
    const rnd = random(seed);
    const pool = new NamePool();
    const model = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      let name = '';
      const len = Math.floor(rnd() * 4);
      for (let k = 0; k < len; k++) name += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
      if (rnd() < 0.3) name += String(Math.floor(rnd() * 5000));
      assert.equal(pool.find(name), model.get(name) ?? -1, `find ${JSON.stringify(name)}`);
      let id = model.get(name);
      if (id === undefined) model.set(name, (id = model.size));
      assert.equal(pool.intern(name), id, `intern ${JSON.stringify(name)}`);
    }
    assert.equal(pool.count, model.size);
    for (const [name, id] of model) if (!/[\ud800-\udfff]/.test(name)) assert.equal(pool.name(id), name);
  }
});

test('a frozen pool finds nothing and refuses to intern; a thawed restored pool interns on from its names', () => {
  const pool = new NamePool();
  const names = Array.from({ length: 5000 }, (_, i) => `file-${i}.js`);
  for (const n of names) pool.intern(n);
  pool.freeze();
  assert.equal(pool.frozen, true);
  assert.equal(pool.find('file-1.js'), -1);
  assert.throws(() => pool.intern('x'));
  const parts = pool.exportParts();
  const restored = new NamePool();
  restored.restoreParts(parts.bytes.slice(), parts.offsets.slice(), parts.count);
  restored.thaw();
  assert.equal(restored.frozen, false);
  for (let i = 0; i < names.length; i++) assert.equal(restored.find(names[i]!), i);
  assert.equal(restored.intern('file-42.js'), 42);
  assert.equal(restored.intern('new'), names.length);
  assert.equal(restored.name(names.length), 'new');
});
