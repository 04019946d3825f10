// Inputs of the full benchmark (node; built once into bench/out, git-ignored): a ≥ 1 GB tar of real system files
// (/usr/share + /usr/lib/x86_64-linux-gnu) as gzip (pigz -6) and zstd (-3), and a tar of ≥ 1M small files with
// node_modules-like names written here from synthetic headers, as gzip. Digests and diffIds are kept in inputs.json.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tarHeader } from '../src/testing/tar-builder.ts';

export const OUT_DIR = resolve(import.meta.dirname, 'out');
const MIN_BIG_BYTES = 1_000_000_000;
export const SMALL_FILES = 1_000_000;

export type BenchBlob = {
  readonly name: string;
  readonly path: string;
  readonly compression: 'gzip' | 'zstd';
  readonly bytes: number;
  readonly tarBytes: number;
  readonly digest: string;
  readonly diffId: string;
  readonly entries: number;
};

function sh(cmd: string): string {
  return execFileSync('bash', ['-c', `set -o pipefail; ${cmd}`], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }).toString();
}

function sha256File(path: string): string {
  return `sha256:${sh(`openssl dgst -sha256 -r ${path}`).split(' ')[0]!.trim()}`;
}

function buildBigTar(tar: string): void {
  if (existsSync(tar) && statSync(tar).size >= MIN_BIG_BYTES) return;
  console.log('inputs: tar of /usr/share and /usr/lib/x86_64-linux-gnu (real system files) …');
  const dirs = ['usr/share', 'usr/lib/x86_64-linux-gnu'].filter((d) => existsSync(`/${d}`));
  sh(`tar -C / --ignore-failed-read -cf ${tar} ${dirs.join(' ')} 2>/dev/null || true`);
  if (statSync(tar).size < MIN_BIG_BYTES) sh(`tar -C / --ignore-failed-read -cf ${tar} ${dirs.join(' ')} usr/lib usr/bin 2>/dev/null || true`);
}

const ascii = new TextEncoder();
const template = tarHeader({ name: 'template', typeflag: '0', size: 0 });

/** tar-builder's header patched with another name, type and size (50x faster than building a million). */
export function writeHeader(into: Uint8Array, at: number, name: string, typeflag: number, size: number): void {
  into.set(template, at);
  into.fill(0, at, at + 100);
  ascii.encodeInto(name, into.subarray(at, at + 100));
  ascii.encodeInto(`${size.toString(8).padStart(11, '0')}\0`, into.subarray(at + 124, at + 136));
  if (typeflag === 0x35) ascii.encodeInto('0000755\0', into.subarray(at + 100, at + 108));
  into[at + 156] = typeflag;
  into.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let k = 0; k < 512; k++) sum += into[at + k]!;
  ascii.encodeInto(`${sum.toString(8).padStart(6, '0')}\0 `, into.subarray(at + 148, at + 156));
}

/** Streams a tar of SMALL_FILES small files (plus their directories) into `pigz -6`; returns tar size, diffId, entries. */
async function writeSmallTarGz(path: string): Promise<{ tarBytes: number; diffId: string; entries: number }> {
  console.log(`inputs: writing a tar of ${SMALL_FILES} small files (node_modules-like) through pigz -6 …`);
  const child = spawn('bash', ['-c', `pigz -6 -c > ${path}`], { stdio: ['pipe', 'inherit', 'inherit'] });
  const hash = createHash('sha256');
  const buf = new Uint8Array(8 << 20);
  let fill = 0;
  let tarBytes = 0;
  let entries = 0;
  const flush = async (): Promise<void> => {
    const piece = Buffer.from(buf.subarray(0, fill));
    hash.update(piece);
    tarBytes += fill;
    fill = 0;
    if (!child.stdin.write(piece)) await new Promise<void>((r) => child.stdin.once('drain', () => r()));
  };
  // Bodies are cut from 4 MiB of pseudo-random JS-ish words: about as compressible as real package sources.
  const words = ['const', 'return', 'function', 'require', 'module', 'exports', '=', '(', ')', '{', '}', ';\n', 'this', 'value', 'options', 'if', 'else', 'null', 'undefined', 'typeof', '===', 'new', 'Error', 'callback', 'err', 'data', 'length', 'push', 'key', 'index'];
  const corpus = new Uint8Array(4 << 20);
  let seed = 12345;
  for (let at = 0; at < corpus.length;) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const w = seed % 7 === 0 ? `v${seed % 9973}` : words[seed % words.length]!;
    at += ascii.encodeInto(`${w} `, corpus.subarray(at)).written;
  }
  const add = async (name: string, typeflag: number, size: number): Promise<void> => {
    if (fill + 512 + 1024 > buf.length) await flush();
    writeHeader(buf, fill, name, typeflag, size);
    fill += 512;
    entries++;
    if (size > 0) {
      const from = (entries * 104729) % (corpus.length - 1024);
      buf.set(corpus.subarray(from, from + size), fill);
      buf.fill(0, fill + size, fill + Math.ceil(size / 512) * 512);
      fill += Math.ceil(size / 512) * 512;
    }
  };
  const perDir = 25;
  for (let i = 0; i < SMALL_FILES; i++) {
    const p = Math.floor(i / 500);
    const pkg = `node_modules/@scope-${p % 17}/pkg-${p}`;
    const sub = `${pkg}/lib/sub-${Math.floor(i / perDir) % 20}`;
    if (i % 500 === 0) {
      await add(`${pkg}/`, 0x35, 0);
      await add(`${pkg}/lib/`, 0x35, 0);
    }
    if (i % perDir === 0) await add(`${sub}/`, 0x35, 0);
    await add(`${sub}/file-${i}.js`, 0x30, 40 + ((i * 7919) % 700));
  }
  buf.fill(0, fill, fill + 1024);
  fill += 1024;
  await flush();
  child.stdin.end();
  await new Promise<void>((ok, fail) => child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`pigz exited with ${code}`)))));
  return { tarBytes, diffId: `sha256:${hash.digest('hex')}`, entries };
}

/** Builds what is missing and returns the three blobs with digests (cached in inputs.json by size and mtime). */
export async function prepareInputs(): Promise<BenchBlob[]> {
  mkdirSync(OUT_DIR, { recursive: true });
  const metaPath = `${OUT_DIR}/inputs.json`;
  const cached = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as BenchBlob[]) : [];
  const fresh = (b: BenchBlob | undefined): b is BenchBlob => b !== undefined && existsSync(b.path) && statSync(b.path).size === b.bytes;
  const bigTar = `${OUT_DIR}/big.tar`;
  const out: BenchBlob[] = [];
  let bigDiffId: string | undefined;
  let bigEntries: number | undefined;
  for (const [name, compression, cmd] of [['big.tar.gz', 'gzip', 'pigz -6 -c'], ['big.tar.zst', 'zstd', 'zstd -3 -T0 -q -c']] as const) {
    const path = `${OUT_DIR}/${name}`;
    const old = cached.find((b) => b.name === name);
    if (fresh(old) && existsSync(bigTar) && statSync(bigTar).size === old.tarBytes) {
      out.push(old);
      continue;
    }
    buildBigTar(bigTar);
    if (!existsSync(path) || statSync(path).mtimeMs < statSync(bigTar).mtimeMs) {
      console.log(`inputs: ${cmd} big.tar > ${name} …`);
      sh(`${cmd} ${bigTar} > ${path}`);
    }
    bigDiffId ??= sha256File(bigTar);
    bigEntries ??= Number(sh(`tar -tf ${bigTar} | wc -l`).trim());
    out.push({ name, path, compression, bytes: statSync(path).size, tarBytes: statSync(bigTar).size, digest: sha256File(path), diffId: bigDiffId, entries: bigEntries });
  }
  const smallPath = `${OUT_DIR}/small.tar.gz`;
  const oldSmall = cached.find((b) => b.name === 'small.tar.gz');
  if (fresh(oldSmall)) out.push(oldSmall);
  else {
    const s = await writeSmallTarGz(smallPath);
    out.push({ name: 'small.tar.gz', path: smallPath, compression: 'gzip', bytes: statSync(smallPath).size, tarBytes: s.tarBytes, digest: sha256File(smallPath), diffId: s.diffId, entries: s.entries });
  }
  writeFileSync(metaPath, JSON.stringify(out, null, 2));
  return out;
}
