import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { grantKeyVia } from './encryption';
import { ExistingUsersPolicy } from '../options';

/** The resources the worker function's steps touch. */
export interface WorkerResources {
  readonly bucket: s3.IBucket;
  readonly incomingPrefix: string;
  readonly reportPrefix: string;
  readonly workPrefix: string;
  readonly userPool: cognito.IUserPool;
  readonly logsRole: iam.IRole;
  readonly eventBus: events.IEventBus;
  /** UPDATE also needs AdminUpdateUserAttributes. */
  readonly existingUsers?: ExistingUsersPolicy;
  /** A groups column also needs ListGroups and AdminAddUserToGroup. */
  readonly groupsColumn?: string;
}

/** Exactly what the steps need: no wildcard actions, resources scoped to the pool, the role and the prefixes. */
export function grantWorker(fn: lambda.Function, r: WorkerResources): void {
  const stack = Stack.of(fn);
  const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.addToRolePolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));

  // Dropped files (by version when the bucket is versioned) and the deployments' copies of their CSVs.
  allow('ReadDroppedFiles', ['s3:GetObject', 's3:GetObjectVersion'], [r.bucket.arnForObjects(`${r.incomingPrefix}*`)]);
  // Work files: written in parts (a crash leaves an upload to abort); nothing is ever deleted by the worker.
  allow('ReadWriteWorkFiles', ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], [
    r.bucket.arnForObjects(`${r.workPrefix}*`),
  ]);
  // Reports and failed rows; the failed rows carry the tag the bucket's lifecycle expires them by.
  allow('WriteReports', ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'], [r.bucket.arnForObjects(`${r.reportPrefix}*`)]);
  // Report documents only (never the rows to fix): the report step reads back its version's report and the
  // one at the key, to keep the newest version's there (a conditional write).
  allow('ReadReports', ['s3:GetObject'], [r.bucket.arnForObjects(`${r.reportPrefix}*.json`)]);
  if (r.bucket.encryptionKey) {
    grantKeyVia(r.bucket.encryptionKey, fn, 's3', ['kms:Decrypt', 'kms:GenerateDataKey']);
  }
  allow('RunImportJobs', [
    'cognito-idp:GetCSVHeader',
    'cognito-idp:DescribeUserPool',
    'cognito-idp:CreateUserImportJob',
    'cognito-idp:StartUserImportJob',
    'cognito-idp:DescribeUserImportJob',
    'cognito-idp:ListUserImportJobs',
    // Finding the users that already exist before the upload (one or the other, per file).
    'cognito-idp:AdminGetUser',
    'cognito-idp:ListUsers',
    ...(r.existingUsers === ExistingUsersPolicy.UPDATE ? ['cognito-idp:AdminUpdateUserAttributes'] : []),
    ...(r.groupsColumn !== undefined ? ['cognito-idp:ListGroups', 'cognito-idp:AdminAddUserToGroup'] : []),
  ], [r.userPool.userPoolArn]);
  allow('PassLogsRoleToCognito', ['iam:PassRole'], [r.logsRole.roleArn], {
    StringEquals: { 'iam:PassedToService': 'cognito-idp.amazonaws.com' },
  });
  const poolLogs = Arn.format({
    service: 'logs',
    resource: 'log-group',
    resourceName: `/aws/cognito/userpools/${r.userPool.userPoolId}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  }, stack);
  allow('ReadImportResults', ['logs:GetLogEvents'], [poolLogs]);
  allow('PublishCompletionEvents', ['events:PutEvents'], [r.eventBus.eventBusArn]);
}
