/**
 * `cognito-user-import rehearse [--app DIR] [--stack NAME] [--pool FILE] [--json]`: plays `cdk deploy`'s
 * custom-resource requests for every UserImportDeployment of a synthesized app on the local cloud
 * (Create each, then Delete each in reverse order) and prints what CloudFormation would show. Exits 1 when
 * any Create would fail, 2 on a usage error. Progress goes to stderr; stdout carries only the results.
 */
import { existsSync } from 'fs';
import { findAssembly } from '../rehearse/assembly';
import { formatEvents, rehearseAssembly } from '../rehearse/run';

export const REHEARSE_USAGE = `  cognito-user-import rehearse [--app DIR] [--stack NAME] [--pool FILE] [--json]

    Rehearses 'cdk deploy' for every UserImportDeployment of a synthesized app: Create each, then Delete
    each in reverse order, through aws-cdk-lib's own Provider framework, on a local cloud whose pool is the
    stack's own. Exits 1 when any Create would fail.
    --app DIR     the CDK app folder or its cloud assembly (default: .; runs 'cdk synth' when there is no cdk.out)
    --stack NAME  only this stack
    --pool FILE   the pool of a stack that imports its pool (the JSON 'aws cognito-idp describe-user-pool' prints)
    --json        print [{ path, logicalId, event, status, reason, data }] on stdout
`;

interface RehearseArgs { app: string; stack?: string; pool?: string; json: boolean; verbose: boolean; help: boolean }

class UsageError extends Error {}

export function parseRehearseArgs(argv: string[]): RehearseArgs {
  const a: RehearseArgs = { app: '.', json: false, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--app') a.app = value();
    else if (flag === '--stack') a.stack = value();
    else if (flag === '--pool') a.pool = value();
    else if (flag === '--json') a.json = true;
    else if (flag === '--verbose') a.verbose = true;
    else if (flag === '-h' || flag === '--help') a.help = true;
    else throw new UsageError(`unknown argument ${argv[i]}`);
  }
  return a;
}

export async function rehearseCommand(argv: string[]): Promise<number> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let args: RehearseArgs;
  try {
    args = parseRehearseArgs(argv);
    if (args.pool !== undefined && !existsSync(args.pool)) throw new UsageError(`pool file not found: ${args.pool}`);
    if (!existsSync(args.app)) throw new UsageError(`app folder not found: ${args.app}`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`cognito-user-import rehearse: ${e.message}\n\nUsage:\n${REHEARSE_USAGE}`);
    return 2;
  }
  if (args.help) { process.stdout.write(`Usage:\n${REHEARSE_USAGE}`); return 0; }
  const assembly = findAssembly(args.app, err);
  const events = await rehearseAssembly(assembly, {
    ...(args.stack ? { stack: args.stack } : {}),
    ...(args.pool ? { pool: args.pool } : {}),
    ...(args.verbose ? { lambdaOutput: (c: string) => process.stderr.write(c) } : {}),
    log: (line) => err(line),
    onEvent: args.json ? undefined : (e) => process.stdout.write(formatEvents([e])),
  });
  if (args.json) process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
  const failedCreates = events.filter((e) => e.event === 'Create' && e.status === 'FAILED').length;
  if (failedCreates) err(`${failedCreates} Create(s) would fail: 'cdk deploy' would roll back.`);
  return failedCreates ? 1 : 0;
}
