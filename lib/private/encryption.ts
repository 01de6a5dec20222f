import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Lets a principal use a KMS key only through one AWS service (`kms:ViaService`): a role that may
 * decrypt the bucket's objects through S3 cannot call kms:Decrypt on anything else with that key.
 */
export function grantKeyVia(key: kms.IKey, grantee: iam.IGrantable, service: 's3' | 'sqs' | 'dynamodb', actions: string[]): void {
  const stack = Stack.of(grantee.grantPrincipal instanceof Construct ? grantee.grantPrincipal : key);
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions,
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.amazonaws.com` } },
  }));
}

/**
 * CloudWatch Logs encrypts a log group with a customer-managed key only if the key policy lets the
 * regional Logs service principal use it, and only for this account's log groups (the encryption
 * context condition AWS documents). A key imported by ARN keeps its own policy: that statement
 * must then be added by its owner (the README says which).
 */
const keysOpenToLogs = new WeakSet<kms.IKey>();
export function allowLogsToUseKey(key: kms.IKey): void {
  if (keysOpenToLogs.has(key)) return;
  keysOpenToLogs.add(key);
  const stack = Stack.of(key);
  const logGroups = Arn.format({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroups } },
  }), true);
}
