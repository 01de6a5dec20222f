/**
 * AWS Control Tower's proactive controls (the CloudFormation Guard rules cdklabs'
 * @cdklabs/cdk-validator-cfnguard bundles with its cfn-guard binary) over a consumer app configured
 * for a regulated account: customer-managed key, server access logs, a shared import queue, a seed,
 * every function in a VPC. The library's resources must pass every rule but those docs/security.md
 * documents as not fitting an import pipeline, each with its reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { CognitoImportQueue, CognitoUserImport, ImportBucket, ImportSource, UserImportDeployment } from '../../lib';

const CSV = path.join(__dirname, '..', '..', 'example', 'seed-users.csv');
const SECURITY_DOC = path.join(__dirname, '..', '..', 'docs', 'security.md');
const env = { account: '111122223333', region: 'eu-west-1' };

interface Violation { rule: string; path: string }

function regulatedApp(): { app: App; stack: Stack; roots: IConstruct[] } {
  const app = new App();
  const stack = new Stack(app, 'Regulated', { env });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'Network', { natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const accessLogs = new s3.Bucket(stack, 'AccessLogs', { enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED });
  const queue = new CognitoImportQueue(stack, 'Queue', { encryptionKey: key });
  const importer = new CognitoUserImport(stack, 'Import', {
    userPool: new cognito.UserPool(stack, 'Users'),
    encryptionKey: key,
    bucket: ImportBucket.create({ serverAccessLogsBucket: accessLogs }),
    queue,
    vpc,
    reservedConcurrentExecutions: 5,
  });
  const seed = new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  return { app, stack, roots: [queue, importer, seed] };
}

/** Runs the Control Tower rules over the synthesized template; each violation with the construct path of its resource. */
function controlTowerViolations(): { violations: Violation[]; ours: (p: string) => boolean } {
  const { app, stack, roots } = regulatedApp();
  const assembly = app.synth();
  const templatePath = path.join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile);
  // Logical id -> construct path (a test App writes no aws:cdk:path metadata).
  const paths = new Map(stack.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource)
    .map((c) => [stack.resolve(c.logicalId) as string, c.node.path]));
  const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({ templatePaths: [templatePath] });
  // A violation names its guard rule (`sqs_dlq_check`); its description starts with the control's id.
  const violations = report.violations.flatMap((v) => v.violatingResources.filter((r) => r.resourceLogicalId).map((r) => ({
    rule: /^\[(CT\.[A-Z0-9.]+)\]/.exec(v.description ?? '')?.[1] ?? v.ruleName,
    path: paths.get(r.resourceLogicalId) ?? r.resourceLogicalId,
  })));
  const prefixes = roots.map((r) => `${r.node.path}/`);
  // Ours: under the constructs, and what aws-cdk-lib adds at the stack's root because of them.
  const ours = (p: string) => prefixes.some((x) => p.startsWith(x)) || /\/BucketNotificationsHandler[0-9a-f]+\//.test(p);
  return { violations, ours };
}

/** The rules docs/security.md lists as not fitting, with their reasons (its "Control Tower" table: control | resource | why). */
function documentedExceptions(): Map<string, string> {
  const doc = fs.readFileSync(SECURITY_DOC, 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Control Tower'));
  const rows = [...(section ?? '').matchAll(/^\| `(CT\.[A-Z0-9.]+)` \| [^|]+ \| ([^|]+) \|/gm)];
  return new Map(rows.map((m) => [m[1], m[2].trim()]));
}

const { violations, ours } = controlTowerViolations();

test('the rules ran and found something somewhere (the check is not vacuous)', () => {
  // The consumer's own VPC and access-log bucket break some rules: they are not the library's.
  expect(violations.length).toBeGreaterThan(0);
});

test('the library\'s resources break only rules docs/security.md documents as not fitting', () => {
  const documented = documentedExceptions();
  const undocumented = violations.filter((v) => ours(v.path) && !documented.has(v.rule));
  expect(undocumented.map((v) => `${v.rule} ${v.path}`)).toEqual([]);
});

test('every documented exception is still raised on the library\'s resources, and says why', () => {
  expect(documentedExceptions().size).toBeGreaterThan(0);
  const raised = new Set(violations.filter((v) => ours(v.path)).map((v) => v.rule));
  for (const [rule, reason] of documentedExceptions()) {
    expect([rule, raised.has(rule)]).toEqual([rule, true]);
    expect(reason.length).toBeGreaterThan(40);
  }
});

test('no function the library creates fails CT.LAMBDA.PR.3 (in a VPC)', () => {
  expect(violations.filter((v) => ours(v.path) && v.rule === 'CT.LAMBDA.PR.3').map((v) => v.path)
    .filter((p) => !/BucketNotificationsHandler/.test(p))).toEqual([]);
});
