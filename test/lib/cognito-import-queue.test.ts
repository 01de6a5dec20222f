import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CognitoImportQueue, CognitoUserImport, CognitoUserImportProps } from '../../lib';

const env = { account: '111122223333', region: 'eu-west-1' };

function statements(t: Template): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: any): string[] => [s.Action].flat();

describe('CognitoImportQueue', () => {
  test('a DynamoDB table: on-demand, point-in-time recovery, encrypted, TTL, pk/sk string keys, retained', () => {
    const stack = new Stack(new App(), 'Q', { env });
    new CognitoImportQueue(stack, 'Queue');
    const t = Template.fromStack(stack);
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('a customer managed key encrypts the table and is part of every grant', () => {
    const stack = new Stack(new App(), 'Q', { env });
    const encryptionKey = new kms.Key(stack, 'Key');
    const queue = new CognitoImportQueue(stack, 'Queue', { encryptionKey });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    queue.grantUse(role);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() } });
    expect(statements(t).some((s) => actionsOf(s).includes('kms:Decrypt'))).toBe(true);
  });

  test('grantUse: item actions only, scoped to the table; no Scan, no wildcard actions', () => {
    const stack = new Stack(new App(), 'Q', { env });
    const queue = new CognitoImportQueue(stack, 'Queue');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    queue.grantUse(role);
    const s = statements(Template.fromStack(stack));
    const dynamo = s.filter((x) => actionsOf(x).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(actionsOf(dynamo[0]).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const tableId = Object.keys(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'))[0];
    expect(dynamo[0].Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    for (const x of s) for (const a of actionsOf(x)) expect(a).not.toMatch(/\*/);
  });

  test('fromQueueAttributes: another app uses the queue by table name', () => {
    const stack = new Stack(new App(), 'Other', { env });
    const queue = CognitoImportQueue.fromQueueAttributes(stack, 'Shared', { tableName: 'cognito-import-queue' });
    expect(stack.resolve(queue.tableArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:eu-west-1:111122223333:table/cognito-import-queue']] });
    expect(() => CognitoImportQueue.fromQueueAttributes(stack, 'Bad', { tableName: '' })).toThrow('tableName is required');
  });

  test('tableName is checked against DynamoDB\'s rule', () => {
    const stack = new Stack(new App(), 'Q', { env });
    expect(() => new CognitoImportQueue(stack, 'Queue', { tableName: 'no spaces allowed' })).toThrow('must be 3-255 characters');
  });
});

describe('CognitoUserImport and its queue', () => {
  function build(props: Partial<CognitoUserImportProps> = {}, stack = new Stack(new App(), 'S', { env })) {
    const userPool = cognito.UserPool.fromUserPoolId(stack, `Pool${stack.node.children.length}`, 'eu-west-1_abc');
    return { stack, importer: new CognitoUserImport(stack, `Import${stack.node.children.length}`, { userPool, ...props }) };
  }

  test('without a queue, the importer gets a queue of its own and its worker knows the table', () => {
    const { stack, importer } = build();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUEUE_TABLE_NAME: { Ref: Match.stringLikeRegexp('QueueTable') }, QUEUE_POLL_SECONDS: '30', QUEUE_LEASE_SECONDS: '900', QUEUE_MAX_WAIT_SECONDS: String(3 * 86400), QUEUE_COALESCE: 'true' }) },
    });
    expect(importer.queue.tableName).toBeDefined();
  });

  test('two importers share one queue: one table, both workers point at it', () => {
    const stack = new Stack(new App(), 'S', { env });
    const queue = new CognitoImportQueue(stack, 'Queue');
    build({ queue, incomingPrefix: 'a/' }, stack);
    build({ queue, incomingPrefix: 'b/', coalesceFiles: false }, stack);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    const workers = Object.values(t.findResources('AWS::Lambda::Function')).filter((f: any) => f.Properties.Environment?.Variables?.QUEUE_TABLE_NAME);
    expect(workers).toHaveLength(2);
    const tableId = Object.keys(t.findResources('AWS::DynamoDB::Table'))[0];
    for (const w of workers as any[]) expect(w.Properties.Environment.Variables.QUEUE_TABLE_NAME).toEqual({ Ref: tableId });
    expect((workers as any[]).map((w) => w.Properties.Environment.Variables.QUEUE_COALESCE).sort()).toEqual(['false', 'true']);
  });

  test('the workflow waits in the queue before it creates a job, and every error path leaves the queue', () => {
    const { stack } = build();
    const t = Template.fromStack(stack);
    const sm = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
    // Tokens (ARNs) only appear inside JSON strings: replace them to read the definition.
    const pieces: unknown[] = sm.Properties.DefinitionString['Fn::Join'][1];
    const states = JSON.parse(pieces.map((p) => (typeof p === 'string' ? p : 'token')).join('')).States;
    // Existing users are looked up first; a file with rows left to upload then joins the queue.
    expect(states.IsImportable.Choices[0].Next).toBe('StartLookup');
    expect(states.ApplyExisting.Next).toBe('AnythingToImport');
    expect(states.AnythingToImport.Choices[0].Next).toBe('Enqueue');
    expect(states.Enqueue.Next).toBe('WaitInQueue');
    expect(states.WaitInQueue.Next).toBe('CheckTurn');
    expect(states.IsItMyTurn.Choices.map((c: any) => c.Next)).toEqual(['ImportParts', 'TakeCombinedResults']);
    expect(states.ImportParts.ItemsPath).toBe('$.queue.parts');
    for (const name of ['Enqueue', 'CheckTurn', 'ImportParts', 'Distribute', 'Release']) {
      expect({ name, catch: states[name].Catch.map((c: any) => c.Next) }).toEqual({ name, catch: ['LeaveQueue'] });
    }
    expect(states.LeaveQueue.Next).toBe('ReportError');
    expect(states.LeaveQueue.Catch[0].Next).toBe('ReportError');
  });

  test('a tuned queue passes its tuning to every importer\'s worker', () => {
    const stack = new Stack(new App(), 'S', { env });
    const queue = new CognitoImportQueue(stack, 'Queue', { pollInterval: Duration.seconds(10), maxWait: Duration.days(1), lease: Duration.minutes(20) });
    build({ queue }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUEUE_POLL_SECONDS: '10', QUEUE_MAX_WAIT_SECONDS: '86400', QUEUE_LEASE_SECONDS: '1200' }) },
    });
  });

  test('an imported queue carries the tuning it is given, or the defaults', () => {
    const stack = new Stack(new App(), 'S', { env });
    const tuned = CognitoImportQueue.fromQueueAttributes(stack, 'Tuned', { tableName: 'shared-queue', lease: Duration.minutes(30) });
    expect([tuned.pollInterval.toSeconds(), tuned.maxWait.toSeconds(), tuned.lease.toSeconds()]).toEqual([30, 3 * 86400, 1800]);
    build({ queue: tuned }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ QUEUE_TABLE_NAME: 'shared-queue', QUEUE_LEASE_SECONDS: '1800', QUEUE_POLL_SECONDS: '30' }) },
    });
    const plain = CognitoImportQueue.fromTableName(stack, 'Plain', 'other-queue');
    expect([plain.pollInterval.toSeconds(), plain.maxWait.toSeconds(), plain.lease.toSeconds()]).toEqual([30, 3 * 86400, 900]);
  });

  const tuningCases: Array<[string, Record<string, Duration>, string]> = [
    ['pollInterval too short', { pollInterval: Duration.seconds(1) }, 'CognitoImportQueue: pollInterval must be between 5 seconds and 5 minutes'],
    ['pollInterval too long', { pollInterval: Duration.minutes(6) }, 'CognitoImportQueue: pollInterval must be between 5 seconds and 5 minutes'],
    ['maxWait too short', { maxWait: Duration.minutes(30) }, 'CognitoImportQueue: maxWait must be between 1 hour and 7 days'],
    ['maxWait too long', { maxWait: Duration.days(8) }, 'CognitoImportQueue: maxWait must be between 1 hour and 7 days'],
    ['lease too short', { lease: Duration.minutes(5) }, 'CognitoImportQueue: lease must be at least 660 seconds'],
    ['lease too long', { lease: Duration.days(2) }, 'and at most 1 day'],
  ];
  test.each(tuningCases)('queue tuning validation: %s', (_name, tuning, message) => {
    const stack = new Stack(new App(), 'S', { env });
    expect(() => new CognitoImportQueue(stack, 'Queue', tuning)).toThrow(message);
    expect(() => CognitoImportQueue.fromQueueAttributes(stack, 'Imported', { tableName: 'q', ...tuning })).toThrow(message);
  });

  test('the lowest lease and the edges of the ranges are accepted', () => {
    const stack = new Stack(new App(), 'S', { env });
    expect(() => new CognitoImportQueue(stack, 'Q1', { lease: Duration.seconds(660), pollInterval: Duration.seconds(5), maxWait: Duration.hours(1) })).not.toThrow();
    expect(() => new CognitoImportQueue(stack, 'Q2', { lease: Duration.days(1), pollInterval: Duration.minutes(5), maxWait: Duration.days(7) })).not.toThrow();
  });

  test('the queue\'s lease must outlast the importer\'s maxPollInterval by a minute (the holder renews at every status check)', () => {
    const stack = new Stack(new App(), 'S', { env });
    const queue = new CognitoImportQueue(stack, 'Queue', { lease: Duration.minutes(12) });
    expect(() => build({ queue, maxPollInterval: Duration.minutes(20) }, stack))
      .toThrow("CognitoUserImport: maxPollInterval (1200 seconds) must be at least a minute shorter than the queue's lease (720 seconds)");
    // The importer's own queue has the default 15-minute lease.
    expect(() => build({ maxPollInterval: Duration.minutes(15) })).toThrow('pass a queue whose lease is at least 960 seconds');
    expect(() => build({ queue, maxPollInterval: Duration.minutes(11) }, stack)).not.toThrow();
  });
});
