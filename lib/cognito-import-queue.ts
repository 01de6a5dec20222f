import { Duration, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ValidationError } from './private/errors';
import { addNagExceptions, HIPAA, inPacks, NIST } from './private/nag';
import { MetricDimensions, QueueMetrics } from '../lambda/shared/metrics';
import { QUEUE_PK, QUEUE_SK, QUEUE_TTL } from '../lambda/shared/queue-table';
import { workerMetric } from './private/metrics';
import { QUEUE_PROP_DEFAULTS } from './private/defaults';
import { grantKeyVia } from './private/encryption';
import { queueTuning } from './private/queue-tuning';

/**
 * The account-wide import queue: Cognito runs one user import job at a time per account and
 * region, so every importer that shares this queue waits for its turn here, first in, first out,
 * before it creates a job.
 */
export interface ICognitoImportQueue {
  /** Name of the queue's DynamoDB table. */
  readonly tableName: string;
  /** ARN of the queue's DynamoDB table. */
  readonly tableArn: string;
  /** The key the table is encrypted with, when it is a customer managed key. */
  readonly encryptionKey?: kms.IKey;
  /** How often the first file in line looks at the queue (files further back look less often, at most every 5 minutes). */
  readonly pollInterval: Duration;
  /** How long a file may wait for its turn before it ends Failed. */
  readonly maxWait: Duration;
  /** How long the slot stays held without renewal: a holder that died frees it after this. */
  readonly lease: Duration;
  /**
   * Lets `grantee` take part in the queue (read and write its items; no table-level actions).
   *
   * @param grantee the principal that waits in the queue (an importer's worker function)
   * @returns the grant on the principal's policy
   */
  grantUse(grantee: iam.IGrantable): iam.Grant;
  /**
   * Lets `grantee` read the queue (what is waiting and running), e.g. for the CLI's `queue` command.
   *
   * @param grantee the principal that lists the queue
   * @returns the grant on the principal's policy
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /**
   * Files waiting ahead of a file each time it looks at the queue (the maximum over the period, by default).
   *
   * @param props period, statistic, label... (the dimension stays this queue's)
   * @returns the metric
   */
  metricWaitingFiles(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Seconds from a file joining the queue to getting the slot (or to its rows running in another
   * file's job): the maximum over the period, by default.
   *
   * @param props period, statistic, label... (the dimension stays this queue's)
   * @returns the metric
   */
  metricWaitTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Props of {@link CognitoImportQueue}. */
export interface CognitoImportQueueProps {
  /**
   * A customer managed KMS key to encrypt the table with.
   * @default - encrypted with the AWS managed key `aws/dynamodb`
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Physical name of the table. Give one to import the queue in other apps with
   * {@link CognitoImportQueue.fromQueueAttributes} by a known name.
   * @default - a name CloudFormation generates
   */
  readonly tableName?: string;
  /**
   * What happens to the table when it leaves the stack. The queue holds only short-lived
   * coordination items, so DESTROY is safe once no import is running.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Point-in-time recovery of the table.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * How often the first file in line looks at the queue (files further back look less often, at
   * most every 5 minutes). Between 5 seconds and 5 minutes.
   * @default Duration.seconds(30)
   */
  readonly pollInterval?: Duration;
  /**
   * How long a file may wait for its turn before it ends Failed (no Cognito job exists while it
   * waits). Between 1 hour and 7 days: a workflow execution's history holds about 2,700 looks.
   * @default Duration.days(3)
   */
  readonly maxWait?: Duration;
  /**
   * How long the slot stays held without renewal: a holder that died frees it after this. The
   * holder renews it at every Start attempt and every status check of its job, so it must outlast
   * the 10-minute pause between Start attempts by a minute (and every importer's `maxPollInterval`
   * too; each importer checks its own). At most 1 day.
   * @default Duration.minutes(15)
   */
  readonly lease?: Duration;
}

/** Attributes of a queue defined elsewhere, for {@link CognitoImportQueue.fromQueueAttributes}. */
export interface CognitoImportQueueAttributes {
  /** Name of the queue's table. */
  readonly tableName: string;
  /**
   * The key the table is encrypted with, when it is a customer managed key.
   * @default - none (an AWS managed or owned key)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The queue's `pollInterval`, as the app that defines it sets it (every member must use the same tuning).
   * @default Duration.seconds(30)
   */
  readonly pollInterval?: Duration;
  /**
   * The queue's `maxWait`, as the app that defines it sets it.
   * @default Duration.days(3)
   */
  readonly maxWait?: Duration;
  /**
   * The queue's `lease`, as the app that defines it sets it.
   * @default Duration.minutes(15)
   */
  readonly lease?: Duration;
}

/** Item-level actions a queue member needs: no Scan, no table management. */
const USE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'];
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'];

abstract class QueueBase extends Resource implements ICognitoImportQueue {
  public abstract readonly tableName: string;
  public abstract readonly tableArn: string;
  public abstract readonly encryptionKey?: kms.IKey;
  public abstract readonly pollInterval: Duration;
  public abstract readonly maxWait: Duration;
  public abstract readonly lease: Duration;

  /**
   * Lets `grantee` take part in the queue (read and write its items; no table-level actions).
   *
   * @param grantee the principal that waits in the queue (an importer's worker function)
   * @returns the grant on the principal's policy
   */
  public grantUse(grantee: iam.IGrantable): iam.Grant {
    if (this.encryptionKey) grantKeyVia(this.encryptionKey, grantee, 'dynamodb', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
    return iam.Grant.addToPrincipal({ grantee, actions: USE_ACTIONS, resourceArns: [this.tableArn] });
  }

  /**
   * Lets `grantee` read the queue (what is waiting and running), e.g. for the CLI's `queue` command.
   *
   * @param grantee the principal that lists the queue
   * @returns the grant on the principal's policy
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (this.encryptionKey) grantKeyVia(this.encryptionKey, grantee, 'dynamodb', ['kms:Decrypt']);
    return iam.Grant.addToPrincipal({ grantee, actions: READ_ACTIONS, resourceArns: [this.tableArn] });
  }

  /**
   * Files waiting ahead of a file each time it looks at the queue (the maximum over the period, by
   * default). Emitted by the importers' workers (namespace `CognitoUserImport`, dimension `queueTable`).
   *
   * @param props period, statistic, label... (the dimension stays this queue's)
   * @returns the metric
   */
  public metricWaitingFiles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return workerMetric(QueueMetrics.WAITING_FILES, this.metricDimensions(), { statistic: cloudwatch.Stats.MAXIMUM }, props);
  }

  /**
   * Seconds from a file joining the queue to getting the slot (or to its rows running in another
   * file's job): the maximum over the period, by default.
   *
   * @param props period, statistic, label... (the dimension stays this queue's)
   * @returns the metric
   */
  public metricWaitTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return workerMetric(QueueMetrics.WAIT_TIME, this.metricDimensions(), { statistic: cloudwatch.Stats.MAXIMUM }, props);
  }

  private metricDimensions(): Record<string, string> {
    return { [MetricDimensions.QUEUE]: this.tableName };
  }
}

/**
 * The account-wide queue of Cognito user imports: deploy ONE per account and region and pass it to
 * every `CognitoUserImport` (`queue:`), in any stack; other apps import it with
 * {@link CognitoImportQueue.fromQueueAttributes}.
 *
 * A DynamoDB table (on-demand, point-in-time recovery, encrypted, TTL on `expiresAt`) holding an
 * atomic ticket counter, one ticket per waiting file and one lease item (the slot).
 */
export class CognitoImportQueue extends QueueBase {
  /**
   * A queue defined in another stack or app, by its table name.
   *
   * @param scope the construct the reference is created in
   * @param id the reference's construct id, unique within `scope`
   * @param attrs the queue's table name (and key, if customer managed; and its tuning, if not the default)
   * @returns the queue, ready for `queue:` and grants
   */
  public static fromQueueAttributes(scope: Construct, id: string, attrs: CognitoImportQueueAttributes): ICognitoImportQueue {
    if (!attrs.tableName) throw new ValidationError('CognitoImportQueue.fromQueueAttributes: tableName is required (the queue table\'s name).', scope);
    const tuning = queueTuning(scope, attrs);
    class Imported extends QueueBase {
      public readonly tableName = attrs.tableName;
      public readonly tableArn = Stack.of(scope).formatArn({ service: 'dynamodb', resource: 'table', resourceName: attrs.tableName });
      public readonly encryptionKey = attrs.encryptionKey;
      public readonly pollInterval = tuning.pollInterval;
      public readonly maxWait = tuning.maxWait;
      public readonly lease = tuning.lease;
    }
    return new Imported(scope, id);
  }

  /**
   * A queue defined elsewhere whose table uses an AWS managed or owned key, by its table name,
   * with the default tuning.
   *
   * @param scope the construct the reference is created in
   * @param id the reference's construct id, unique within `scope`
   * @param tableName the queue's table name
   * @returns the queue, ready for `queue:` and grants
   */
  public static fromTableName(scope: Construct, id: string, tableName: string): ICognitoImportQueue {
    return CognitoImportQueue.fromQueueAttributes(scope, id, { tableName });
  }

  /** The queue's table. */
  public readonly table: dynamodb.Table;
  public readonly tableName: string;
  public readonly tableArn: string;
  public readonly encryptionKey?: kms.IKey;
  public readonly pollInterval: Duration;
  public readonly maxWait: Duration;
  public readonly lease: Duration;

  /**
   * @param scope the parent construct (deploy one queue per account and region)
   * @param id the construct id, unique within `scope`
   * @param props an optional key, table name, removal policy, point-in-time recovery and tuning
   */
  constructor(scope: Construct, id: string, props: CognitoImportQueueProps = {}) {
    super(scope, id);
    ({ pollInterval: this.pollInterval, maxWait: this.maxWait, lease: this.lease } = queueTuning(this, props));
    if (props.tableName !== undefined && !/^[a-zA-Z0-9_.-]{3,255}$/.test(props.tableName)) {
      throw new ValidationError(`CognitoImportQueue: tableName '${props.tableName}' must be 3-255 characters of letters, digits, '_', '.' or '-' (DynamoDB's rule).`, this);
    }
    this.encryptionKey = props.encryptionKey;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: QUEUE_PK, type: dynamodb.AttributeType.STRING },
      sortKey: { name: QUEUE_SK, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? QUEUE_PROP_DEFAULTS.pointInTimeRecovery },
      timeToLiveAttribute: QUEUE_TTL,
      ...(props.encryptionKey
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      removalPolicy: props.removalPolicy ?? QUEUE_PROP_DEFAULTS.removalPolicy,
    });
    this.tableName = this.table.tableName;
    this.tableArn = this.table.tableArn;
    addNagExceptions(this.table, inPacks([NIST, HIPAA], 'DynamoDBInBackupPlan',
      'The queue holds only short-lived coordination items (tickets, the slot lease) that expire by TTL; point-in-time recovery is on, and a backup plan would restore nothing anyone needs.'));
  }
}
