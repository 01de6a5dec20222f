import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** What the created drop bucket needs to know. */
export interface DropBucketOptions {
  readonly incomingPrefix: string;
  readonly workPrefix: string;
  readonly dataRetention: Duration;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: kms.IKey;
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The bucket the importer creates when none is passed: private, TLS only, encrypted, versioned,
 * and with the personal data in it (dropped files, work files) expiring.
 */
export function createDropBucket(scope: Construct, options: DropBucketOptions): s3.Bucket {
  // Dropped files and work files hold personal data: they expire, and so do their old versions.
  const expire = (prefix: string, ruleId: string): s3.LifecycleRule => ({
    id: ruleId,
    prefix,
    expiration: options.dataRetention,
    noncurrentVersionExpiration: Duration.days(1),
    abortIncompleteMultipartUploadAfter: Duration.days(1),
  });
  return new s3.Bucket(scope, 'Bucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: options.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: options.encryptionKey,
    bucketKeyEnabled: options.encryptionKey ? true : undefined,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    serverAccessLogsBucket: options.serverAccessLogsBucket,
    serverAccessLogsPrefix: options.serverAccessLogsBucket ? 'cognito-user-import/' : undefined,
    lifecycleRules: [expire(options.incomingPrefix, 'ExpireDroppedFiles'), expire(options.workPrefix, 'ExpireWorkFiles')],
    removalPolicy: options.removalPolicy,
  });
}

/**
 * A bucket from another stack is referenced through its ARN in `scope`, so that its trigger
 * configuration lives in this stack (the bucket's stack would otherwise depend on this one,
 * a cycle, since the trigger names this stack's function).
 */
export function localBucketReference(scope: Construct, bucket: s3.IBucket): s3.IBucket {
  if (Stack.of(bucket) === Stack.of(scope)) return bucket;
  return s3.Bucket.fromBucketAttributes(scope, 'DropBucket', {
    bucketArn: bucket.bucketArn,
    encryptionKey: bucket.encryptionKey,
  });
}
