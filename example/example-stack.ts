import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import * as path from 'path';
import { EXAMPLE_POOL_PROPS } from './example-pool';
import { CognitoUserImport, ImportBucket, ImportSource, UserImportDeployment } from '../lib';

/**
 * A pool, and users imported into it from CSV files dropped into a bucket; failed or rejected
 * imports are published to an SNS topic for the operators.
 */
export class ExampleStack extends Stack {
  public readonly importer: CognitoUserImport;
  public readonly userPool: cognito.UserPool;
  public readonly alerts: sns.Topic;
  public readonly seed: UserImportDeployment;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.userPool = new cognito.UserPool(this, 'Users', EXAMPLE_POOL_PROPS);

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.importer = new CognitoUserImport(this, 'Import', {
      userPool: this.userPool,
      bucket: ImportBucket.create({ serverAccessLogsBucket: accessLogs }),
    });

    // Seed the pool at deploy time: the deployment fails if any row fails or is rejected.
    this.seed = new UserImportDeployment(this, 'SeedUsers', {
      importer: this.importer,
      source: ImportSource.fromAsset(path.join(__dirname, 'seed-users.csv')),
    });

    // Operators hear about every file that was rejected or failed. The topic is encrypted with a key
    // of our own: EventBridge cannot publish to a topic under the AWS-managed SNS key (its policy
    // cannot be changed), so this key's policy lets EventBridge of this account use it.
    const alertsKey = new kms.Key(this, 'AlertsKey', { enableKeyRotation: true, description: 'Encrypts the import alert topic' });
    alertsKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowEventBridgeToPublishEncrypted',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
    }));
    this.alerts = new sns.Topic(this, 'ImportAlerts', { enforceSSL: true, masterKey: alertsKey });
    const undelivered = new sqs.Queue(this, 'UndeliveredAlerts', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.importer.onImportCompleted('ImportFailed', {
      description: 'A dropped CSV was rejected or its import failed',
      eventPattern: { detail: { status: ['Failed', 'Rejected'] } },
      target: new targets.SnsTopic(this.alerts, { deadLetterQueue: undelivered }),
    });
  }
}
