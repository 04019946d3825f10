// strata CLI entry: inspect | tree | ci | serve | simulate. Errors are one clear line and a non-zero exit code.
import { parseArgs, UsageError } from './args.ts';
import { SOURCE_FLAGS } from './run-analysis.ts';

const USAGE = `usage:
  strata inspect SOURCE [--platform os/arch[/variant]] [--json] [--quiet]
  strata tree    SOURCE [--platform P] [--layer N] [--jsonl | --text] [--quiet]
  strata ci      SOURCE [--ci-config FILE] [--lowest-efficiency X] [--highest-wasted-bytes X] [--highest-user-wasted-percent X]
  strata simulate SOURCE --driver D [--option k=v]... [--json] -- 'CMD' 'CMD' ...
  strata compare A B [--platform P] [--json]
  strata serve   [--port 8080] [--host 127.0.0.1] [--images DIR] [--allow-host H]... [--allow-push-host H]... [--allow-private] [--allow-push]

SOURCE: docker-archive:PATH[:TAG]  oci-archive:PATH[:REF]  oci:DIR[:REF]  docker://REF  REF
registry options: --creds user:pass (else ~/.docker/config.json auths), --tls-verify=false`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  try {
    switch (command) {
      case 'inspect':
      case 'tree':
      case 'ci': {
        const p = parseArgs(rest, SOURCE_FLAGS);
        if (p.flags.has('help')) { process.stdout.write(`${USAGE}\n`); return 0; }
        const mod = command === 'inspect' ? await import('./commands/inspect.ts') : command === 'tree' ? await import('./commands/tree.ts') : await import('./commands/ci.ts');
        const run = 'inspectCommand' in mod ? mod.inspectCommand : 'treeCommand' in mod ? mod.treeCommand : mod.ciCommand;
        return await run(p, controller.signal);
      }
      case 'simulate': {
        const p = parseArgs(rest, SOURCE_FLAGS);
        const { simulateCommand } = await import('./commands/simulate.ts');
        return await simulateCommand(p, controller.signal);
      }
      case 'compare': {
        const p = parseArgs(rest, SOURCE_FLAGS);
        const { compareCommand } = await import('./commands/compare.ts');
        return await compareCommand(p, controller.signal);
      }
      case 'serve': {
        const { serveCommand } = await import('./commands/serve.ts');
        return await serveCommand(rest);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (e instanceof UsageError) {
      process.stderr.write(`strata: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`strata: error${err.code ? ` [${err.code}]` : ''}: ${err.message ?? String(e)}\n`);
    if (process.env.STRATA_DEBUG) console.error(e);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
