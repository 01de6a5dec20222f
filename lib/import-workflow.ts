import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { StepErrors } from '../lambda/shared/contract';

/** Props of {@link ImportWorkflow}. Internal: {@link CognitoUserImport} builds it. */
export interface ImportWorkflowProps {
  /** The function that runs every step (dispatches on `action`). */
  readonly worker: lambda.IFunction;
  /** How long Start keeps retrying while another import job is active or Cognito throttles. */
  readonly maxWaitForActiveJob: Duration;
  /** Retention of the workflow's execution log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicy;
  /** Encrypts the log group (the key policy must let CloudWatch Logs use it). */
  readonly encryptionKey?: kms.IKey;
}

/** How a Lambda invocation that crashed (not one that threw on purpose) fails in Step Functions. */
const CRASH_ERRORS = ['Runtime.ExitError', 'Runtime.Unknown', 'Sandbox.Timedout', 'Lambda.Unknown', sfn.Errors.TIMEOUT];

/** First pause of the long retries (another job active, throttling) and its cap. */
const LONG_RETRY_FIRST_SECONDS = 30;
const LONG_RETRY_MAX_DELAY_SECONDS = 600;

/**
 * How many attempts the long retry needs so that its expected total wait (full jitter halves
 * each pause on average) reaches `maxWaitSeconds`.
 */
export function longRetryAttempts(maxWaitSeconds: number): number {
  let attempts = 0;
  let expected = 0;
  while (expected < maxWaitSeconds) {
    const pause = Math.min(LONG_RETRY_FIRST_SECONDS * 2 ** attempts, LONG_RETRY_MAX_DELAY_SECONDS);
    expected += pause / 2;
    attempts += 1;
  }
  return Math.max(attempts, 1);
}

/**
 * The import workflow: a Standard state machine, JSONPath, logging at level ALL without execution data.
 *
 * Validate → (valid?) → for each part, one at a time: CreateAndUpload → Start → Wait/Describe
 * until terminal → Harvest; → Report → Notify. Any unexpected error (in Report too) → ReportError
 * → NotifyError → Fail, so every dropped file ends with exactly one report and one event; if even
 * ReportError fails, ReportUnavailable still sends the event (status Failed).
 */
export class ImportWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ImportWorkflowProps) {
    super(scope, id);
    const step = (stateId: string, payload: Record<string, unknown>, resultPath: string) => {
      const task = new tasks.LambdaInvoke(this, stateId, {
        lambdaFunction: props.worker,
        payload: sfn.TaskInput.fromObject(payload),
        // The function's result is the state's result (no {Payload} wrapper).
        payloadResponseOnly: true,
        resultPath,
        retryOnServiceExceptions: true,
      });
      // A crashed or timed-out invocation is tried again: every step is idempotent (a retried
      // CreateAndUpload finds the job it already uploaded), so a crash after the upload costs nothing.
      task.addRetry({ errors: CRASH_ERRORS, interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 2 });
      return task;
    };
    const throttleRetry: sfn.RetryProps = {
      errors: [StepErrors.Throttled],
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 8,
      maxDelay: Duration.minutes(2),
      jitterStrategy: sfn.JitterType.FULL,
    };

    // Error path: the same report step, with $.error set by the Catch.
    const reportError = step('ReportError', reportPayload(), '$.report');
    reportError.addRetry(throttleRetry);
    const notifyError = step('NotifyError', { 'action': 'notify', 'source.$': '$.source', 'report.$': '$.report' }, sfn.JsonPath.DISCARD);
    notifyError.addRetry(throttleRetry);
    const failed = new sfn.Fail(this, 'ImportFailed', {
      error: 'ImportFailed',
      cause: 'The import ended in an unexpected error; see the report for details.',
    });
    reportError.next(notifyError).next(failed);
    const catchAll = { errors: [sfn.Errors.ALL], resultPath: '$.error' };
    // Even when no report can be written, the event still goes out (status Failed, no report URI).
    const reportUnavailable = new sfn.Pass(this, 'ReportUnavailable', {
      result: sfn.Result.fromObject({
        status: 'Failed', jobIds: [], totals: { rows: 0, imported: 0, skipped: 0, failed: 0, rejected: 0 },
        firstReasons: ['the import failed and its report could not be written'],
      }),
      resultPath: '$.report',
    });
    reportUnavailable.next(notifyError);
    reportError.addCatch(reportUnavailable, { errors: [sfn.Errors.ALL], resultPath: '$.reportError' });
    notifyError.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.notifyError' });

    const validate = step('Validate', { 'action': 'validate', 'source.$': '$.source', 'executionName.$': '$$.Execution.Name' }, '$.validation');
    validate.addRetry(throttleRetry);
    validate.addCatch(reportError, catchAll);

    // One part: create the job and upload, start it, watch it, harvest its results.
    const createAndUpload = step('CreateAndUpload', { 'action': 'createAndUpload', 'part.$': '$.part' }, '$.job');
    createAndUpload.addRetry({ errors: [StepErrors.UploadFailed], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 3 });
    createAndUpload.addRetry(throttleRetry);

    const start = step('Start', { 'action': 'start', 'job.$': '$.job' }, '$.job');
    // The upload may take a moment to become visible to Cognito.
    start.addRetry({ errors: [StepErrors.UploadNotVisible], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 5 });
    // One import job per account: wait for the other one, with backoff and jitter, up to the maximum wait.
    start.addRetry({
      errors: [StepErrors.AnotherJobActive, StepErrors.Throttled],
      interval: Duration.seconds(LONG_RETRY_FIRST_SECONDS),
      backoffRate: 2,
      maxDelay: Duration.seconds(LONG_RETRY_MAX_DELAY_SECONDS),
      jitterStrategy: sfn.JitterType.FULL,
      maxAttempts: longRetryAttempts(props.maxWaitForActiveJob.toSeconds()),
    });
    // A job that expired before it could start: make a new one for the part (the worker sees the expiry).
    start.addCatch(createAndUpload, { errors: [StepErrors.JobExpired], resultPath: '$.expired' });

    const waitForJob = new sfn.Wait(this, 'WaitForJob', { time: sfn.WaitTime.secondsPath('$.job.waitSeconds') });
    const describe = step('Describe', { 'action': 'describe', 'job.$': '$.job' }, '$.job');
    describe.addRetry(throttleRetry);
    const harvest = step('Harvest', { 'action': 'harvest', 'part.$': '$.part', 'job.$': '$.job' }, '$');
    harvest.addRetry(throttleRetry);
    const isJobDone = new sfn.Choice(this, 'IsJobDone')
      .when(sfn.Condition.booleanEquals('$.job.terminal', true), harvest)
      .otherwise(waitForJob);
    const onePart = createAndUpload.next(start).next(waitForJob).next(describe).next(isJobDone);

    const importParts = new sfn.Map(this, 'ImportParts', {
      itemsPath: '$.validation.parts',
      itemSelector: { 'part.$': '$$.Map.Item.Value' },
      // Cognito runs one import job per account at a time: parts go one after another.
      maxConcurrency: 1,
      resultPath: '$.parts',
    });
    importParts.itemProcessor(onePart);
    importParts.addCatch(reportError, catchAll);

    const report = step('Report', reportPayload(), '$.report');
    report.addRetry(throttleRetry);
    // A report that cannot be written is retried as a failure report; that path still notifies.
    report.addCatch(reportError, catchAll);
    const notify = step('Notify', { 'action': 'notify', 'source.$': '$.source', 'report.$': '$.report' }, sfn.JsonPath.DISCARD);
    notify.addRetry(throttleRetry);
    notify.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    const done = new sfn.Pass(this, 'Done', { parameters: { 'source.$': '$.source', 'report.$': '$.report' } });

    const isImportable = new sfn.Choice(this, 'IsImportable')
      .when(sfn.Condition.stringEquals('$.validation.outcome', 'Valid'), importParts.next(report))
      .otherwise(report);
    report.next(notify).next(done);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
      encryptionKey: props.encryptionKey,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(validate.next(isImportable)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      // Execution data (inputs, outputs, error causes) stays out of the logs: counts and keys only
      // ever reach step outputs, but the logs need not hold them for a year.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'Cognito CSV user import: validate, import each part, report, notify',
    });
  }
}

function reportPayload(): Record<string, unknown> {
  return {
    'action': 'report',
    'executionName.$': '$$.Execution.Name',
    'startedAt.$': '$$.Execution.StartTime',
    'state.$': '$',
  };
}
