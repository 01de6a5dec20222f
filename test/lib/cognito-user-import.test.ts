import { App, CfnElement, Duration, Errors, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CognitoImportLogsRole,
  CognitoUserImport,
  CognitoUserImportProps,
  ImportBucket,
  ImportCompletedEvent,
  InvalidRowPolicy,
  PasswordHashingAlgorithm,
} from '../../lib';

const env = { account: '111122223333', region: 'eu-west-1' };

function build(props: Partial<CognitoUserImportProps> = {}) {
  const stack = new Stack(new App(), 'S', { env });
  const userPool = new cognito.UserPool(stack, 'Pool');
  const importer = new CognitoUserImport(stack, 'Import', { userPool, ...props });
  return {
    stack, importer, userPool,
    get t(): Template { return Template.fromStack(stack); },
  };
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function policyStatements(t: Template): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('drop bucket', () => {
  const { t } = build();

  test('blocks all public access, is encrypted (SSE-S3 by default) and versioned', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('denies every request that is not TLS', () => {
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('every copy of users\' rows expires after 30 days (dropped files, work files, tagged failed rows), old versions after 1 day', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'ExpireDroppedFiles', Prefix: 'incoming/', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' },
          { Id: 'ExpireWorkFiles', Prefix: 'work/', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' },
          {
            Id: 'ExpireFailedRows', Prefix: 'reports/', TagFilters: [{ Key: 'cognito-user-import:contents', Value: 'user-rows' }],
            ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled',
          },
          { Id: 'AbortIncompleteMultipartUploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
          { Id: 'ExpireReplacedReports', Prefix: 'reports/', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' },
        ],
      },
    });
  });

  test('is retained when the stack is deleted', () => {
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('object-created trigger on incoming/*.csv: the bucket sends to EventBridge, a rule invokes the import function', () => {
    // Set on the bucket itself (Control Tower's CT.S3.PR.4), with no notification custom resource
    // and so no aws-cdk-lib singleton Lambda (CT.LAMBDA.PR.3).
    t.hasResourceProperties('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
    t.resourceCountIs('Custom::S3BucketNotifications', 0);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.s3'],
        'detail-type': ['Object Created'],
        'detail': { bucket: { name: [{ Ref: Match.stringLikeRegexp('ImportBucket') }] }, object: { key: [{ wildcard: 'incoming/*.csv' }] } },
      },
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ImportImportFunction'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ImportDeadLetterQueue'), 'Arn'] } },
      })],
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ImportDropRule'), 'Arn'] },
    });
  });
});

describe('overridable defaults', () => {
  test('a KMS key encrypts the bucket and every grant includes it', () => {
    const stack = new Stack(new App(), 'S', { env });
    const key = new kms.Key(stack, 'Key');
    const importer = new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool'), encryptionKey: key });
    importer.grantDrop(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() }, BucketKeyEnabled: true }] },
    });
    const kmsStatements = policyStatements(t).filter((st) => JSON.stringify(st.Action).includes('kms:'));
    // The worker (read/write) and the operator (drop) both get the key.
    expect(kmsStatements.length).toBeGreaterThanOrEqual(2);
    for (const st of kmsStatements) expect(JSON.stringify(st.Resource)).toContain('Key');
  });

  test('prefixes, suffix, retention, removal policy and log retention are configurable', () => {
    const { t } = build({
      incomingPrefix: 'drop/', suffix: '.txt', reportPrefix: 'out/', workPrefix: 'tmp/',
      bucket: ImportBucket.create({ dataRetention: Duration.days(7) }), removalPolicy: RemovalPolicy.DESTROY,
    });
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'drop/', ExpirationInDays: 7 })]) },
    });
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: Match.objectLike({ object: { key: [{ wildcard: 'drop/*.txt' }] } }) }),
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ INCOMING_PREFIX: 'drop/', REPORT_PREFIX: 'out/', WORK_PREFIX: 'tmp/' }) },
    });
  });

  test('server access logs go to the bucket given', () => {
    const stack = new Stack(new App(), 'S', { env });
    const logsBucket = new s3.Bucket(stack, 'AccessLogs');
    new CognitoUserImport(stack, 'Import', { userPool: new cognito.UserPool(stack, 'Pool'), bucket: ImportBucket.create({ serverAccessLogsBucket: logsBucket }) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogs') }, LogFilePrefix: 'cognito-user-import/' },
    });
  });

  test('invalidRows, password hashing, maxUsersPerJob and maxPollInterval reach the worker', () => {
    const { t } = build({
      invalidRows: InvalidRowPolicy.REJECT_FILE, passwordHashingAlgorithm: PasswordHashingAlgorithm.BCRYPT,
      maxUsersPerJob: 1000, maxPollInterval: Duration.minutes(2),
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({
        INVALID_ROWS: 'REJECT_FILE', PASSWORD_HASHING_ALGORITHM: 'BCRYPT', MAX_ROWS_PER_PART: '1000', MAX_POLL_INTERVAL_SECONDS: '120',
      }) },
    });
  });
});

describe('functions', () => {
  const { t } = build();

  test('the worker runs with the memory tuning the benchmarks measure (young generation, paced GC, malloc threshold)', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--max-semi-space-size=2 --expose-gc' }) },
    });
  });

  test('both run nodejs24.x on arm64 with tracing, from bundled assets', () => {
    const { stack, importer, t: template } = build();
    const all = template.findResources('AWS::Lambda::Function');
    const fns = [importer.workerFunction, importer.importFunction].map((f) => all[stack.getLogicalId(f.node.defaultChild as CfnElement)]);
    expect(fns.every((fn) => fn !== undefined)).toBe(true);
    for (const fn of fns as any[]) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Code.S3Key).toMatch(/\.zip$/);
    }
  });

  test('the import function has a dead-letter queue (encrypted, TLS only)', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  test('log groups have a retention (one year by default)', () => {
    const groups = Object.values(t.findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups.length).toBe(3);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(365);
  });

  test('function roles are our own: no AWS managed policy', () => {
    const roles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('Import'));
    expect(roles.length).toBe(4);
    for (const [, r] of roles as Array<[string, any]>) expect(r.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('least privilege', () => {
  const { t } = build();
  const statements = policyStatements(t);
  const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));

  test('no wildcard action anywhere', () => {
    for (const a of actions) expect(a).not.toMatch(/\*/);
  });

  test('Cognito actions only on the pool ARN', () => {
    const cognitoStatements = statements.filter((s) => JSON.stringify(s.Action).includes('cognito-idp:'));
    expect(cognitoStatements).toHaveLength(1);
    expect(JSON.stringify(cognitoStatements[0].Resource)).toMatch(/"Fn::GetAtt":\["Pool[0-9A-F]+","Arn"\]/);
    expect(cognitoStatements[0].Action).toEqual(expect.arrayContaining([
      'cognito-idp:GetCSVHeader', 'cognito-idp:DescribeUserPool', 'cognito-idp:CreateUserImportJob',
      'cognito-idp:StartUserImportJob', 'cognito-idp:DescribeUserImportJob',
    ]));
  });

  test('iam:PassRole only on the logs role and only to cognito-idp.amazonaws.com', () => {
    const pass = statements.filter((s) => ([] as string[]).concat(s.Action).includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(JSON.stringify(pass[0].Resource)).toMatch(/"Fn::GetAtt":\["ImportLogsRole[0-9A-F]+","Arn"\]/);
    expect(pass[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cognito-idp.amazonaws.com' } });
  });

  test('S3 object actions only on the prefix each needs', () => {
    // (aws-cdk-lib's notification handler sets the trigger with s3:PutBucketNotification on the bucket.)
    const s3Statements = statements.filter((s) => JSON.stringify(s.Action).includes('s3:') && s.Action !== 's3:PutBucketNotification');
    const byPrefix = (prefix: string) => s3Statements.filter((s) => JSON.stringify(s.Resource).includes(`/${prefix}*`));
    expect(byPrefix('incoming/').flatMap((s) => s.Action)).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(byPrefix('reports/').flatMap((s) => s.Action)).toEqual(['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:GetObject']);
    // Reads under the report prefix: report documents only (the newest version's is kept at the key), never the rows to fix.
    const reads = byPrefix('reports/').filter((s) => ([] as string[]).concat(s.Action).includes('s3:GetObject'));
    expect(reads.map((s) => JSON.stringify(s.Resource))).toEqual([expect.stringMatching(/\/reports\/\*\.json"/)]);
    expect(byPrefix('work/').flatMap((s) => s.Action)).toEqual(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']);
    for (const s of s3Statements) expect(JSON.stringify(s.Resource)).toMatch(/\/(incoming|reports|work)\/\*/);
  });

  test('the import function may only start executions of this workflow', () => {
    const start = statements.filter((s) => ([] as string[]).concat(s.Action).includes('states:StartExecution'));
    expect(start).toHaveLength(1);
    expect(start[0].Resource).toEqual({ Ref: expect.stringMatching(/^ImportWorkflowStateMachine/) });
  });

  test('events only to the event bus, log reads only from the pool log group', () => {
    const put = statements.find((s) => ([] as string[]).concat(s.Action).includes('events:PutEvents'));
    expect(JSON.stringify(put.Resource)).toContain('event-bus/default');
    const read = statements.find((s) => ([] as string[]).concat(s.Action).includes('logs:GetLogEvents'));
    expect(JSON.stringify(read.Resource)).toContain('log-group:/aws/cognito/userpools/');
  });
});

function definitionOf(t: Template): any {
  const sm = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
  return JSON.parse((sm.Properties.DefinitionString['Fn::Join'][1] as any[]).map((p) => (typeof p === 'string' ? p : 'ARN')).join(''));
}

/** Start's retry of "another job active" / throttling, as synthesized. */
function longRetryOf(definition: any): any {
  return definition.States.ImportParts.ItemProcessor.States.Start.Retry.find((r: any) => r.ErrorEquals.includes('AnotherJobActiveError'));
}

/**
 * The mean total wait of a Step Functions retry with full jitter (each pause uniform between 0 and
 * min(IntervalSeconds × BackoffRate^i, MaxDelaySeconds)), from the synthesized fields alone.
 */
function meanRetryWaitSeconds(retry: any, attempts: number = retry.MaxAttempts): number {
  expect(retry.JitterStrategy).toBe('FULL');
  let total = 0;
  for (let i = 0; i < attempts; i++) total += Math.min(retry.IntervalSeconds * retry.BackoffRate ** i, retry.MaxDelaySeconds) / 2;
  return total;
}

describe('workflow', () => {
  const { t } = build();
  const sm = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
  const definition = definitionOf(t);

  test('is a Standard state machine logging at level ALL with tracing, to a log group with retention', () => {
    expect(sm.Properties.StateMachineType).toBe('STANDARD');
    expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  test('has the states of the flow, parts one at a time', () => {
    expect(definition.StartAt).toBe('Validate');
    expect(Object.keys(definition.States)).toEqual(expect.arrayContaining(['Validate', 'IsImportable', 'ImportParts', 'Report', 'Notify', 'ReportError', 'NotifyError', 'ImportFailed']));
    const map = definition.States.ImportParts;
    expect(map.MaxConcurrency).toBe(1);
    expect(Object.keys(map.ItemProcessor.States)).toEqual(expect.arrayContaining(['CreateAndUpload', 'Start', 'WaitForJob', 'Describe', 'IsJobDone', 'Harvest']));
    expect(map.ItemProcessor.States.WaitForJob.SecondsPath).toBe('$.job.waitSeconds');
  });

  test('Start retries a not-yet-visible upload briefly and another active job with backoff and jitter', () => {
    const retry = definition.States.ImportParts.ItemProcessor.States.Start.Retry;
    expect(retry).toEqual(expect.arrayContaining([
      expect.objectContaining({ ErrorEquals: ['UploadNotVisibleError'], IntervalSeconds: 2, MaxAttempts: 5 }),
      expect.objectContaining({ ErrorEquals: ['AnotherJobActiveError', 'ThrottledError'], JitterStrategy: 'FULL', MaxDelaySeconds: 600 }),
    ]));
    expect(meanRetryWaitSeconds(longRetryOf(definition))).toBeGreaterThanOrEqual(12 * 3600); // the default maxWaitForActiveJob
    expect(definition.States.ImportParts.ItemProcessor.States.Start.Catch[0]).toEqual(
      expect.objectContaining({ ErrorEquals: ['JobExpiredError'], Next: 'CreateAndUpload' }),
    );
  });

  test('every step retries a crashed or timed-out invocation (steps are idempotent)', () => {
    const steps = { ...definition.States, ...definition.States.ImportParts.ItemProcessor.States };
    for (const name of ['Validate', 'CreateAndUpload', 'Start', 'Describe', 'Harvest', 'Report', 'Notify']) {
      expect(steps[name].Retry).toEqual(expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Runtime.ExitError', 'States.Timeout']), MaxAttempts: 2 }),
      ]));
    }
  });

  test('any unexpected error still ends in a report and an event, then fails', () => {
    expect(definition.States.Validate.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'ReportError' })]);
    // Once queued, an error first leaves the import queue (frees the slot), then reports.
    expect(definition.States.ImportParts.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'LeaveQueue' })]);
    expect(definition.States.LeaveQueue.Next).toBe('ReportError');
    expect(definition.States.ReportError.Next).toBe('NotifyError');
    expect(definition.States.NotifyError.Next).toBe('ImportFailed');
    expect(definition.States.ImportFailed.Type).toBe('Fail');
  });

  test.each([1, 5, 23])('the long retry waits on average %i h (maxWaitForActiveJob), and not a retry more', (hours) => {
    const retry = longRetryOf(definitionOf(build({ maxWaitForActiveJob: Duration.hours(hours) }).t));
    expect(meanRetryWaitSeconds(retry)).toBeGreaterThanOrEqual(hours * 3600);
    expect(meanRetryWaitSeconds(retry, retry.MaxAttempts - 1)).toBeLessThan(hours * 3600);
  });
});

describe('events', () => {
  test('onImportCompleted matches this importer\'s completion events', () => {
    const { stack, importer } = build();
    importer.onImportCompleted('Done', { eventPattern: { detail: { status: ['Failed'] } } });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['cdk-cognito-user-import'],
        'detail-type': ['Cognito User Import Completed'],
        'detail': { importerId: [importer.importerId], status: ['Failed'] },
      },
    });
  });
});

describe('reuse across stacks', () => {
  test('a pool from fromUserPoolId and a bucket from another stack', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared', { env });
    const bucket = new s3.Bucket(shared, 'Drop', { encryptionKey: new kms.Key(shared, 'Key'), encryption: s3.BucketEncryption.KMS });
    const stack = new Stack(app, 'Importer', { env });
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_Abc123');
    new CognitoUserImport(stack, 'Import', { userPool, bucket: ImportBucket.fromBucket(bucket) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    const statements = policyStatements(t);
    const cognitoStatement = statements.find((s) => JSON.stringify(s.Action).includes('cognito-idp:'));
    expect(JSON.stringify(cognitoStatement.Resource)).toContain('userpool/eu-west-1_Abc123');
    // The other stack's key is in the worker's grants.
    expect(JSON.stringify(statements)).toContain('kms:Decrypt');
    expect(JSON.stringify(statements)).toMatch(/Fn::ImportValue/);
    app.synth();
  });

  test('one logs role shared by two importers for two pools in one stack, no collisions', () => {
    const stack = new Stack(new App(), 'S', { env });
    const role = new CognitoImportLogsRole(stack, 'SharedLogs');
    const a = new CognitoUserImport(stack, 'A', { userPool: new cognito.UserPool(stack, 'PoolA'), logsRole: role.role });
    const b = new CognitoUserImport(stack, 'B', { userPool: new cognito.UserPool(stack, 'PoolB'), logsRole: role.role });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 2);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    t.resourceCountIs('AWS::IAM::Role', 1 + 2 * 3); // shared role, (worker, trigger, workflow) x2
    expect(a.importerId).not.toEqual(b.importerId);
    expect(a.logsRole).toBe(b.logsRole);
  });
});

describe('prop validation says what to do', () => {
  const cases: Array<[string, Partial<CognitoUserImportProps>, string]> = [
    ['prefix without slash', { incomingPrefix: 'incoming' }, "incomingPrefix 'incoming' must be a key prefix like 'incoming/'"],
    ['prefix with leading slash', { reportPrefix: '/reports/' }, "reportPrefix '/reports/' must be a key prefix"],
    ['bad work prefix', { workPrefix: 'a b/' }, "workPrefix 'a b/' must be a key prefix"],
    ['overlapping prefixes', { incomingPrefix: 'data/', reportPrefix: 'data/reports/' }, "incomingPrefix 'data/' and 'data/reports/' overlap"],
    ['empty suffix', { suffix: '' }, 'suffix must not be empty'],
    ['maxUsersPerJob too big', { maxUsersPerJob: 500001 }, 'maxUsersPerJob must be a whole number from 1 to 500000'],
    ['maxUsersPerJob zero', { maxUsersPerJob: 0 }, 'maxUsersPerJob must be a whole number from 1 to 500000'],
    ['maxWaitForActiveJob too long', { maxWaitForActiveJob: Duration.hours(30) }, 'maxWaitForActiveJob must be between 1 minute and 23 hours'],
    ['maxPollInterval too short', { maxPollInterval: Duration.seconds(1) }, 'maxPollInterval must be between 5 seconds and 1 hour'],
    ['dataRetention in hours', { bucket: ImportBucket.create({ dataRetention: Duration.hours(5) }) }, 'ImportBucket.create: dataRetention must be a whole number of days, at least 1'],
    ['dataRetention under a day', { bucket: ImportBucket.create({ dataRetention: Duration.days(0) }) }, 'ImportBucket.create: dataRetention must be a whole number of days, at least 1'],
    ['memorySize too small', { memorySize: 128 }, 'memorySize must be between 256 and 10240 MB'],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a refused prop is a CDK ValidationError naming the construct', () => {
    const error = thrownBy(() => build({ suffix: '' }));
    expect(Errors.isValidationError(error)).toBe(true);
    expect((error as { constructPath?: string }).constructPath).toBe('S/Import');
  });

  test('a bucket passed in is used as it is: no bucket created, no lifecycle rules or access logs added', () => {
    const stack = new Stack(new App(), 'S', { env });
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'existing');
    const importer = new CognitoUserImport(stack, 'I', { userPool: new cognito.UserPool(stack, 'P'), bucket: ImportBucket.fromBucket(bucket) });
    expect(importer.bucket).toBe(bucket);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    // Its owner's notification settings stay: the trigger is an S3 event notification, not EventBridge.
    t.resourceCountIs('AWS::Events::Rule', 0);
    t.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [Match.objectLike({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: Match.arrayWith([{ Name: 'suffix', Value: '.csv' }, { Name: 'prefix', Value: 'incoming/' }]) } },
      })] },
    });
  });

  test('importers sharing a created bucket each get their rule, and no notification resource replaces its EventBridge delivery', () => {
    const stack = new Stack(new App(), 'S', { env });
    const first = new CognitoUserImport(stack, 'First', { userPool: new cognito.UserPool(stack, 'P1'), incomingPrefix: 'one/' });
    new CognitoUserImport(stack, 'Second', { userPool: new cognito.UserPool(stack, 'P2'), incomingPrefix: 'two/', bucket: ImportBucket.fromBucket(first.bucket) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('Custom::S3BucketNotifications', 0);
    t.resourceCountIs('AWS::Events::Rule', 2);
    for (const prefix of ['one/', 'two/']) {
      t.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ detail: Match.objectLike({ object: { key: [{ wildcard: `${prefix}*.csv` }] } }) }) });
    }
  });

  test('prefix and suffix are written into the rule\'s wildcard as S3 writes keys in events (URL-encoded), wildcard characters escaped', () => {
    const stack = new Stack(new App(), 'S', { env });
    new CognitoUserImport(stack, 'I', { userPool: new cognito.UserPool(stack, 'P'), incomingPrefix: 'in*coming/', suffix: ' users.CSV' });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: Match.objectLike({ object: { key: [{ wildcard: 'in\\*coming/*+users.CSV' }] } }) }),
    });
  });

  test('with a customer-managed key, the key lets EventBridge put dead letters on the encrypted queue (rules of this account; the queue policy admits this rule only)', () => {
    const stack = new Stack(new App(), 'S', { env });
    const key = new kms.Key(stack, 'Key');
    new CognitoUserImport(stack, 'I', { userPool: new cognito.UserPool(stack, 'P'), encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'AllowEventBridgeDeadLettersOfThisAccount',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
      })]) },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: 'sqs:SendMessage',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('IDropRule'), 'Arn'] } } },
      })]) },
    });
  });
});

test('the public event names are the documented ones (consumers\' own rules match on them)', () => {
  expect(ImportCompletedEvent.SOURCE).toBe('cdk-cognito-user-import');
  expect(ImportCompletedEvent.DETAIL_TYPE).toBe('Cognito User Import Completed');
});
