import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { USER_ROWS_TAG } from '../../lambda/shared/bucket-layout';

/** What the importer tells the bucket it creates: its prefixes (for the lifecycle rules), removal policy and key. */
export interface DropBucketContext {
  readonly incomingPrefix: string;
  readonly workPrefix: string;
  readonly reportPrefix: string;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: kms.IKey;
}

/** The bucket an importer ended up with, and what its cdk-nag exceptions need to know about it. */
export interface BoundImportBucket {
  readonly bucket: s3.IBucket;
  /** The importer created it (and so configured it). */
  readonly created: boolean;
  readonly accessLogged: boolean;
}

/** What the created drop bucket needs to know. */
export interface DropBucketOptions extends DropBucketContext {
  readonly dataRetention: Duration;
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The bucket the importer creates when none is passed: private, TLS only, encrypted, versioned,
 * and with the personal data in it (dropped files, work files) expiring.
 */
export function createDropBucket(scope: Construct, options: DropBucketOptions): s3.Bucket {
  // Every copy of users' rows expires, and so do its old versions: dropped files, work files, and
  // the failed rows under the report prefix (tagged by the worker: reports themselves are kept).
  const expire = (ruleId: string, prefix: string, tagFilters?: Record<string, string>): s3.LifecycleRule => ({
    id: ruleId,
    prefix,
    tagFilters,
    expiration: options.dataRetention,
    noncurrentVersionExpiration: Duration.days(1),
  });
  const lifecycleRules: s3.LifecycleRule[] = [
    expire('ExpireDroppedFiles', options.incomingPrefix),
    expire('ExpireWorkFiles', options.workPrefix),
    expire('ExpireFailedRows', options.reportPrefix, { [USER_ROWS_TAG.key]: USER_ROWS_TAG.value }),
    // Multipart writes (work files, reports, failed rows) interrupted by a crash leave parts behind.
    { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    // A report replaced by a re-drop of the same key: its old version goes after the retention too.
    { id: 'ExpireReplacedReports', prefix: options.reportPrefix, noncurrentVersionExpiration: options.dataRetention },
  ];
  const bucket = new s3.Bucket(scope, 'Bucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: options.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: options.encryptionKey,
    bucketKeyEnabled: options.encryptionKey ? true : undefined,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    serverAccessLogsBucket: options.serverAccessLogsBucket,
    serverAccessLogsPrefix: options.serverAccessLogsBucket ? 'cognito-user-import/' : undefined,
    lifecycleRules,
    removalPolicy: options.removalPolicy,
  });
  // Object-created events go to EventBridge, where the importer's rule picks its drops (drop-trigger.ts).
  // Set on the bucket resource itself: aws-cdk-lib's eventBridgeEnabled would go through its
  // notification custom resource and the singleton Lambda the bucket is meant to do without.
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
  return bucket;
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
