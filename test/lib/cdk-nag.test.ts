/**
 * cdk-nag as a consumer runs it: apps that use the constructs (defaults in one stack, across
 * stacks, and with a customer-managed key and the compliance props) under the AwsSolutions,
 * Serverless, NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs. The library's own resources
 * must show no unsuppressed finding; every exception it ships (cdk_nag metadata on the resource)
 * must still be needed: removed on its own, the pack raises that very finding on that resource.
 */
import * as path from 'path';
import { App, Aspects, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AwsSolutionsChecks, HIPAASecurityChecks, INagLogger, NagLoggerComplianceData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
  NagPack, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks,
} from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ExampleStack } from '../../example/example-stack';
import { CognitoImportLogsRole, CognitoImportMonitoring, CognitoUserImport, ImportBucket, ImportSource, UserImportDeployment } from '../../lib';

const CSV = path.join(__dirname, '..', '..', 'example', 'seed-users.csv');
const env = { account: '111122223333', region: 'eu-west-1' };
const PACKS: Record<string, new (props: object) => NagPack> = {
  'AwsSolutions': AwsSolutionsChecks,
  'Serverless': ServerlessChecks,
  'NIST.800.53.R5': NIST80053R5Checks,
  'HIPAA.Security': HIPAASecurityChecks,
  'PCI.DSS.321': PCIDSS321Checks,
};

interface Finding { path: string; ruleId: string; findingId: string; suppressedBecause?: string }

/** Records every finding (unsuppressed or suppressed, with its reason) the packs raise. */
class Recorder implements INagLogger {
  readonly findings: Finding[] = [];
  onNonCompliance(d: NagLoggerNonComplianceData) { this.findings.push({ path: d.resource.node.path, ruleId: d.ruleId, findingId: d.findingId }); }
  onSuppressed(d: NagLoggerSuppressedData) {
    this.findings.push({ path: d.resource.node.path, ruleId: d.ruleId, findingId: d.findingId, suppressedBecause: d.suppressionReason });
  }
  onCompliance(_d: NagLoggerComplianceData) { /* compliant */ }
  onError() { /* a rule that cannot evaluate is reported by cdk-nag itself */ }
  onSuppressedError() { /* idem */ }
  onNotApplicable() { /* n/a */ }
}

const packsFor = (recorder: Recorder) => Object.values(PACKS).map((P) => new P({ reports: false, additionalLoggers: [recorder] }));

/** Our resources: anything under an importer or deployment construct, and aws-cdk-lib's notification handler they bring. */
function ours(roots: IConstruct[]): (p: string) => boolean {
  const prefixes = roots.map((r) => `${r.node.path}/`);
  return (p) => prefixes.some((x) => p.startsWith(x)) || /\/BucketNotificationsHandler[0-9a-f]+\//.test(p);
}

interface ConsumerApp { app: App; roots: IConstruct[] }

function singleStack(): ConsumerApp {
  const app = new App();
  const stack = new Stack(app, 'Single', { env });
  const importer = new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Users') });
  const seed = new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  // Monitoring without a topic: its alarms have no action.
  const monitoring = new CognitoImportMonitoring(stack, 'Monitoring', { importers: [importer] });
  return { app, roots: [importer, seed, monitoring] };
}

function crossStack(): ConsumerApp {
  const app = new App();
  const shared = new Stack(app, 'Shared', { env });
  const pool = new cognito.UserPool(shared, 'Users');
  const bucket = new s3.Bucket(shared, 'Drop', { enforceSSL: true, versioned: true });
  const importStack = new Stack(app, 'Importer', { env });
  const importer = new CognitoUserImport(importStack, 'Import', { userPool: pool, bucket: ImportBucket.fromBucket(bucket) });
  const seedStack = new Stack(app, 'Seeding', { env });
  const seed = new UserImportDeployment(seedStack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  return { app, roots: [importer, seed] };
}

function withCompliance(): ConsumerApp {
  const app = new App();
  const stack = new Stack(app, 'Compliant', { env });
  const importer = new CognitoUserImport(stack, 'Import', {
    userPool: new cognito.UserPool(stack, 'Users'),
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    bucket: ImportBucket.create({ serverAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs') }),
    reservedConcurrentExecutions: 5,
  });
  const seed = new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  const alarmTopic = new sns.Topic(stack, 'Alerts', { enforceSSL: true });
  const monitoring = new CognitoImportMonitoring(stack, 'Monitoring', { importers: [importer], alarmTopic });
  return { app, roots: [importer, seed, monitoring] };
}

type Env = typeof env | undefined;

/**
 * One CognitoImportLogsRole serving two importers: one's pool from another stack, the other's
 * imported by id; `scopedTo` gives the role the first pool (both importers then share a pool).
 */
function sharedLogsRole(stackEnv: Env, withPool: boolean, withKey: boolean): ConsumerApp {
  const app = new App();
  const shared = new Stack(app, 'Pools', { env: stackEnv });
  const pool = new cognito.UserPool(shared, 'Pool');
  const stack = new Stack(app, 'Importers', { env: stackEnv });
  const logsRole = new CognitoImportLogsRole(stack, 'LogsRole', withPool ? { userPool: pool } : {}).role;
  const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const first = new CognitoUserImport(stack, 'First', { userPool: pool, logsRole, encryptionKey });
  const second = new CognitoUserImport(stack, 'Second', {
    userPool: withPool ? pool : cognito.UserPool.fromUserPoolId(stack, 'ById', 'us-east-1_AbCdEf123'), logsRole, encryptionKey,
  });
  const seed = new UserImportDeployment(stack, 'Seed', { importer: second, source: ImportSource.fromAsset(CSV) });
  return { app, roots: [logsRole.node.scope!, first, second, seed] };
}

/** Pools imported by ARN: a literal one, and one given as a parameter (a token the ARN is split from). */
function importedByArn(stackEnv: Env, withKey: boolean): ConsumerApp {
  const app = new App();
  const stack = new Stack(app, 'ByArn', { env: stackEnv });
  const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const literal = new CognitoUserImport(stack, 'Literal', {
    userPool: cognito.UserPool.fromUserPoolArn(stack, 'LiteralPool', 'arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_XyZ123'),
    encryptionKey,
  });
  const param = new CfnParameter(stack, 'PoolArn', { type: 'String' });
  const fromParam = new CognitoUserImport(stack, 'FromParameter', {
    userPool: cognito.UserPool.fromUserPoolArn(stack, 'ParamPool', param.valueAsString),
    encryptionKey,
  });
  const seed = new UserImportDeployment(stack, 'Seed', { importer: fromParam, source: ImportSource.fromAsset(CSV) });
  return { app, roots: [literal, fromParam, seed] };
}

/** Functions in a VPC (their own security groups, or one given), with a key. */
function inVpc(givenGroup: boolean): ConsumerApp {
  const app = new App();
  const stack = new Stack(app, 'InVpc', { env });
  const vpc = new ec2.Vpc(stack, 'Network', { natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const securityGroups = givenGroup ? [new ec2.SecurityGroup(stack, 'Egress', { vpc })] : undefined;
  const importer = new CognitoUserImport(stack, 'Import', {
    userPool: new cognito.UserPool(stack, 'Users'), vpc, securityGroups,
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
  });
  const seed = new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  return { app, roots: [importer, seed] };
}

/** Every way of passing the pool and the logs role, in stacks with and without an env, with and without a key. */
const SHAPES: Array<[string, () => ConsumerApp]> = [];
for (const [envName, stackEnv] of [['env', env], ['env-agnostic', undefined]] as Array<[string, Env]>) {
  for (const withKey of [false, true]) {
    const k = withKey ? ', encryptionKey' : '';
    SHAPES.push(
      [`${envName}: shared logs role without a pool, pools from another stack and by id${k}`, () => sharedLogsRole(stackEnv, false, withKey)],
      [`${envName}: shared logs role scoped to a pool from another stack${k}`, () => sharedLogsRole(stackEnv, true, withKey)],
      [`${envName}: pools by ARN (literal, and a parameter)${k}`, () => importedByArn(stackEnv, withKey)],
    );
  }
}
SHAPES.push(['in a VPC, a security group per function', () => inVpc(false)], ['in a VPC, one security group given', () => inVpc(true)]);

function nag(consumer: ConsumerApp): Finding[] {
  const recorder = new Recorder();
  for (const pack of packsFor(recorder)) Aspects.of(consumer.app).add(pack);
  consumer.app.synth();
  const isOurs = ours(consumer.roots);
  return recorder.findings.filter((f) => isOurs(f.path));
}

const label = (f: Finding) => `${f.path} ${f.ruleId}${f.findingId ? `[${f.findingId}]` : ''}`;

describe.each<[string, () => ConsumerApp]>([
  ['one stack, defaults', singleStack],
  ['across stacks (pool and bucket in one, importer in another, deployment in a third)', crossStack],
  ['customer-managed key, access logs and reserved concurrency', withCompliance],
  ...SHAPES,
])('%s', (_name, make) => {
  const findings = nag(make());

  test('no unsuppressed finding of any pack on the library\'s resources', () => {
    expect(findings.filter((f) => !f.suppressedBecause).map(label)).toEqual([]);
  });

  test('every suppressed finding carries its reason (visible in the nag report)', () => {
    for (const f of findings.filter((x) => x.suppressedBecause)) expect(f.suppressedBecause!.length).toBeGreaterThan(40);
  });
});

test('with the compliance props, the findings they fix are fixed, not suppressed', () => {
  const suppressed = nag(withCompliance()).filter((f) => f.suppressedBecause);
  const fixable = /CloudWatchLogGroupEncrypted|S3DefaultEncryptionKMS|S3BucketLoggingEnabled|AwsSolutions-S1$|CloudWatchAlarmAction/;
  expect(suppressed.filter((f) => fixable.test(f.ruleId)).map(label)).toEqual([]);
  expect(suppressed.filter((f) => /LambdaConcurrency/.test(f.ruleId) && /\/Import\//.test(f.path)).map(label)).toEqual([]);
});

/** Every exception shipped in the app, one per (resource, rule, applies_to entry). */
function shippedExceptions(app: App): Array<{ resource: CfnResource; index: number; id: string; appliesTo?: string | { regex: string } }> {
  const out: Array<{ resource: CfnResource; index: number; id: string; appliesTo?: string | { regex: string } }> = [];
  for (const node of app.node.findAll()) {
    if (!(node instanceof CfnResource)) continue;
    const rules: Array<{ id: string; applies_to?: Array<string | { regex: string }> }> = node.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
    rules.forEach((r, index) => {
      if (r.applies_to) for (const a of r.applies_to) out.push({ resource: node, index, id: r.id, appliesTo: a });
      else out.push({ resource: node, index, id: r.id });
    });
  }
  return out;
}

const matches = (appliesTo: string | { regex: string }, findingId: string) => {
  if (typeof appliesTo === 'string') return appliesTo === findingId;
  const m = /^\/(.*)\/([a-z]*)$/.exec(appliesTo.regex)!;
  return new RegExp(m[1], m[2]).test(findingId);
};

describe.each<[string, () => ConsumerApp]>([
  ['one stack, defaults', singleStack],
  ['across stacks', crossStack],
  ['customer-managed key', withCompliance],
  ...SHAPES,
])('each exception the library ships is still needed (%s)', (_name, make) => {
  // Synthesize once (so every lazy value resolves); then, for each exception alone: take it out of
  // its resource's metadata, run its pack on that resource again, and expect the exact finding.
  const consumer = make();
  consumer.app.synth();
  const exceptions = shippedExceptions(consumer.app);

  test('the library ships exceptions (the check below is not vacuous)', () => {
    expect(exceptions.length).toBeGreaterThan(20);
  });

  test.each(exceptions.map((e) => [`${e.resource.node.path} ${e.id}${e.appliesTo ? ` ${JSON.stringify(e.appliesTo)}` : ''}`, e] as const))('%s', (_label, e) => {
    const original = e.resource.getMetadata('cdk_nag');
    const rules = original.rules_to_suppress.map((r: any, i: number) => {
      if (i !== e.index) return r;
      if (!e.appliesTo) return undefined;
      const rest = r.applies_to.filter((a: unknown) => JSON.stringify(a) !== JSON.stringify(e.appliesTo));
      return rest.length ? { ...r, applies_to: rest } : undefined;
    }).filter(Boolean);
    e.resource.addMetadata('cdk_nag', { rules_to_suppress: rules });
    try {
      const recorder = new Recorder();
      const packName = Object.keys(PACKS).find((p) => e.id.startsWith(`${p}-`))!;
      new PACKS[packName]({ reports: false, additionalLoggers: [recorder] }).visit(e.resource);
      const raised = recorder.findings.filter((f) => !f.suppressedBecause && f.ruleId === e.id && f.path === e.resource.node.path);
      if (e.appliesTo) expect(raised.map((f) => f.findingId).filter((id) => matches(e.appliesTo!, id))).not.toEqual([]);
      else expect(raised).not.toEqual([]);
    } finally {
      e.resource.addMetadata('cdk_nag', original);
    }
  });
});

describe('the example app', () => {
  test('no unsuppressed finding of any pack on the library\'s resources; the example\'s own resources are the example\'s business', () => {
    const app = new App();
    const stack = new ExampleStack(app, 'NagExample', { env });
    const findings = nag({ app, roots: [stack.importer, stack.seed] });
    expect(findings.filter((f) => !f.suppressedBecause).map(label)).toEqual([]);
  });
});
