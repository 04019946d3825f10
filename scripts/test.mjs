#!/usr/bin/env node
// The README's test command: provisions system packages, then lint, typecheck, unit + integration tests
// (node:test via tsx) and browser tests (Playwright on Debian's Chromium). Prints one summary line at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const SYSTEM = [
  { bin: '/usr/bin/chromium', pkg: 'chromium' },
  { bin: '/usr/bin/docker-registry', pkg: 'docker-registry' },
  { bin: '/usr/bin/skopeo', pkg: 'skopeo' },
  { bin: '/usr/bin/pigz', pkg: 'pigz' },
  { bin: '/usr/bin/zstd', pkg: 'zstd' },
];

function provision() {
  const missing = SYSTEM.filter((s) => !existsSync(s.bin)).map((s) => s.pkg);
  if (missing.length === 0) return true;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() === 0) {
    console.log(`strata test: installing ${missing.join(', ')} with apt-get`);
    const r = spawnSync('bash', ['-c', `DEBIAN_FRONTEND=noninteractive ${cmd}`], { stdio: 'inherit' });
    if (r.status === 0) return true;
  }
  console.error(`strata test: missing system packages ${missing.join(', ')}. Install them with:\n  sudo ${cmd}`);
  return false;
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(root, p));
  }
  return out;
}

function run(label, cmd, args, opts = {}) {
  return new Promise((resolve) => {
    console.log(`\n── ${label}: ${cmd} ${args.join(' ')}`);
    let tail = '';
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...opts.env } });
    child.stdout.on('data', (d) => { process.stdout.write(d); tail = (tail + d.toString()).slice(-4000); });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

const counts = { passed: 0, failed: 0, skipped: 0 };
let ok = true;
const need = (step) => !only || only === step;

if (!provision()) ok = false;
if (ok && need('lint')) ok = (await run('lint', 'npx', ['eslint', '.'])).code === 0 && ok;
if (need('typecheck')) {
  for (const p of ['core', 'app', 'worker', 'node']) {
    const r = await run(`typecheck ${p}`, 'npx', ['tsc', '-p', `tsconfig.${p}.json`]);
    if (r.code !== 0) ok = false;
  }
}
if (need('unit')) {
  const dirs = ['src', 'server', 'cli', 'scripts', 'bench'].filter((d) => existsSync(join(root, d)));
  const files = dirs.flatMap((d) => findTests(join(root, d))).sort();
  const r = await run('node tests', process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files]);
  const num = (k) => Number(new RegExp(`ℹ ${k} (\\d+)`).exec(r.tail)?.[1] ?? 0);
  counts.passed += num('pass'); counts.failed += num('fail'); counts.skipped += num('skipped');
  if (r.code !== 0) { ok = false; if (num('fail') === 0) counts.failed += 1; }
}
if (need('e2e') && existsSync(join(root, 'e2e'))) {
  const specs = readdirSync(join(root, 'e2e')).filter((f) => f.endsWith('.spec.ts'));
  if (specs.length > 0) {
    const r = await run('browser tests', 'npx', ['playwright', 'test']);
    const m = (k) => Number(new RegExp(`(\\d+) ${k}`).exec(r.tail)?.[1] ?? 0);
    counts.passed += m('passed'); counts.failed += m('failed'); counts.skipped += m('skipped');
    if (r.code !== 0) { ok = false; if (m('failed') === 0) counts.failed += 1; }
  }
}
console.log(`\nstrata: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(ok && counts.failed === 0 ? 0 : 1);
