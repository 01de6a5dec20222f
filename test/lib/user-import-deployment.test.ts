import * as path from 'path';
import { App, Duration, Errors, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CognitoUserImport, ImportSource, UserImportDeployment, UserImportDeploymentProps } from '../../lib';

const env = { account: '111122223333', region: 'eu-west-1' };
const CSV = path.join(__dirname, '..', '..', 'example', 'seed-users.csv');

function build(props: Partial<UserImportDeploymentProps> = {}) {
  const stack = new Stack(new App(), 'S', { env });
  const importer = new CognitoUserImport(stack, 'Import', { userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_abc') });
  const deployment = new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromAsset(CSV), ...props });
  return { stack, importer, deployment, template: () => Template.fromStack(stack) };
}

describe('custom resource', () => {
  test('passes the workflow, the source and the defaults (maxFailedUsers 0, failOnSkipped false, 50 min, 30 s, wait)', () => {
    const t = build().template();
    t.resourceCountIs('Custom::CognitoUserImport', 1);
    t.hasResourceProperties('Custom::CognitoUserImport', {
      StateMachineArn: { Ref: Match.stringLikeRegexp('ImportWorkflowStateMachine') },
      UserPoolId: 'eu-west-1_abc',
      ImporterBucket: { Ref: Match.stringLikeRegexp('ImportBucket') },
      WorkPrefix: 'work/',
      ReportPrefix: 'reports/',
      SourceBucket: Match.anyValue(),
      SourceKey: Match.stringLikeRegexp('\\.csv$'),
      SourceHash: Match.stringLikeRegexp('^[0-9a-f]{64}$'),
      MaxFailedUsers: '0',
      FailOnSkipped: 'false',
      WaitForCompletion: 'true',
      TimeoutSeconds: '3000',
      QueryIntervalSeconds: '30',
    });
  });

  test('depends on the importer, so the workflow and its permissions exist before the import starts', () => {
    const t = build().template();
    const [resource] = Object.values(t.findResources('Custom::CognitoUserImport')) as Array<{ DependsOn?: string[] }>;
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ImportWorkerFunction/), expect.stringMatching(/^ImportWorkflowStateMachine[0-9A-F]+$/)]));
  });

  test('exposes typed attributes through Fn::GetAtt', () => {
    const { stack, deployment } = build();
    const attrs = { jobId: 'JobId', status: 'Status', importedUsers: 'ImportedUsers', skippedUsers: 'SkippedUsers', failedUsers: 'FailedUsers', rejectedRows: 'RejectedRows', reportUri: 'ReportUri' };
    for (const [prop, att] of Object.entries(attrs)) {
      const resolved = stack.resolve((deployment as unknown as Record<string, string>)[prop]);
      expect(resolved).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Seed/), att] });
    }
  });

  test('options are passed through', () => {
    const t = build({ maxFailedUsers: 3, failOnSkipped: true, waitForCompletion: false, timeout: Duration.minutes(20), queryInterval: Duration.seconds(60) }).template();
    t.hasResourceProperties('Custom::CognitoUserImport', {
      MaxFailedUsers: '3', FailOnSkipped: 'true', WaitForCompletion: 'false', TimeoutSeconds: '1200', QueryIntervalSeconds: '60',
    });
  });

  test('an existing S3 object as the source: bucket and key, no asset hash, read access to that object only', () => {
    const stack = new Stack(new App(), 'S', { env });
    const importer = new CognitoUserImport(stack, 'Import', { userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_abc') });
    const bucket = s3.Bucket.fromBucketName(stack, 'Src', 'seed-bucket');
    new UserImportDeployment(stack, 'FromS3', { importer, source: ImportSource.fromBucket(bucket, 'users/seed.csv') });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::CognitoUserImport', { SourceBucket: 'seed-bucket', SourceKey: 'users/seed.csv', SourceHash: '' });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FromS3OnEventRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::seed-bucket/users/seed.csv']] },
      })]) },
    });
  });
});

describe('functions and provider', () => {
  test('handlers: Node.js 24, traced, explicit log groups with retention', () => {
    const t = build().template();
    for (const desc of ['starts the import workflow', 'follows the import workflow']) {
      t.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(desc),
        Runtime: 'nodejs24.x',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^Seed') } },
      });
    }
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('Provider framework: totalTimeout / queryInterval become the waiter retries; framework functions traced on Node.js 24', () => {
    const t = build({ timeout: Duration.minutes(30), queryInterval: Duration.seconds(60) }).template();
    const machines = t.findResources('AWS::StepFunctions::StateMachine');
    const waiter = Object.entries(machines).find(([id]) => id.startsWith('SeedProviderwaiterstatemachine'));
    expect(waiter).toBeDefined();
    const props = (waiter![1] as { Properties: Record<string, any> }).Properties;
    const definition = JSON.stringify(props.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":60');
    expect(definition).toContain('\\"MaxAttempts\\":30');
    expect(props.LoggingConfiguration.Level).toBe('ALL');
    expect(props.LoggingConfiguration.IncludeExecutionData).toBe(false);
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('AWS CDK resource provider framework - onEvent'),
      Runtime: 'nodejs24.x',
      TracingConfig: { Mode: 'Active' },
      MemorySize: 256,
    });
  });

  test('no AWS managed policy on any role the deployment creates; framework roles are ours', () => {
    const t = build().template();
    const roles = t.findResources('AWS::IAM::Role');
    const ours = Object.entries(roles).filter(([id]) => id.startsWith('Seed'));
    expect(ours.map(([id]) => id)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^SeedOnEventRole/), expect.stringMatching(/^SeedIsCompleteRole/),
      expect.stringMatching(/^SeedFrameworkOnEventRole/), expect.stringMatching(/^SeedFrameworkCompleteRole/),
    ]));
    for (const [, role] of ours) {
      expect((role as { Properties: { ManagedPolicyArns?: unknown } }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('onEvent may start the workflow, describe/stop its executions, copy under work/deployments/ (its own names) only, stop its jobs', () => {
    const t = build().template();
    const resourceId = Object.keys(t.findResources('Custom::CognitoUserImport'))[0];
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SeedOnEventRole') }],
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('ImportBucket'), 'Arn'] }, `/work/deployments/deploy-${resourceId}-*`]] } }),
        Match.objectLike({ Action: 'states:StartExecution', Resource: { Ref: Match.stringLikeRegexp('ImportWorkflowStateMachine') } }),
        Match.objectLike({ Action: ['states:DescribeExecution', 'states:StopExecution'] }),
        Match.objectLike({ Action: ['cognito-idp:ListUserImportJobs', 'cognito-idp:StopUserImportJob'] }),
      ]) },
    });
    // Never the incoming prefix: a copy there would fire the bucket trigger and import twice.
    const onEventPolicies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^SeedOnEventRole') }] } });
    expect(Object.keys(onEventPolicies)).toHaveLength(1);
    expect(JSON.stringify(onEventPolicies)).not.toContain('/incoming/');
  });

  test('isComplete may read its own reports only and describe/stop executions, not start them', () => {
    const t = build().template();
    const resourceId = Object.keys(t.findResources('Custom::CognitoUserImport'))[0];
    const isCompletePolicies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^SeedIsCompleteRole') }] } });
    expect(Object.keys(isCompletePolicies)).toHaveLength(1);
    const policies = JSON.stringify(isCompletePolicies);
    expect(policies).toContain(`/reports/work/deployments/deploy-${resourceId}-*`);
    expect(policies).not.toContain('/reports/*');
    expect(policies).not.toContain('failed.csv');
    expect(policies).toContain('states:DescribeExecution');
    expect(policies).not.toContain('states:StartExecution');
  });
});

describe('validation', () => {
  const cases: Array<[string, Partial<UserImportDeploymentProps>, RegExp]> = [
    ['missing file', { source: ImportSource.fromAsset('/nonexistent/users.csv') }, /ImportSource.fromAsset: '\/nonexistent\/users.csv' is not a file/],
    ['a folder, not a file', { source: ImportSource.fromAsset(path.dirname(CSV)) }, /ImportSource.fromAsset: '.*example' is not a file/],
    ['negative maxFailedUsers', { maxFailedUsers: -1 }, /maxFailedUsers must be a whole number, 0 or more; got -1/],
    ['fractional maxFailedUsers', { maxFailedUsers: 1.5 }, /maxFailedUsers must be a whole number/],
    ['timeout above 1 hour', { timeout: Duration.minutes(61), queryInterval: Duration.seconds(60) }, /timeout must be at most 1 hour \(CloudFormation's limit.*waitForCompletion: false/],
    ['timeout not a multiple', { timeout: Duration.seconds(100), queryInterval: Duration.seconds(30) }, /timeout \(100 s\) must be a whole multiple of queryInterval \(30 s\)/],
    ['timeout shorter than interval', { timeout: Duration.seconds(20), queryInterval: Duration.seconds(30) }, /must be a whole multiple of queryInterval/],
    ['sub-second interval', { queryInterval: Duration.millis(500), timeout: Duration.seconds(30) }, /queryInterval must be a whole number of seconds, at least 1; got 500 millis/],
    ['fractional timeout', { timeout: Duration.millis(1500), queryInterval: Duration.seconds(1) }, /timeout must be a whole number of seconds/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test.each([
    ['leading slash key', '/a.csv', /ImportSource.fromBucket: key '\/a.csv' must be an object key as S3 shows it: not empty, no leading '\/'/],
    ['empty key', '', /ImportSource.fromBucket: key '' must be an object key as S3 shows it/],
  ])('%s', (_name, key, message) => {
    const stack = new Stack(new App(), 'S', { env });
    const importer = new CognitoUserImport(stack, 'Import', { userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_abc') });
    const source = ImportSource.fromBucket(s3.Bucket.fromBucketName(stack, 'B', 'bbb'), key);
    expect(() => new UserImportDeployment(stack, 'Seed', { importer, source })).toThrow(message);
  });

  test('a refused prop is a CDK ValidationError naming the construct', () => {
    let error: unknown;
    try {
      build({ maxFailedUsers: -1 });
    } catch (e) {
      error = e;
    }
    expect(Errors.isValidationError(error)).toBe(true);
    expect((error as { constructPath?: string }).constructPath).toBe('S/Seed');
  });

  test('a 1-hour timeout (the maximum) is accepted', () => {
    expect(() => build({ timeout: Duration.hours(1) })).not.toThrow();
  });
});
