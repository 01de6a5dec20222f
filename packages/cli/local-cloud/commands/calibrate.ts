/**
 * `cognito-user-import calibrate --region R --role-arn ARN [--endpoint-url URL] [--json]`: measures the
 * undocumented answers of Cognito in one account (a scratch pool, two small probe imports, the pool deleted)
 * and prints a behaviour file for `--behaviour`. With --json: `{ behaviour, evidence }`.
 */
import { calibrate } from '../calibrate';

export async function calibrateCommand(options: Record<string, string>, json: boolean, usage: (message: string) => Error): Promise<number> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw usage('calibrate needs --region (or AWS_REGION)');
  const roleArn = options['role-arn'];
  if (!roleArn) throw usage('calibrate needs --role-arn: the IAM role Cognito writes import logs with (CloudWatch Logs)');
  if (!/^arn:[\w+=/,.@-]+:iam::\d{12}:role\/[\w+=/,.@-]+$/.test(roleArn)) throw usage('--role-arn must be an IAM role ARN (arn:aws:iam::123456789012:role/Name)');
  const progress = (line: string) => process.stderr.write(`calibrate: ${line}\n`);
  const result = await calibrate({
    region, roleArn, progress,
    ...(options['endpoint-url'] ? { endpointUrl: options['endpoint-url'], pollMs: 250 } : {}),
  });
  for (const e of result.evidence) progress(e);
  process.stdout.write(`${JSON.stringify(json ? result : result.behaviour, null, 2)}\n`);
  return 0;
}
