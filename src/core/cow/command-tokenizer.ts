// Tokenizer for the simulator's shell-like command lines: words with '…' / "…" quoting and backslash escapes,
// redirections (>, >>, <, <>, >&N, <&N with an optional fd number) and the separators && and ;. Pure.
import { err, ok, type Result } from '../result.ts';

export type Token =
  | { readonly kind: 'word'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'redirect'; readonly fd: number | undefined; readonly op: RedirectOp; readonly start: number; readonly end: number }
  | { readonly kind: 'separator'; readonly op: '&&' | ';'; readonly start: number; readonly end: number };

export type RedirectOp = '>' | '>>' | '<' | '<>' | '>&' | '<&';

const UNSUPPORTED: Record<string, string> = {
  '|': 'pipes (|) are not supported; run one command per step',
  '&': 'background jobs (&) and || are not supported; use && or ;',
  '`': 'command substitution is not supported',
  $: 'variables and $(…) are not supported; write the value out',
  '(': 'subshells are not supported',
  ')': 'subshells are not supported',
  '*': 'globs are not supported; name each path',
  '?': 'globs are not supported; name each path',
  '[': 'globs are not supported; name each path',
  '{': 'brace expansion is not supported; name each path',
  '~': 'tilde expansion is not supported; use an absolute path',
  '\n': 'one line at a time, please',
};

/** Splits a command line into tokens, or explains the first construct the simulator does not support. */
export function tokenizeCommandLine(line: string): Result<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number, message: string) => err('COMMAND_SYNTAX', `${message} (at column ${at + 1})`);
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '#') break;
    if (line.startsWith('&&', i)) { tokens.push({ kind: 'separator', op: '&&', start: i, end: i + 2 }); i += 2; continue; }
    if (c === ';') { tokens.push({ kind: 'separator', op: ';', start: i, end: i + 1 }); i++; continue; }
    const redirect = /^(\d?)(>>|<>|>&|<&|>|<)/.exec(line.slice(i));
    if (redirect && (redirect[1] === '' || tokens.length === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) {
      const fd = redirect[1] === '' ? undefined : Number(redirect[1]);
      tokens.push({ kind: 'redirect', fd, op: redirect[2] as RedirectOp, start: i, end: i + redirect[0].length });
      i += redirect[0].length;
      continue;
    }
    const start = i;
    let value = '';
    while (i < line.length) {
      const ch = line[i]!;
      if (ch === ' ' || ch === '\t' || ch === ';' || ch === '<' || ch === '>' || line.startsWith('&&', i)) break;
      if (ch === "'") {
        const close = line.indexOf("'", i + 1);
        if (close < 0) return fail(i, 'unterminated single quote');
        value += line.slice(i + 1, close);
        i = close + 1;
      } else if (ch === '"') {
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
          else if (line[i] === '$' || line[i] === '`') return fail(i, UNSUPPORTED[line[i]!]!);
          value += line[i];
          i++;
        }
        if (i >= line.length) return fail(start, 'unterminated double quote');
        i++;
      } else if (ch === '\\') {
        if (i + 1 >= line.length) return fail(i, 'a trailing backslash has nothing to escape');
        value += line[i + 1];
        i += 2;
      } else if (UNSUPPORTED[ch] !== undefined) {
        return fail(i, UNSUPPORTED[ch]!);
      } else {
        value += ch;
        i++;
      }
    }
    tokens.push({ kind: 'word', value, start, end: i });
  }
  return ok(tokens);
}
