// dive's three CI rules (cmd/dive/cli/internal/command/ci/rules.go): lowestEfficiency, highestWastedBytes,
// highestUserWastedPercent, with dive's defaults, "disabled" values and humanize byte sizes. Pure.
import { err, ok, type Result } from '../result.ts';
import type { ImageMetrics } from '../tree/efficiency.ts';

export type RuleKey = 'lowestEfficiency' | 'highestWastedBytes' | 'highestUserWastedPercent';
export type RuleConfig = Readonly<Record<RuleKey, string>>;
export type RuleOutcome = { readonly key: RuleKey; readonly config: string; readonly status: 'PASS' | 'FAIL' | 'SKIP'; readonly message: string };

/** dive's defaults when neither a file nor a flag sets a rule. */
export const DEFAULT_RULES: RuleConfig = { lowestEfficiency: '0.9', highestWastedBytes: 'disabled', highestUserWastedPercent: '0.1' };

const isDisabled = (v: string) => ['', 'disabled', 'off', 'false'].includes(v.trim().toLowerCase());

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, ki: 1024, kib: 1024,
  m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3,
  t: 1e12, tb: 1e12, ti: 1024 ** 4, tib: 1024 ** 4,
  p: 1e15, pb: 1e15, pi: 1024 ** 5, pib: 1024 ** 5,
};

/** Parses sizes the way go-humanize's ParseBytes does: "20MB" = 20e6, "20MiB" = 20·2^20, case-insensitive. */
export function parseByteSize(value: string): Result<number> {
  const m = /^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-zA-Z]*)\s*$/.exec(value.replace(/,/g, ''));
  if (!m) return err('CI_CONFIG_INVALID', `"${value}" is not a byte size (e.g. 20MB, 1.5GiB, 1000)`);
  const unit = UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return err('CI_CONFIG_INVALID', `unknown size unit "${m[2]}" in "${value}"`);
  return ok(Math.floor(Number(m[1]) * unit));
}

function ratio(key: RuleKey, value: string): Result<number> {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) return err('CI_CONFIG_INVALID', `invalid ${key} config value, given "${value}"`);
  if (n < 0 || n > 1) return err('CI_CONFIG_INVALID', `${key} config value is outside allowed range (0-1), given '${value}'`);
  return ok(n);
}

/** Validates every rule first, so a bad config fails before any verdict. */
export function evaluateRules(config: RuleConfig, m: Pick<ImageMetrics, 'efficiencyScore' | 'wastedBytes' | 'userWastedPercent'>): Result<RuleOutcome[]> {
  const out: RuleOutcome[] = [];
  const eff = config.lowestEfficiency;
  if (isDisabled(eff)) out.push({ key: 'lowestEfficiency', config: eff, status: 'SKIP', message: 'rule disabled' });
  else {
    const t = ratio('lowestEfficiency', eff);
    if (!t.ok) return t;
    out.push(t.value > m.efficiencyScore
      ? { key: 'lowestEfficiency', config: eff, status: 'FAIL', message: `image efficiency is too low (efficiency=${m.efficiencyScore.toFixed(4)} < threshold=${eff})` }
      : { key: 'lowestEfficiency', config: eff, status: 'PASS', message: `efficiency=${m.efficiencyScore.toFixed(4)} ≥ ${eff}` });
  }
  const wb = config.highestWastedBytes;
  if (isDisabled(wb)) out.push({ key: 'highestWastedBytes', config: wb, status: 'SKIP', message: 'rule disabled' });
  else {
    const t = parseByteSize(wb);
    if (!t.ok) return err(t.error.code, `invalid highestWastedBytes config value: ${t.error.message}`);
    out.push(m.wastedBytes > t.value
      ? { key: 'highestWastedBytes', config: wb, status: 'FAIL', message: `too many bytes wasted (wasted-bytes=${m.wastedBytes} > threshold=${t.value})` }
      : { key: 'highestWastedBytes', config: wb, status: 'PASS', message: `wasted-bytes=${m.wastedBytes} ≤ ${t.value}` });
  }
  const up = config.highestUserWastedPercent;
  if (isDisabled(up)) out.push({ key: 'highestUserWastedPercent', config: up, status: 'SKIP', message: 'rule disabled' });
  else {
    const t = ratio('highestUserWastedPercent', up);
    if (!t.ok) return t;
    out.push(m.userWastedPercent > t.value
      ? { key: 'highestUserWastedPercent', config: up, status: 'FAIL', message: `too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=${m.userWastedPercent.toFixed(4)} > threshold=${up})` }
      : { key: 'highestUserWastedPercent', config: up, status: 'PASS', message: `%-user-wasted-bytes=${m.userWastedPercent.toFixed(4)} ≤ ${up}` });
  }
  return ok(out);
}

/** Reads the `rules` map of a parsed .dive-ci document (other keys, such as plugins, are ignored). */
export function rulesFromDiveCi(doc: unknown): Result<Partial<RuleConfig>> {
  if (doc === null || doc === undefined) return ok({});
  if (typeof doc !== 'object' || Array.isArray(doc)) return err('CI_CONFIG_INVALID', '.dive-ci is not a YAML mapping');
  const rules = (doc as Record<string, unknown>).rules;
  if (rules === undefined || rules === null) return ok({});
  if (typeof rules !== 'object' || Array.isArray(rules)) return err('CI_CONFIG_INVALID', '.dive-ci "rules" is not a mapping');
  const out: Partial<Record<RuleKey, string>> = {};
  for (const key of ['lowestEfficiency', 'highestWastedBytes', 'highestUserWastedPercent'] as const) {
    const v = (rules as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return err('CI_CONFIG_INVALID', `.dive-ci rule ${key} must be a number or a string`);
    out[key] = String(v);
  }
  return ok(out);
}
