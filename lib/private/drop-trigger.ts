import { Arn, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** What routes a dropped object to the import function. */
export interface DropTriggerOptions {
  readonly bucket: s3.IBucket;
  readonly importFunction: lambda.IFunction;
  readonly incomingPrefix: string;
  readonly suffix: string;
  /** Where events go that EventBridge could not deliver to the function (the function's own dead-letter queue). */
  readonly deadLetterQueue: sqs.IQueue;
  /** The queue's customer-managed key, if any: EventBridge must be let use it. */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A bucket that sends its events to EventBridge by its own resource (every bucket an importer
 * creates, and so every importer sharing such a bucket) gets a rule on the default bus matching its
 * objects created under the prefix with the suffix: no notification custom resource, so no
 * aws-cdk-lib singleton Lambda outside the VPC (Control Tower's CT.LAMBDA.PR.3), and the
 * notification is on the bucket (CT.S3.PR.4). aws-cdk-lib's notification resource would also
 * replace that bucket's whole notification configuration, EventBridge delivery included. Any other
 * bucket keeps its owner's configuration: the trigger is added as an S3 event notification.
 */
export function wireDropTrigger(scope: Construct, o: DropTriggerOptions): void {
  if (!sendsToEventBridge(o.bucket)) {
    o.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(o.importFunction), { prefix: o.incomingPrefix, suffix: o.suffix });
    return;
  }
  const rule = new events.Rule(scope, 'DropRule', {
    description: 'Cognito user import: a CSV object created under the incoming prefix starts an import',
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: {
        bucket: { name: [o.bucket.bucketName] },
        // S3 puts the key URL-encoded in the event: the pattern matches the encoded prefix and suffix.
        object: { key: events.Match.wildcard(`${wildcardLiteral(encodeKey(o.incomingPrefix))}*${wildcardLiteral(encodeKey(o.suffix))}`) },
      },
    },
    // Lambda's own retries and dead-letter queue cover failed invocations; this one, events
    // EventBridge could not hand to Lambda at all (aws-cdk-lib adds the queue policy for the rule).
    targets: [new targets.LambdaFunction(o.importFunction, { deadLetterQueue: o.deadLetterQueue })],
  });
  // An encrypted queue takes EventBridge's messages only if the key lets EventBridge use it. Scoped
  // to this account's rules, not to this rule's ARN: the rule names the bucket, the bucket the key,
  // and the key would name the rule (a cycle). The queue's own policy admits this rule only.
  if (o.encryptionKey) {
    const stack = Stack.of(rule);
    o.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeDeadLettersOfThisAccount',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': Arn.format({ service: 'events', resource: 'rule', resourceName: '*' }, stack) },
      },
    }));
  }
}

/** The bucket's own resource (in this app) turns EventBridge delivery on. */
function sendsToEventBridge(bucket: s3.IBucket): boolean {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) return false;
  const config = Stack.of(cfn).resolve(cfn.notificationConfiguration);
  return config?.eventBridgeConfiguration?.eventBridgeEnabled === true;
}

/** A key as S3 writes it in events: each path segment URL-encoded, spaces as `+`. */
function encodeKey(key: string): string {
  return key.split('/').map((s) => encodeURIComponent(s).replace(/%20/g, '+')).join('/');
}

/** EventBridge wildcard patterns escape `*` and `\` with a backslash. */
function wildcardLiteral(text: string): string {
  return text.replace(/[\\*]/g, '\\$&');
}
