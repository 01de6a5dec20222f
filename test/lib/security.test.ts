/**
 * What a consumer's template must show about encryption, grants and the props that harden it:
 * a customer-managed key reaches everything the importer and its deployments store, KMS use is
 * restricted to the service that needs it, failed rows are a separate grant, and the new props
 * are validated with messages that say what to do.
 */
import * as path from 'path';
import { App, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CognitoUserImport, ImportBucket, ImportSource, UserImportDeployment } from '../../lib';
import { reportKeysFor } from '../../lambda/shared/report-keys';

const env = { account: '111122223333', region: 'eu-west-1' };
const CSV = path.join(__dirname, '..', '..', 'example', 'seed-users.csv');

function withKey() {
  const stack = new Stack(new App(), 'S', { env });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const importer = new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool'), encryptionKey: key });
  new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV) });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  importer.grantReadReports(reader);
  const fixer = new iam.Role(stack, 'Fixer', { assumedBy: new iam.AccountRootPrincipal() });
  importer.grantReadFailedRows(fixer);
  const t = Template.fromStack(stack);
  const keyId = Object.keys(t.findResources('AWS::KMS::Key'))[0];
  return { t, keyId };
}

describe('with a customer-managed key', () => {
  const { t, keyId } = withKey();
  const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

  test('every log group of the importer and of its deployment is encrypted with it', () => {
    const groups = Object.entries(t.findResources('AWS::Logs::LogGroup'));
    expect(groups.map(([id]) => id).sort()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ImportWorkerLogs/), expect.stringMatching(/^ImportImportLogs/), expect.stringMatching(/^ImportWorkflowLogs/),
      expect.stringMatching(/^SeedOnEventLogs/), expect.stringMatching(/^SeedIsCompleteLogs/), expect.stringMatching(/^SeedProviderLogs/), expect.stringMatching(/^SeedWaiterLogs/),
    ]));
    for (const [id, g] of groups) expect([id, (g as any).Properties.KmsKeyId]).toEqual([id, keyArn]);
  });

  test('the bucket, the dead-letter queue and the import queue\'s table use it', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: Match.objectLike({ KMSMasterKeyId: keyArn }) });
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } })] },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
  });

  test('the key policy lets CloudWatch Logs of this account and region use it, for log groups only', () => {
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'AllowCloudWatchLogsOfThisAccount',
        Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111122223333:log-group:*']] } } },
      })]) },
    });
  });

  test('every grant of the key to a role is restricted with kms:ViaService', () => {
    const kmsStatements = Object.values(t.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [].concat(s.Action).some((a: string) => a.startsWith('kms:')));
    expect(kmsStatements.length).toBeGreaterThanOrEqual(6);
    for (const s of kmsStatements) {
      expect(s.Condition?.StringEquals?.['kms:ViaService']).toMatch(/^(s3|sqs|dynamodb)\.eu-west-1\.amazonaws\.com$/);
      expect(s.Resource).toEqual(keyArn);
    }
  });

  test('reports and failed rows are separate grants', () => {
    const policyOf = (role: string) => JSON.stringify(Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }] } })));
    expect(policyOf('Reader')).toContain('/reports/*.json');
    expect(policyOf('Reader')).not.toContain('failed.csv');
    expect(policyOf('Fixer')).toContain('/reports/*.failed.csv');
    expect(policyOf('Fixer')).not.toContain('*.json');
  });
});

test('a key imported by ARN is used for everything; its policy stays its owner\'s', () => {
  const stack = new Stack(new App(), 'S', { env });
  const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool'), encryptionKey: key });
  const t = Template.fromStack(stack);
  for (const g of Object.values(t.findResources('AWS::Logs::LogGroup'))) expect((g as any).Properties.KmsKeyId).toBe(key.keyArn);
});

test('with a bucket passed in, the key still encrypts the queue and the log groups', () => {
  const stack = new Stack(new App(), 'S', { env });
  const key = new kms.Key(stack, 'Key');
  new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool'), bucket: ImportBucket.fromBucket(new s3.Bucket(stack, 'Mine')), encryptionKey: key });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  for (const g of Object.values(t.findResources('AWS::Logs::LogGroup'))) expect((g as any).Properties.KmsKeyId).toBeDefined();
});

describe('without a key', () => {
  const stack = new Stack(new App(), 'S', { env });
  new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool') });
  const t = Template.fromStack(stack);
  test('every failure path reaches a Notify: Report -> ReportError -> NotifyError, and a failed ReportError still notifies', () => {
    const sm = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
    const def = JSON.parse((sm.Properties.DefinitionString['Fn::Join'][1] as any[]).map((p) => (typeof p === 'string' ? p : 'ARN')).join(''));
    const states = def.States;
    const catchTo = (name: string) => (states[name].Catch ?? []).map((c: any) => c.Next);
    // Every state with a Catch: its catch leads (possibly through LeaveQueue, which frees the
    // account's import slot and has its own catch) to ReportError, except ReportError and NotifyError.
    const reachesReportError = (name: string): boolean => name === 'ReportError'
      || (name === 'LeaveQueue' && states.LeaveQueue.Next === 'ReportError' && catchTo('LeaveQueue').every((n: string) => n === 'ReportError'));
    const withCatch = Object.keys(states).filter((n) => states[n].Catch && !['ReportError', 'NotifyError', 'Notify'].includes(n));
    expect(withCatch).toEqual(expect.arrayContaining(['Validate', 'ImportParts', 'Report']));
    for (const n of withCatch) expect([n, catchTo(n).every(reachesReportError)]).toEqual([n, true]);
    expect(states.ReportError.Next).toBe('NotifyError');
    expect(catchTo('ReportError')).toEqual(['ReportUnavailable']);
    expect(states.ReportUnavailable).toMatchObject({ Type: 'Pass', ResultPath: '$.report', Result: { status: 'Failed' }, Next: 'NotifyError' });
    expect(states.NotifyError.Next).toBe('ImportFailed');
  });

  test('the workflow logs at level ALL without execution data', () => {
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }) });
  });
  test('the worker may not delete objects nor search log groups (it never does)', () => {
    const all = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(all).not.toContain('s3:DeleteObject');
    expect(all).not.toContain('logs:FilterLogEvents');
  });
  test('maxFileSize defaults to 1 GiB in the worker\'s environment; reservedConcurrentExecutions is unset', () => {
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MAX_FILE_SIZE_BYTES: String(1024 ** 3) }) } });
    for (const f of Object.values(t.findResources('AWS::Lambda::Function'))) expect((f as any).Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

test('maxFileSize and reservedConcurrentExecutions reach the functions', () => {
  const stack = new Stack(new App(), 'S', { env });
  new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool'), maxFileSize: Size.mebibytes(50), reservedConcurrentExecutions: 3 });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MAX_FILE_SIZE_BYTES: String(50 * 1024 ** 2) }) }, ReservedConcurrentExecutions: 3 });
  t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: Match.anyValue() }) }, ReservedConcurrentExecutions: 3 });
});

test.each<[string, Record<string, unknown>, RegExp]>([
  ['maxFileSize of 0', { maxFileSize: Size.bytes(0) }, /maxFileSize must be at least 1 byte \(e\.g\. Size\.mebibytes\(100\)\)/],
  ['reservedConcurrentExecutions of 0', { reservedConcurrentExecutions: 0 }, /reservedConcurrentExecutions must be a whole number, at least 1; got 0/],
  ['fractional reservedConcurrentExecutions', { reservedConcurrentExecutions: 1.5 }, /reservedConcurrentExecutions must be a whole number, at least 1; got 1\.5/],
])('%s is refused with a message that says what to do', (_name, props, message) => {
  const stack = new Stack(new App(), 'S', { env });
  expect(() => new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool'), ...props })).toThrow(message);
});

test('the reports read grant covers the progress objects next to the reports (drop --wait follows them), not the failed rows', () => {
  const stack = new Stack(new App(), 'P', { env });
  const importer = new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool') });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  importer.grantReadReports(reader);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const statement = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement).find((s: any) => s.Action === 's3:GetObject');
  const parts = statement.Resource['Fn::Join'][1] as unknown[];
  const pattern = String(parts[parts.length - 1]).replace(/^\//, '');
  expect(pattern).toBe('reports/*.json');
  const matches = (key: string) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(key);
  const { progressKey, failedRowsKey } = reportKeysFor('reports/', 'incoming/users.csv');
  expect(matches(progressKey)).toBe(true);
  expect(matches(reportKeysFor('reports/', `incoming/${'a'.repeat(1100)}.csv`).progressKey)).toBe(true);
  expect(matches(failedRowsKey)).toBe(false);
});
