// Operand parsers for the simulated commands: sizes with coreutils suffixes, chmod modes (octal and symbolic),
// chown owners, dd operands. Pure.
import { err, ok, type Result } from '../result.ts';
import type { Command } from './command-parser.ts';

export type ModeChange =
  | { readonly kind: 'absolute'; readonly mode: number }
  | { readonly kind: 'symbolic'; readonly clauses: readonly { who: number; op: '+' | '-' | '='; bits: number }[] };

const SUFFIX: Record<string, number> = {
  '': 1, c: 1, w: 2, b: 512, K: 1024, KiB: 1024, k: 1024, kB: 1000, KB: 1000, M: 1024 ** 2, MiB: 1024 ** 2, MB: 1e6,
  G: 1024 ** 3, GiB: 1024 ** 3, GB: 1e9, T: 1024 ** 4, TiB: 1024 ** 4, TB: 1e12,
};

/** Parses "4K", "100M", "512", "1MiB" (coreutils: K = 1024, KB = 1000). */
export function parseSize(text: string, what: string): Result<number> {
  const m = /^(\d+)([A-Za-z]*)$/.exec(text);
  const mult = m ? SUFFIX[m[2]!] : undefined;
  if (!m || mult === undefined) return err('COMMAND_SYNTAX', `${what}: "${text}" is not a size (e.g. 512, 4K, 100M, 1MB)`);
  const n = Number(m[1]) * mult;
  if (!Number.isSafeInteger(n)) return err('COMMAND_SYNTAX', `${what}: size "${text}" is too large`);
  return ok(n);
}

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007, a: 0o7777 };
const PERM: Record<string, number> = { r: 0o444, w: 0o222, x: 0o111, X: 0o111, s: 0o6000, t: 0o1000 };

/** chmod MODE: octal (755, 0644) or symbolic clauses (u+x, go-w, a=r, +x). */
export function parseChmod(spec: string): Result<ModeChange> {
  if (/^[0-7]{1,4}$/.test(spec)) return ok({ kind: 'absolute', mode: parseInt(spec, 8) });
  const clauses: { who: number; op: '+' | '-' | '='; bits: number }[] = [];
  for (const part of spec.split(',')) {
    const m = /^([ugoa]*)([+=-])([rwxXst]*)$/.exec(part);
    if (!m) return err('COMMAND_SYNTAX', `chmod: "${spec}" is not a mode (use 644 or u+x,go-w)`);
    const who = m[1] === '' ? 0o7777 : [...m[1]!].reduce((acc, c) => acc | WHO[c]!, 0);
    const bits = [...m[3]!].reduce((acc, c) => acc | PERM[c]!, 0);
    clauses.push({ who, op: m[2] as '+' | '-' | '=', bits });
  }
  return ok({ kind: 'symbolic', clauses });
}

/** Applies a chmod change to the 12 permission bits. */
export function applyModeChange(mode: number, change: ModeChange): number {
  if (change.kind === 'absolute') return change.mode & 0o7777;
  let m = mode & 0o7777;
  for (const c of change.clauses) {
    const bits = c.bits & c.who;
    if (c.op === '+') m |= bits;
    else if (c.op === '-') m &= ~bits;
    else m = (m & ~c.who) | bits;
  }
  return m & 0o7777;
}

const NAMES: Record<string, number> = { root: 0, daemon: 1, bin: 2, nobody: 65534, nogroup: 65534 };

function parseId(text: string): Result<number> {
  if (/^\d+$/.test(text)) return ok(Number(text));
  const id = NAMES[text];
  return id === undefined ? err('COMMAND_UNSUPPORTED', `chown: the name "${text}" is not known here; use a numeric id`) : ok(id);
}

/** chown OWNER[:GROUP] or :GROUP. */
export function parseChown(spec: string): Result<{ uid?: number; gid?: number }> {
  const [user, group] = spec.split(/[:.]/, 2);
  const out: { uid?: number; gid?: number } = {};
  if (user) {
    const u = parseId(user);
    if (!u.ok) return u;
    out.uid = u.value;
  }
  if (group) {
    const g = parseId(group);
    if (!g.ok) return g;
    out.gid = g.value;
  }
  if (out.uid === undefined && out.gid === undefined) return err('COMMAND_SYNTAX', `chown: "${spec}" names no owner`);
  return ok(out);
}

/** dd operands: of= required, if= /dev/zero|/dev/urandom, bs=, count= (required), seek=, conv=notrunc, oflag=seek_bytes|append. */
export function parseDdOperands(args: readonly string[]): Result<Command> {
  const ops: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    const key = a.slice(0, eq);
    if (eq <= 0 || !['if', 'of', 'bs', 'obs', 'count', 'seek', 'oseek', 'conv', 'oflag', 'status'].includes(key)) {
      return err('COMMAND_UNSUPPORTED', `dd: operand "${a}" is not supported (if= of= bs= count= seek= conv=notrunc oflag=seek_bytes,append)`);
    }
    ops[key] = a.slice(eq + 1);
  }
  const input = ops.if ?? '/dev/zero';
  if (!['/dev/zero', '/dev/urandom', '/dev/random'].includes(input)) return err('COMMAND_UNSUPPORTED', 'dd: only if=/dev/zero or if=/dev/urandom can be simulated');
  if (ops.of === undefined) return err('COMMAND_SYNTAX', 'dd: of=FILE is required (writing to stdout is not simulated)');
  if (ops.count === undefined) return err('COMMAND_SYNTAX', 'dd: count= is required (the input never ends)');
  const bs = parseSize(ops.obs ?? ops.bs ?? '512', 'dd bs');
  const count = parseSize(ops.count, 'dd count');
  const seek = parseSize(ops.seek ?? ops.oseek ?? '0', 'dd seek');
  if (!bs.ok) return bs;
  if (!count.ok) return count;
  if (!seek.ok) return seek;
  if (bs.value === 0) return err('COMMAND_SYNTAX', 'dd: bs must be positive');
  const conv = (ops.conv ?? '').split(',').filter((c) => c !== '');
  const oflag = (ops.oflag ?? '').split(',').filter((c) => c !== '');
  for (const c of conv) if (!['notrunc', 'fsync', 'fdatasync'].includes(c)) return err('COMMAND_UNSUPPORTED', `dd: conv=${c} is not supported`);
  for (const f of oflag) if (!['seek_bytes', 'append', 'direct', 'sync', 'dsync'].includes(f)) return err('COMMAND_UNSUPPORTED', `dd: oflag=${f} is not supported`);
  const append = oflag.includes('append');
  return ok({
    kind: 'dd', path: ops.of, length: bs.value * count.value, offset: oflag.includes('seek_bytes') ? seek.value : seek.value * bs.value,
    truncate: !conv.includes('notrunc') && !append, append, zeros: input === '/dev/zero',
  });
}
