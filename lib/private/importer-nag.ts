import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  addNagExceptions, defaultPolicyOf, objectsUnder, poolLogGroups, HIPAA, INLINE_POLICY, inPacks, NIST, NO_VPC, PCI, REPLICATION, starReason, SYNC_INVOKE,
} from './nag';

/** What the importer's exceptions depend on. */
export interface ImporterNagContext {
  readonly importer: IConstruct;
  readonly incomingPrefix: string;
  readonly reportPrefix: string;
  readonly workPrefix: string;
  /** The bucket was created here (not passed in). */
  readonly ownBucket: boolean;
  readonly encrypted: boolean;
  readonly accessLogged: boolean;
  readonly concurrencyReserved: boolean;
  /** The functions run in a VPC (`vpc` set). */
  readonly inVpc: boolean;
}

const FUNCTION_VERSIONS = { regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/' };

/** The justified exceptions of a CognitoUserImport's own resources (see the README's security section). */
export function addImporterNagExceptions(c: ImporterNagContext): void {
  const child = (path: string) => path.split('/').reduce<IConstruct | undefined>((n, id) => n?.node.tryFindChild(id), c.importer);
  const allPacks = [NIST, HIPAA, PCI];
  const inline = inPacks(allPacks, 'IAMNoInlinePolicy', INLINE_POLICY);

  const star = { id: 'AwsSolutions-IAM5', reason: starReason(c.inVpc), appliesTo: ['Resource::*'] };
  addNagExceptions(defaultPolicyOf(child('WorkerRole')), [
    star,
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Object-level S3 actions, each on the one prefix it needs (read the dropped files, read-write work files, write reports, read report documents); keys are operators\' file names, unknown at synth.',
      appliesTo: [...[`${c.incomingPrefix}*`, `${c.workPrefix}*`, `${c.reportPrefix}*`].map((p) => objectsUnder(p)), objectsUnder(`${c.reportPrefix}*.json`)],
    },
    { id: 'AwsSolutions-IAM5', reason: 'Reads import results from this pool\'s log groups only; the group name ends with the pool name, which CloudFormation does not expose.', appliesTo: [poolLogGroups()] },
    ...inline,
  ]);
  addNagExceptions(defaultPolicyOf(child('ImportRole')), [star, ...inline]);
  const noVpc = c.inVpc ? [] : inPacks(allPacks, 'LambdaInsideVPC', NO_VPC);
  addNagExceptions(defaultPolicyOf(child('Workflow/StateMachine/Role')), [
    { id: 'AwsSolutions-IAM5', reason: 'aws-cdk-lib\'s LambdaInvoke grants the worker function and its versions (<arn>:*): that one function only.', appliesTo: [FUNCTION_VERSIONS] },
    { id: 'AwsSolutions-IAM5', reason: 'CloudWatch Logs delivery (logs:CreateLogDelivery and friends, for the workflow\'s log group) and X-Ray do not support resource-level permissions.', appliesTo: ['Resource::*'] },
    ...inline,
  ]);

  const concurrency = c.concurrencyReserved ? [] : inPacks([NIST, HIPAA], 'LambdaConcurrency',
    'Unreserved by default so imports never starve other functions of a fixed share; set reservedConcurrentExecutions to reserve (throttled steps and S3 events are retried).');
  addNagExceptions(child('WorkerFunction'), [
    { id: 'Serverless-LambdaDLQ', reason: SYNC_INVOKE },
    ...inPacks([NIST, HIPAA], 'LambdaDLQ', SYNC_INVOKE),
    ...noVpc,
    ...concurrency,
  ]);
  addNagExceptions(child('ImportFunction'), [...noVpc, ...concurrency]);
  // The import queue's table carries its own exception (CognitoImportQueue), whoever creates it.
  addNagExceptions(child('DeadLetterQueue'), [
    { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is the import function\'s dead-letter queue: the end of the line, with no queue of its own to redrive to.' },
  ]);

  if (!c.encrypted) {
    const logs = inPacks(allPacks, 'CloudWatchLogGroupEncrypted',
      'Encrypted by CloudWatch Logs with its own keys; set encryptionKey to use a customer-managed key for every log group of the importer.');
    for (const path of ['WorkerLogs', 'ImportLogs', 'Workflow/Logs']) addNagExceptions(child(path), logs);
  }
  if (c.ownBucket) {
    const bucket = child('Bucket');
    addNagExceptions(bucket, [
      ...inPacks(allPacks, 'S3BucketReplicationEnabled', REPLICATION),
      ...(c.encrypted ? [] : inPacks(allPacks, 'S3DefaultEncryptionKMS', 'Encrypted with SSE-S3 by default; set encryptionKey to use a customer-managed KMS key.')),
      ...(c.accessLogged ? [] : [
        { id: 'AwsSolutions-S1', reason: 'Server access logs need a bucket of yours to receive them: set serverAccessLogsBucket.' },
        ...inPacks(allPacks, 'S3BucketLoggingEnabled', 'Server access logs need a bucket of yours to receive them: set serverAccessLogsBucket.'),
      ]),
    ]);
  }
  // aws-cdk-lib's bucket-notification handler: its policy under the bucket, its role at the stack's root.
  const bucket = child('Bucket') ?? child('DropBucket');
  addNagExceptions(bucket?.node.tryFindChild('Notifications')?.node.tryFindChild('HandlerPolicy'), inline);
  const handler = Stack.of(c.importer).node.children.find((n) => n.node.id.startsWith('BucketNotificationsHandler'));
  addNagExceptions(handler?.node.tryFindChild('Role'), [{
    id: 'AwsSolutions-IAM4',
    reason: 'aws-cdk-lib\'s own BucketNotificationsHandler (it sets the S3 trigger) uses AWSLambdaBasicExecutionRole; its role is defined by aws-cdk-lib.',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  }]);
}

/** The logs role's exceptions (also when used on its own); `scoped` when it was given its pool. */
export function addLogsRoleNagExceptions(role: IConstruct, scoped: boolean): void {
  addNagExceptions(defaultPolicyOf(role), [
    scoped ? {
      id: 'AwsSolutions-IAM5',
      reason: 'Cognito writes import results to /aws/cognito/userpools/<poolId>/<poolName>, one stream per job: scoped to the pool id; the pool name and job ids are not known at synth.',
      appliesTo: [poolLogGroups(), poolLogGroups({ streams: true })],
    } : {
      id: 'AwsSolutions-IAM5',
      reason: 'A role without userPool serves the importers of several pools, so it may write to every pool\'s import log groups (/aws/cognito/userpools/*) in this account and region; set userPool to scope it to one pool.',
      appliesTo: [poolLogGroups({ anyPool: true }), poolLogGroups({ anyPool: true, streams: true })],
    },
    ...inPacks([NIST, HIPAA, PCI], 'IAMNoInlinePolicy', INLINE_POLICY),
  ]);
}
