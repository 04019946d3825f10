// `strata ci SOURCE [--ci-config FILE] [--lowest-efficiency X] [--highest-wasted-bytes X]
// [--highest-user-wasted-percent X]`: dive's three rules, PASS/FAIL each, exit 1 on any failure.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_RULES, evaluateRules, rulesFromDiveCi, type RuleConfig } from '../../src/core/ci/dive-ci.ts';
import { flag, UsageError, type Parsed } from '../args.ts';
import { runAnalysis } from '../run-analysis.ts';

function loadRules(p: Parsed): RuleConfig {
  let rules: RuleConfig = { ...DEFAULT_RULES };
  const file = flag(p, 'ci-config') ?? (existsSync('.dive-ci') ? '.dive-ci' : undefined);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read CI config ${file}: ${(e as Error).message}`);
    }
    if (text.length > 1 << 20) throw new UsageError(`CI config ${file} is larger than 1 MiB`);
    let doc: unknown;
    try {
      doc = parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw new UsageError(`CI config ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    const r = rulesFromDiveCi(doc);
    if (!r.ok) throw new UsageError(`${file}: ${r.error.message}`);
    rules = { ...rules, ...r.value };
  }
  const over = (key: keyof RuleConfig, f: string) => {
    const v = flag(p, f);
    if (v !== undefined) rules = { ...rules, [key]: v };
  };
  over('lowestEfficiency', 'lowest-efficiency');
  over('highestWastedBytes', 'highest-wasted-bytes');
  over('highestUserWastedPercent', 'highest-user-wasted-percent');
  return rules;
}

export async function ciCommand(p: Parsed, signal: AbortSignal): Promise<number> {
  const rules = loadRules(p);
  const a = await runAnalysis(p, signal);
  const r = evaluateRules(rules, a.metrics);
  if (!r.ok) throw new UsageError(r.error.message);
  const lines = [`efficiency: ${(a.metrics.efficiencyScore * 100).toFixed(4)} %`, `wastedBytes: ${a.metrics.wastedBytes} bytes`, `userWastedPercent: ${(a.metrics.userWastedPercent * 100).toFixed(4)} %`, `reclaimableBytes: ${a.metrics.reclaimableBytes} bytes (Strata)`, 'Rules:'];
  for (const o of r.value) lines.push(`  ${o.status}: ${o.key} (${o.config}): ${o.message}`);
  const failed = r.value.some((o) => o.status === 'FAIL');
  if (a.partial) lines.push('  FAIL: image is partial — some layers failed verification or could not be read');
  lines.push(failed || a.partial ? 'Result: FAIL' : 'Result: PASS');
  process.stdout.write(`${lines.join('\n')}\n`);
  return failed || a.partial ? 1 : 0;
}
