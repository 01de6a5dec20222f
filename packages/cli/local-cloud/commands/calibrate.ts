/**
 * `calibrate`: measures how Cognito answers where AWS documents nothing (a scratch pool, two small probe
 * imports, the pool deleted) and prints a behaviour file for `--behaviour`.
 */
import { calibrate } from '../calibrate';
import { Command, ExitCode, UsageError } from './command';

const ROLE_ARN = /^arn:[\w+=/,.@-]+:iam::\d{12}:role\/[\w+=/,.@-]+$/;

export const calibrateCommand: Command = {
  name: 'calibrate',
  contactsAws: true,
  summary: 'measure Cognito\'s undocumented answers in your account and print a behaviour file',
  description: [
    'Creates a scratch user pool, runs two small probe imports (made-up users at example.com), deletes the pool, and',
    'prints a behaviour file (the keys of --behaviour) for what it measured: resultLineNumbers and activeJobError,',
    'and where measurable failJobOverFailedOrSkipped, emptyLogPages and logDelaySeconds. Needs credentials allowed to',
    'create and delete user pools and run import jobs, and an IAM role Cognito can write CloudWatch Logs with.',
    'Takes a few minutes on AWS. With --json: { "behaviour": {...}, "evidence": [...] }.',
  ].join('\n'),
  options: {
    '--region': { value: 'R', description: 'the AWS Region (default: AWS_REGION)' },
    '--role-arn': {
      value: 'ARN',
      description: 'the IAM role Cognito writes the import logs with (CloudWatch Logs)',
      parse: (raw, flag) => { if (!ROLE_ARN.test(raw)) throw new UsageError(`${flag} must be an IAM role ARN (arn:aws:iam::123456789012:role/Name)`); return raw; },
    },
    '--endpoint-url': { value: 'URL', description: 'a Cognito endpoint other than AWS\'s (for example a running local cloud)' },
    '--json': { description: 'print the behaviour and the evidence as one JSON object' },
  },
  examples: [
    { command: 'cognito-user-import calibrate --region eu-west-1 --role-arn arn:aws:iam::123456789012:role/CognitoImportLogs > aws.json', comment: 'measure AWS; then: local-cloud --behaviour aws.json' },
  ],
  async run(args) {
    const region = (args.options['--region'] as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('calibrate needs --region (or AWS_REGION)');
    const roleArn = args.options['--role-arn'] as string | undefined;
    if (!roleArn) throw new UsageError('calibrate needs --role-arn: the IAM role Cognito writes import logs with');
    const endpointUrl = args.options['--endpoint-url'] as string | undefined;
    const progress = (line: string) => process.stderr.write(`calibrate: ${line}\n`);
    const result = await calibrate({ region, roleArn, progress, ...(endpointUrl ? { endpointUrl, pollMs: 250 } : {}) });
    for (const e of result.evidence) progress(e);
    process.stdout.write(`${JSON.stringify(args.options['--json'] ? result : result.behaviour, null, 2)}\n`);
    return ExitCode.OK;
  },
};
