// Parser from a tokenized command line to typed simulator commands (cat, echo, dd, truncate, touch, mkdir, rm,
// rmdir, mv, chmod, chown, ln, `: > F`, `: <> F`, exec fd redirections). Pure; clear errors for anything else.
import { err, ok, type Result } from '../result.ts';
import { tokenizeCommandLine, type RedirectOp, type Token } from './command-tokenizer.ts';
import { parseChmod, parseChown, parseSize, parseDdOperands, type ModeChange } from './command-operands.ts';

export type OpenMode = 'read' | 'write-trunc' | 'append' | 'read-write';
export type WriteTarget = { readonly kind: 'path'; readonly path: string } | { readonly kind: 'fd'; readonly fd: number };

export type Command =
  | { readonly kind: 'cat'; readonly paths: readonly string[]; readonly fd?: number }
  | { readonly kind: 'write'; readonly text: string; readonly target: WriteTarget; readonly append: boolean }
  | { readonly kind: 'dd'; readonly path: string; readonly offset: number; readonly length: number; readonly truncate: boolean; readonly append: boolean; readonly zeros: boolean }
  | { readonly kind: 'truncate'; readonly paths: readonly string[]; readonly size: number; readonly relative: boolean; readonly create: boolean }
  | { readonly kind: 'open'; readonly path: string; readonly mode: OpenMode; readonly fd?: number }
  | { readonly kind: 'close'; readonly fd: number }
  | { readonly kind: 'touch'; readonly paths: readonly string[]; readonly create: boolean }
  | { readonly kind: 'mkdir'; readonly paths: readonly string[]; readonly parents: boolean }
  | { readonly kind: 'rm'; readonly paths: readonly string[]; readonly recursive: boolean; readonly force: boolean }
  | { readonly kind: 'rmdir'; readonly paths: readonly string[] }
  | { readonly kind: 'mv'; readonly sources: readonly string[]; readonly dest: string }
  | { readonly kind: 'chmod'; readonly change: ModeChange; readonly paths: readonly string[] }
  | { readonly kind: 'chown'; readonly uid?: number; readonly gid?: number; readonly paths: readonly string[] }
  | { readonly kind: 'ln'; readonly target: string; readonly linkPath: string; readonly symbolic: boolean };

/** One simple command with the text it came from and how it joins the next one. */
export type ParsedStep = { readonly text: string; readonly command: Command; readonly then: '&&' | ';' | 'end' };

const SUPPORTED = 'cat, echo, dd, truncate, touch, mkdir, rm, rmdir, mv, chmod, chown, ln, ": > F", ": <> F", exec N<F / N<>F / N>&-';

type Redirect = { fd: number | undefined; op: RedirectOp; target: string };
type Simple = { words: string[]; redirects: Redirect[]; text: string };

/** Parses a command line (simple commands joined by && or ;) into typed steps. */
export function parseCommandLine(line: string): Result<ParsedStep[]> {
  const tokens = tokenizeCommandLine(line);
  if (!tokens.ok) return tokens;
  const groups: { simple: Simple; then: '&&' | ';' | 'end' }[] = [];
  let current: Token[] = [];
  for (const t of [...tokens.value, undefined]) {
    if (t === undefined || t.kind === 'separator') {
      if (current.length === 0) {
        if (t === undefined && groups.length > 0 && groups[groups.length - 1]!.then === ';') break;
        return err('COMMAND_SYNTAX', t === undefined ? 'empty command line' : `nothing before "${t.op}"`);
      }
      const simple = toSimple(current, line);
      if (!simple.ok) return simple;
      groups.push({ simple: simple.value, then: t === undefined ? 'end' : t.op });
      current = [];
    } else current.push(t);
  }
  const steps: ParsedStep[] = [];
  for (const g of groups) {
    const command = toCommand(g.simple);
    if (!command.ok) return err(command.error.code, `${g.simple.text}: ${command.error.message}`);
    steps.push({ text: g.simple.text, command: command.value, then: g.then });
  }
  if (steps.length > 0 && steps[steps.length - 1]!.then === ';') steps[steps.length - 1] = { ...steps[steps.length - 1]!, then: 'end' };
  return ok(steps);
}

function toSimple(tokens: readonly Token[], line: string): Result<Simple> {
  const words: string[] = [];
  const redirects: Redirect[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') { words.push(t.value); continue; }
    if (t.kind !== 'redirect') continue;
    const next = tokens[i + 1];
    if (!next || next.kind !== 'word' || next.value === '') return err('COMMAND_SYNTAX', `"${t.op}" needs a target`);
    redirects.push({ fd: t.fd, op: t.op, target: next.value });
    i++;
  }
  return ok({ words, redirects, text: line.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end) });
}

const fdNumber = (s: string): number | undefined => (/^\d$/.test(s) ? Number(s) : undefined);

function toCommand(s: Simple): Result<Command> {
  const [name, ...args] = s.words;
  if (name === undefined) return err('COMMAND_UNSUPPORTED', `a redirection needs a command; use ":" as in ": > file"`);
  const flags = (allowed: string) => splitFlags(args, allowed);
  const noRedirects = (): Result<true> => (s.redirects.length > 0 ? err('COMMAND_UNSUPPORTED', `${name} does not take redirections here`) : ok(true));
  switch (name) {
    case ':':
    case 'exec': {
      if (args.length > 0) return err('COMMAND_UNSUPPORTED', `${name} takes only redirections, e.g. "${name === ':' ? ': > F' : 'exec 3<> F'}"`);
      const r = s.redirects[0];
      if (r === undefined || s.redirects.length > 1) return err('COMMAND_UNSUPPORTED', `${name} needs exactly one redirection`);
      if (r.op === '>&' || r.op === '<&') {
        if (name !== 'exec' || r.target !== '-' || r.fd === undefined) return err('COMMAND_UNSUPPORTED', 'only "exec N>&-" (close fd N) is supported with >& or <&');
        return ok({ kind: 'close', fd: r.fd });
      }
      const mode: OpenMode = r.op === '>' ? 'write-trunc' : r.op === '>>' ? 'append' : r.op === '<>' ? 'read-write' : 'read';
      const fd = name === 'exec' ? r.fd ?? (r.op === '<' || r.op === '<>' ? 0 : 1) : undefined;
      if (fd !== undefined && fd < 3) return err('COMMAND_UNSUPPORTED', 'use an fd number from 3 to 9 with exec');
      return ok({ kind: 'open', path: r.target, mode, ...(fd === undefined ? {} : { fd }) });
    }
    case 'cat': {
      const r = s.redirects;
      if (r.length === 1 && r[0]!.op === '<&' && r[0]!.fd === undefined && args.length === 0) {
        const fd = fdNumber(r[0]!.target);
        if (fd === undefined) return err('COMMAND_SYNTAX', 'cat <&N needs an fd number');
        return ok({ kind: 'cat', paths: [], fd });
      }
      if (r.length > 0) return err('COMMAND_UNSUPPORTED', 'cat takes paths or "<&N"; output redirection is not simulated');
      if (args.length === 0) return err('COMMAND_SYNTAX', 'cat needs a path');
      return ok({ kind: 'cat', paths: args });
    }
    case 'echo': {
      const newline = args[0] !== '-n';
      const text = (newline ? args : args.slice(1)).join(' ') + (newline ? '\n' : '');
      const r = s.redirects[0];
      if (r === undefined || s.redirects.length > 1 || (r.fd !== undefined && r.fd !== 1)) return err('COMMAND_UNSUPPORTED', 'echo needs one output redirection: > F, >> F or >&N');
      if (r.op === '>&') {
        const fd = fdNumber(r.target);
        if (fd === undefined) return err('COMMAND_SYNTAX', 'echo >&N needs an fd number');
        return ok({ kind: 'write', text, target: { kind: 'fd', fd }, append: false });
      }
      if (r.op !== '>' && r.op !== '>>') return err('COMMAND_UNSUPPORTED', `echo with "${r.op}" is not supported`);
      return ok({ kind: 'write', text, target: { kind: 'path', path: r.target }, append: r.op === '>>' });
    }
    case 'dd': {
      const nr = noRedirects();
      if (!nr.ok) return nr;
      return parseDdOperands(args);
    }
    case 'truncate': {
      const nr = noRedirects();
      if (!nr.ok) return nr;
      const f = flags('cs:');
      if (!f.ok) return f;
      const size = f.value.values.s;
      if (size === undefined) return err('COMMAND_SYNTAX', 'truncate needs -s SIZE');
      const relative = size.startsWith('+') || size.startsWith('-');
      const n = parseSize(size.replace(/^[+-]/, ''), 'truncate');
      if (!n.ok) return n;
      if (f.value.rest.length === 0) return err('COMMAND_SYNTAX', 'truncate needs a file');
      return ok({ kind: 'truncate', paths: f.value.rest, size: size.startsWith('-') ? -n.value : n.value, relative, create: !f.value.set.has('c') });
    }
    case 'touch':
    case 'mkdir':
    case 'rm':
    case 'rmdir': {
      const nr = noRedirects();
      if (!nr.ok) return nr;
      const f = flags(name === 'touch' ? 'c' : name === 'mkdir' ? 'p' : name === 'rm' ? 'rRf' : '');
      if (!f.ok) return f;
      if (f.value.rest.length === 0) return err('COMMAND_SYNTAX', `${name} needs a path`);
      const paths = f.value.rest;
      if (name === 'touch') return ok({ kind: 'touch', paths, create: !f.value.set.has('c') });
      if (name === 'mkdir') return ok({ kind: 'mkdir', paths, parents: f.value.set.has('p') });
      if (name === 'rmdir') return ok({ kind: 'rmdir', paths });
      return ok({ kind: 'rm', paths, recursive: f.value.set.has('r') || f.value.set.has('R'), force: f.value.set.has('f') });
    }
    case 'mv': {
      const nr = noRedirects();
      if (!nr.ok) return nr;
      const f = flags('f');
      if (!f.ok) return f;
      const rest = f.value.rest;
      if (rest.length < 2) return err('COMMAND_SYNTAX', 'mv needs a source and a destination');
      return ok({ kind: 'mv', sources: rest.slice(0, -1), dest: rest[rest.length - 1]! });
    }
    case 'chmod':
    case 'chown': {
      const nr = noRedirects();
      if (!nr.ok) return nr;
      const [spec, ...paths] = args;
      if (spec === undefined || paths.length === 0) return err('COMMAND_SYNTAX', `${name} needs a ${name === 'chmod' ? 'mode' : 'owner'} and a path`);
      if (spec.startsWith('-') && !/^-[rwxXst]+$/.test(spec)) return err('COMMAND_UNSUPPORTED', `${name} options are not supported`);
      if (name === 'chmod') {
        const change = parseChmod(spec);
        return change.ok ? ok({ kind: 'chmod', change: change.value, paths }) : change;
      }
      const owner = parseChown(spec);
      return owner.ok ? ok({ kind: 'chown', ...owner.value, paths }) : owner;
    }
    case 'ln': {
      const nr = noRedirects();
      if (!nr.ok) return nr;
      const f = flags('s');
      if (!f.ok) return f;
      if (f.value.rest.length !== 2) return err('COMMAND_SYNTAX', 'ln needs exactly TARGET and LINK_NAME');
      return ok({ kind: 'ln', target: f.value.rest[0]!, linkPath: f.value.rest[1]!, symbolic: f.value.set.has('s') });
    }
    default:
      return err('COMMAND_UNSUPPORTED', `"${name}" is not a simulated command (supported: ${SUPPORTED})`);
  }
}

type Flags = { set: Set<string>; values: Record<string, string>; rest: string[] };

/** getopt-style short flags; a letter followed by ':' in `allowed` takes a value. */
function splitFlags(args: readonly string[], allowed: string): Result<Flags> {
  const out: Flags = { set: new Set(), values: {}, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { out.rest.push(...args.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { out.rest.push(a); continue; }
    if (a.startsWith('--')) return err('COMMAND_UNSUPPORTED', `long option "${a}" is not supported`);
    for (let j = 1; j < a.length; j++) {
      const letter = a[j]!;
      const at = allowed.indexOf(letter);
      if (at < 0) return err('COMMAND_UNSUPPORTED', `option -${letter} is not supported${allowed ? ` (supported: ${allowed.replace(/:/g, '').split('').map((l) => `-${l}`).join(' ')})` : ''}`);
      if (allowed[at + 1] === ':') {
        const value = a.slice(j + 1) || args[++i];
        if (value === undefined) return err('COMMAND_SYNTAX', `option -${letter} needs a value`);
        out.values[letter] = value;
        break;
      }
      out.set.add(letter);
    }
  }
  return ok(out);
}
