/**
 * `rehearse`: plays `cdk deploy`'s custom-resource requests for every UserImportDeployment of a synthesized
 * app on the local cloud (Create each, then Delete each in reverse order) and prints what CloudFormation
 * would show. Exit 3 when any Create would fail (the deployment would roll back).
 */
import { existsSync } from 'fs';
import type { LocalCloudOptions } from '../index';
import { findAssembly } from '../rehearse/assembly';
import { formatEvents, rehearseAssembly } from '../rehearse/run';
import { Command, ExitCode, UsageError } from './command';
import { BEHAVIOUR_OPTION, POOL_OPTION, VERBOSE_OPTION } from './common-options';
import { err } from './progress';

const folder = (raw: string, flag: string) => {
  if (!existsSync(raw)) throw new UsageError(`${flag}: no such folder ${raw}`);
  return raw;
};

export const rehearseCommand: Command = {
  name: 'rehearse',
  summary: "rehearse 'cdk deploy' of every UserImportDeployment of a synthesized app, before deploying",
  description: [
    'Reads the cloud assembly (cdk.out; runs `cdk synth` when there is none) and, for every UserImportDeployment,',
    "plays CloudFormation's custom-resource requests on a local cloud: Create each (dependencies first), then Delete",
    "each in reverse order. The requests go through aws-cdk-lib's own Provider framework handlers and waiter state",
    "machine from the assembly, to the bundled handlers, with the stack's own user pool (schema, custom attribute",
    'constraints, auto-verified attributes, MFA, username settings) or --pool for a pool the stack imports. Prints the',
    'status, reason and attributes CloudFormation would show; exits 3 when any Create would fail.',
  ].join('\n'),
  options: {
    '--app': { value: 'DIR', description: 'the CDK app folder or its cloud assembly (default: the current folder)', parse: folder },
    '--stack': { value: 'NAME', description: 'only this stack (default: every stack with a UserImportDeployment)' },
    '--pool': { ...POOL_OPTION, description: "the pool of a stack that imports its pool: the JSON 'aws cognito-idp describe-user-pool' prints" },
    '--behaviour': BEHAVIOUR_OPTION,
    '--json': { description: 'print [{ path, logicalId, event, status, reason, data }] on stdout' },
    '--verbose': VERBOSE_OPTION,
  },
  examples: [
    { command: 'npx cdk synth && npx cognito-user-import rehearse --json', comment: 'in a pipeline, before cdk deploy' },
    { command: 'cognito-user-import rehearse --app infra --stack Users --pool pool.json', comment: 'one stack that imports its pool' },
  ],
  async run(args) {
    const assembly = findAssembly((args.options['--app'] as string | undefined) ?? '.', err);
    const json = args.options['--json'] === true;
    const events = await rehearseAssembly(assembly, {
      ...(args.options['--stack'] ? { stack: args.options['--stack'] as string } : {}),
      ...(args.options['--pool'] ? { pool: args.options['--pool'] as string } : {}),
      ...(args.options['--behaviour'] ? { behaviour: args.options['--behaviour'] as LocalCloudOptions['behaviour'] } : {}),
      ...(args.options['--verbose'] ? { lambdaOutput: (c: string) => process.stderr.write(c) } : {}),
      log: err,
      onEvent: json ? undefined : (e) => process.stdout.write(formatEvents([e])),
    });
    if (json) process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
    const failed = events.filter((e) => e.event === 'Create' && e.status === 'FAILED').length;
    if (failed) err(`${failed} Create(s) would fail: 'cdk deploy' would roll back.`);
    return failed ? ExitCode.IMPORT_NOT_CLEAN : ExitCode.OK;
  },
};
