// Test kit for the CLI tests: runs `node cli/strata.mjs …` and returns its exit code and output.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const STRATA_BIN = resolve(import.meta.dirname, 'strata.mjs');
export const FIXTURES = resolve(import.meta.dirname, '../../shared/fixtures/dive');

export async function strata(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [STRATA_BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
