// Minimal argument parsing for the strata CLI: --flag, --flag=value, --flag value, repeated flags, "--".
export type Parsed = { positional: string[]; flags: Map<string, string[]>; rest: string[] };

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export function parseArgs(argv: readonly string[], spec: { boolean: readonly string[]; value: readonly string[] }): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest = argv.slice(i + 1) as string[];
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq >= 0 ? eq : undefined);
    if (spec.boolean.includes(name)) {
      if (eq >= 0) {
        const v = a.slice(eq + 1);
        if (v !== 'true' && v !== 'false') throw new UsageError(`--${name} takes no value (or =true/=false)`);
        flags.set(name, [v]);
      } else flags.set(name, ['true']);
    } else if (spec.value.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, [...(flags.get(name) ?? []), v]);
    } else throw new UsageError(`unknown option --${name}`);
  }
  return { positional, flags, rest };
}

export const flag = (p: Parsed, name: string): string | undefined => p.flags.get(name)?.at(-1);
export const bool = (p: Parsed, name: string): boolean => flag(p, name) === 'true';
