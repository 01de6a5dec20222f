import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { REPORT_STATUSES } from '../lambda/shared/report';
import type { CognitoUserImport } from './cognito-user-import';
import type { ICognitoImportQueue } from './cognito-import-queue';
import { ValidationError } from './private/errors';
import { addNagExceptions, HIPAA, inPacks, NIST } from './private/nag';

/** Props of {@link CognitoImportMonitoring}. */
export interface CognitoImportMonitoringProps {
  /** The importers to watch (at least one); their queues are shown once each. */
  readonly importers: CognitoUserImport[];
  /**
   * The topic every alarm notifies when it goes into ALARM and back to OK.
   * @default - no action: the alarms show on the dashboard and in the console only
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Files ending `Failed` or `Rejected` within one `alarmPeriod` that raise an importer's failed-files alarm.
   * @default 1
   */
  readonly failedFilesThreshold?: number;
  /**
   * Undeliverable S3 events in an importer's dead-letter queue that raise its alarm (each is a dropped file no import started for).
   * @default 1
   */
  readonly deadLetterMessagesThreshold?: number;
  /**
   * Workflow executions failed or timed out within one `alarmPeriod` that raise an importer's alarm.
   * @default 1
   */
  readonly failedExecutionsThreshold?: number;
  /**
   * The period every alarm evaluates (one period, one datapoint). A whole number of minutes.
   * @default Duration.minutes(5)
   */
  readonly alarmPeriod?: Duration;
  /**
   * Name of the dashboard: letters, digits, `-` and `_`, at most 255.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/** The defaults of {@link CognitoImportMonitoringProps}. */
const MONITORING_DEFAULTS = {
  failedFilesThreshold: 1,
  deadLetterMessagesThreshold: 1,
  failedExecutionsThreshold: 1,
  alarmPeriod: Duration.minutes(5),
} as const;

/**
 * A CloudWatch dashboard and alarms for Cognito user importers: files by status, users imported,
 * skipped, failed and rows rejected, the import queue (waiting files, wait time), workflow executions
 * failed or timed out, undeliverable S3 events, and the worker's errors, throttles and duration.
 * Alarms (per importer): failed or rejected files, messages in the dead-letter queue, failed or
 * timed-out executions, each notifying `alarmTopic` when one is given.
 */
export class CognitoImportMonitoring extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm, three per importer (failed files, dead-letter queue, failed executions). */
  public readonly alarms: cloudwatch.Alarm[] = [];

  /**
   * @param scope the parent construct
   * @param id the construct id, unique within `scope`
   * @param props the importers, and optionally a topic, thresholds, the alarms' period and the dashboard's name
   */
  constructor(scope: Construct, id: string, props: CognitoImportMonitoringProps) {
    super(scope, id);
    validate(this, props);
    const period = props.alarmPeriod ?? MONITORING_DEFAULTS.alarmPeriod;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.days(1) });

    const queues: ICognitoImportQueue[] = [];
    props.importers.forEach((importer, i) => {
      const name = importer.node.path;
      const scopeOf = new Construct(this, `Importer${i}`);
      const alarms = this.importerAlarms(scopeOf, importer, name, period, props);
      this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## Importer ${name}`, width: 24, height: 1 }));
      this.dashboard.addWidgets(
        graph('Files by status', REPORT_STATUSES.map((s) => importer.metricFiles(s, { label: s }))),
        graph('Users', [
          importer.metricImportedUsers({ label: 'imported' }), importer.metricSkippedUsers({ label: 'skipped' }),
          importer.metricFailedUsers({ label: 'failed' }), importer.metricRejectedRows({ label: 'rejected rows' }),
        ]),
        graph('Workflow executions', [
          importer.workflow.metricStarted({ label: 'started' }), importer.workflow.metricFailed({ label: 'failed' }),
          importer.workflow.metricTimedOut({ label: 'timed out' }),
        ]),
        graph('Undeliverable S3 events (dead-letter queue)', [importer.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'messages' })]),
      );
      this.dashboard.addWidgets(
        graph('Worker errors and throttles', [importer.workerFunction.metricErrors({ label: 'errors' }), importer.workerFunction.metricThrottles({ label: 'throttles' })]),
        graph('Worker duration', [importer.workerFunction.metricDuration({ label: 'average' }), importer.workerFunction.metricDuration({ statistic: 'Maximum', label: 'maximum' })]),
        new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 12, height: 6 }),
      );
      if (!queues.includes(importer.queue)) queues.push(importer.queue);
    });
    queues.forEach((queue) => {
      this.dashboard.addWidgets(
        graph(`Import queue ${queue.tableName}: files waiting ahead`, [queue.metricWaitingFiles({ label: 'waiting files' })], 12),
        graph(`Import queue ${queue.tableName}: wait for the slot (seconds)`, [queue.metricWaitTime({ label: 'wait time' })], 12),
      );
    });
  }

  private importerAlarms(scope: Construct, importer: CognitoUserImport, name: string, period: Duration, props: CognitoImportMonitoringProps): cloudwatch.Alarm[] {
    const failedFiles = importer.metricFailedFiles({ period });
    const dlq = importer.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' });
    const executions = new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
      usingMetrics: { failed: importer.workflow.metricFailed({ period }), timedOut: importer.workflow.metricTimedOut({ period }) },
      period,
      label: 'failed or timed-out executions',
    });
    const alarms = [
      this.alarm(scope, 'FailedFiles', failedFiles, props.failedFilesThreshold ?? MONITORING_DEFAULTS.failedFilesThreshold,
        `${name}: files ended Failed or Rejected (see their reports)`, props.alarmTopic),
      this.alarm(scope, 'DeadLetterMessages', dlq, props.deadLetterMessagesThreshold ?? MONITORING_DEFAULTS.deadLetterMessagesThreshold,
        `${name}: dropped files whose S3 event could not start an import (dead-letter queue)`, props.alarmTopic),
      this.alarm(scope, 'FailedExecutions', executions, props.failedExecutionsThreshold ?? MONITORING_DEFAULTS.failedExecutionsThreshold,
        `${name}: import workflow executions failed or timed out`, props.alarmTopic),
    ];
    this.alarms.push(...alarms);
    return alarms;
  }

  private alarm(scope: Construct, id: string, metric: cloudwatch.IMetric, threshold: number, description: string, topic?: sns.ITopic): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No file, no execution, no message: nothing wrong.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (topic) {
      alarm.addAlarmAction(new cwActions.SnsAction(topic));
      alarm.addOkAction(new cwActions.SnsAction(topic));
    } else {
      addNagExceptions(alarm, inPacks([NIST, HIPAA], 'CloudWatchAlarmAction',
        'No alarmTopic was given to CognitoImportMonitoring: the alarm shows on its dashboard and in the console; pass alarmTopic to be notified.'));
    }
    return alarm;
  }
}

function graph(title: string, metrics: cloudwatch.IMetric[], width = 6): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
}

function validate(scope: Construct, props: CognitoImportMonitoringProps): void {
  if (!props.importers || props.importers.length === 0) {
    throw new ValidationError('CognitoImportMonitoring: importers is empty; pass the CognitoUserImport constructs to watch.', scope);
  }
  if (new Set(props.importers).size !== props.importers.length) {
    throw new ValidationError('CognitoImportMonitoring: an importer is listed twice in importers; list each once.', scope);
  }
  const thresholds: Array<[string, number | undefined]> = [
    ['failedFilesThreshold', props.failedFilesThreshold],
    ['deadLetterMessagesThreshold', props.deadLetterMessagesThreshold],
    ['failedExecutionsThreshold', props.failedExecutionsThreshold],
  ];
  for (const [name, value] of thresholds) {
    if (value === undefined || Token.isUnresolved(value)) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new ValidationError(`CognitoImportMonitoring: ${name} is ${value}; it must be a whole number of at least 1 (the count that raises the alarm).`, scope);
    }
  }
  const period = props.alarmPeriod;
  if (period !== undefined && !period.isUnresolved()) {
    const seconds = period.toSeconds();
    if (seconds < 60 || seconds % 60 !== 0 || seconds > 86_400) {
      throw new ValidationError(`CognitoImportMonitoring: alarmPeriod is ${seconds} seconds; use a whole number of minutes from 1 minute to 1 day (Duration.minutes(5)).`, scope);
    }
  }
  const name = props.dashboardName;
  if (name !== undefined && !Token.isUnresolved(name) && !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw new ValidationError(`CognitoImportMonitoring: dashboardName '${name}' may hold only letters, digits, '-' and '_' (1-255 characters), CloudWatch's rule.`, scope);
  }
}
