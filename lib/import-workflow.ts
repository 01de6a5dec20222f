import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { StepErrors } from '../lambda/shared/errors';
import { addUsersToGroups, findExistingUsers, sampleFallback, updateExistingUsers, UserSyncOptions } from './private/existing-users-states';
import { FIRST_START_PAUSE, LONGEST_START_PAUSE, longRetryAttempts } from './private/start-retry';

/** Props of {@link ImportWorkflow}. Internal: {@link CognitoUserImport} builds it. */
export interface ImportWorkflowProps {
  /** The function that runs every step (dispatches on `action`). */
  readonly worker: lambda.IFunction;
  /** How long Start keeps retrying while a job started outside the queue is active or Cognito throttles. */
  readonly maxWaitForActiveJob: Duration;
  /** Retention of the workflow's execution log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicy;
  /** Encrypts the log group (the key policy must let CloudWatch Logs use it). */
  readonly encryptionKey?: kms.IKey;
  /** The per-user passes besides the existing-user lookup. @default - neither update nor groups */
  readonly userSync?: UserSyncOptions;
}

/** How a Lambda invocation that crashed (not one that threw on purpose) fails in Step Functions. */
const CRASH_ERRORS = ['Runtime.ExitError', 'Runtime.Unknown', 'Sandbox.Timedout', 'Lambda.Unknown', sfn.Errors.TIMEOUT];

/**
 * The import workflow: a Standard state machine, JSONPath, logging at level ALL without execution data.
 *
 * Validate → (valid?) → existing users → Enqueue → (WaitInQueue → CheckTurn)* until the file holds
 * the account's import slot (or its rows ran in another file's combined job) → for each part, one at
 * a time: CreateAndUpload → Start → Wait/Describe until terminal → Harvest; (combined job →
 * Distribute) → Release → (lookup only sampled: PlanFallback → when a job failed over users the
 * sample missed, back to the full lookup with that job's rows not imported, once) → groups → Report
 * → Notify. Any unexpected error (in Report too) → (once
 * queued: LeaveQueue, which frees the slot) → ReportError → NotifyError → Fail, so every dropped file
 * ends with exactly one report and one event and never keeps the slot; if even ReportError fails,
 * ReportUnavailable still sends the event (status Failed).
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

    // Every error after the file joined the queue leaves it first: the slot is freed, files combined
    // into this file's job fail with their own report, and the ticket is removed. Leaving never blocks the report.
    const leaveQueue = step('LeaveQueue', { 'action': 'leaveQueue', 'executionName.$': '$$.Execution.Name' }, sfn.JsonPath.DISCARD);
    leaveQueue.addRetry(throttleRetry);
    leaveQueue.addCatch(reportError, { errors: [sfn.Errors.ALL], resultPath: '$.leaveError' });
    leaveQueue.next(reportError);

    // One part: create the job and upload, start it, watch it, harvest its results. The slot's lease
    // is renewed on every start and describe.
    const createAndUpload = step('CreateAndUpload', { 'action': 'createAndUpload', 'part.$': '$.part', 'source.$': '$.source' }, '$.job');
    createAndUpload.addRetry({ errors: [StepErrors.UploadFailed], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 3 });
    createAndUpload.addRetry(throttleRetry);

    const start = step('Start', { 'action': 'startInQueue', 'ticket.$': '$.ticket', 'job.$': '$.job', 'part.$': '$.part', 'source.$': '$.source' }, '$.job');
    // The upload may take a moment to become visible to Cognito.
    start.addRetry({ errors: [StepErrors.UploadNotVisible], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 5 });
    // A job started outside the queue (console, CLI): keep the slot and wait for it, with backoff and jitter.
    start.addRetry({
      errors: [StepErrors.AnotherJobActive, StepErrors.Throttled],
      interval: FIRST_START_PAUSE,
      backoffRate: 2,
      maxDelay: LONGEST_START_PAUSE,
      jitterStrategy: sfn.JitterType.FULL,
      maxAttempts: longRetryAttempts(props.maxWaitForActiveJob.toSeconds()),
    });
    // A job that expired before it could start: make a new one for the part (the worker sees the expiry).
    start.addCatch(createAndUpload, { errors: [StepErrors.JobExpired], resultPath: '$.expired' });

    const waitForJob = new sfn.Wait(this, 'WaitForJob', { time: sfn.WaitTime.secondsPath('$.job.waitSeconds') });
    const describe = step('Describe', { 'action': 'describeInQueue', 'ticket.$': '$.ticket', 'job.$': '$.job', 'part.$': '$.part', 'source.$': '$.source' }, '$.job');
    describe.addRetry(throttleRetry);
    const harvest = step('Harvest', { 'action': 'harvest', 'part.$': '$.part', 'job.$': '$.job', 'source.$': '$.source' }, '$');
    harvest.addRetry(throttleRetry);
    const isJobDone = new sfn.Choice(this, 'IsJobDone')
      .when(sfn.Condition.booleanEquals('$.job.terminal', true), harvest)
      .otherwise(waitForJob);
    const onePart = createAndUpload.next(start).next(waitForJob).next(describe).next(isJobDone);

    const importParts = new sfn.Map(this, 'ImportParts', {
      itemsPath: '$.queue.parts',
      // The source travels with each part for the file's progress object (ids and counts only).
      itemSelector: { 'part.$': '$$.Map.Item.Value', 'ticket.$': '$.queue.ticket', 'source.$': '$.source' },
      // Cognito runs one import job per account at a time: parts go one after another.
      maxConcurrency: 1,
      resultPath: '$.parts',
    });
    importParts.itemProcessor(onePart);
    importParts.addCatch(leaveQueue, catchAll);

    const report = step('Report', reportPayload(), '$.report');
    report.addRetry(throttleRetry);
    // A report that cannot be written is retried as a failure report; that path still notifies.
    report.addCatch(reportError, catchAll);
    const notify = step('Notify', { 'action': 'notify', 'source.$': '$.source', 'report.$': '$.report' }, sfn.JsonPath.DISCARD);
    notify.addRetry(throttleRetry);
    notify.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    const done = new sfn.Pass(this, 'Done', { parameters: { 'source.$': '$.source', 'report.$': '$.report' } });

    // The queue: a ticket, then wait for the turn (no job exists while waiting, so nothing expires).
    const enqueue = step('Enqueue', {
      'action': 'enqueue', 'executionName.$': '$$.Execution.Name', 'source.$': '$.source', 'validation.$': '$.validation',
    }, '$.queue');
    enqueue.addRetry(throttleRetry);
    enqueue.addCatch(leaveQueue, catchAll);
    const waitInQueue = new sfn.Wait(this, 'WaitInQueue', { time: sfn.WaitTime.secondsPath('$.queue.waitSeconds') });
    const checkTurn = step('CheckTurn', { 'action': 'checkTurn', 'queue.$': '$.queue', 'validation.$': '$.validation', 'source.$': '$.source' }, '$.queue');
    checkTurn.addRetry(throttleRetry);
    checkTurn.addCatch(leaveQueue, catchAll);
    const release = step('Release', { 'action': 'release', 'queue.$': '$.queue' }, sfn.JsonPath.DISCARD);
    release.addRetry(throttleRetry);
    release.addCatch(leaveQueue, catchAll);
    const distribute = step('Distribute', { 'action': 'distribute', 'queue.$': '$.queue', 'parts.$': '$.parts' }, '$.parts');
    distribute.addRetry(throttleRetry);
    distribute.addCatch(leaveQueue, catchAll);
    const takeResults = new sfn.Pass(this, 'TakeCombinedResults', { inputPath: '$.queue.results', resultPath: '$.parts' });

    // After the import (own job or a combined one): group memberships, then the report.
    const afterImport = props.userSync?.groups
      ? addUsersToGroups(this, step, throttleRetry, reportError, catchAll).next(report)
      : report;
    const isCombined = new sfn.Choice(this, 'IsCombinedJob')
      .when(sfn.Condition.booleanEquals('$.queue.combined', true), distribute.next(release))
      .otherwise(release);
    // Existing users are found before the file joins the queue (its loop is where the fallback comes back).
    const lookup = findExistingUsers(this, step, throttleRetry, reportError, catchAll);
    // A job Cognito failed over users a clean sample missed: the full lookup, and the import again (once).
    const fallback = sampleFallback(this, step, throttleRetry, reportError, catchAll, lookup.lookupLoop, afterImport);
    release.next(fallback);
    importParts.next(isCombined);
    takeResults.next(fallback);
    const route = new sfn.Choice(this, 'IsItMyTurn')
      .when(sfn.Condition.stringEquals('$.queue.outcome', 'Acquired'), importParts)
      .when(sfn.Condition.stringEquals('$.queue.outcome', 'Coalesced'), takeResults)
      .otherwise(waitInQueue);
    enqueue.next(waitInQueue).next(checkTurn).next(route);
    // Nothing left to upload (every row's user existed): no job, so no place in the queue.
    const anythingToImport = new sfn.Choice(this, 'AnythingToImport')
      .when(sfn.Condition.isPresent('$.validation.parts[0]'), enqueue)
      .otherwise(afterImport);

    // Existing users are found (and updated) before the file joins the queue.
    const importSteps = () => {
      let chain = lookup.chain;
      if (props.userSync?.update) chain = chain.next(updateExistingUsers(this, step, throttleRetry, reportError, catchAll));
      return chain.next(anythingToImport);
    };
    const isImportable = new sfn.Choice(this, 'IsImportable')
      .when(sfn.Condition.stringEquals('$.validation.outcome', 'Valid'), importSteps())
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
