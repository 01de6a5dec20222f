import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** Which per-user passes the importer runs besides the lookup. */
export interface UserSyncOptions {
  /** existingUsers UPDATE: an update loop after the lookup. */
  readonly update: boolean;
  /** groupsColumn set: a group-membership loop after the import. */
  readonly groups: boolean;
}

type Step = (stateId: string, payload: Record<string, unknown>, resultPath: string) => tasks.LambdaInvoke;

/**
 * The states that find the rows whose user already exists before anything is uploaded: a loop of
 * FindExisting calls (each works ≤ its budget and checkpoints, so any file and pool fit), then
 * ApplyExisting, which takes those rows out of the parts (`$.validation` is replaced). `lookupLoop` is
 * the loop's FindExisting, where the sample's fallback enters with `$.lookup` already set.
 */
export function findExistingUsers(
  scope: Construct, step: Step, throttleRetry: sfn.RetryProps, onError: sfn.IChainable, catchAll: sfn.CatchProps,
): { chain: sfn.Chain; lookupLoop: sfn.IChainable } {
  const init = new sfn.Pass(scope, 'StartLookup', { result: sfn.Result.fromObject({ done: false }), resultPath: '$.lookup' });
  const find = step('FindExisting', { 'action': 'findExisting', 'validation.$': '$.validation', 'lookup.$': '$.lookup', 'source.$': '$.source' }, '$.lookup');
  find.addRetry(throttleRetry);
  find.addCatch(onError, catchAll);
  const apply = step('ApplyExisting', {
    'action': 'applyExisting',
    'source.$': '$.source',
    'executionName.$': '$$.Execution.Name',
    'validation.$': '$.validation',
    'lookup.$': '$.lookup',
  }, '$.validation');
  apply.addRetry(throttleRetry);
  apply.addCatch(onError, catchAll);
  const isDone = new sfn.Choice(scope, 'IsLookupDone')
    .when(sfn.Condition.booleanEquals('$.lookup.done', true), apply)
    .otherwise(find);
  init.next(find).next(isDone);
  return { chain: sfn.Chain.custom(init, [apply], apply), lookupLoop: find };
}

/**
 * After the import, when the lookup was only a sample: PlanFallback (lambda/users/sample-fallback.ts)
 * decides whether Cognito failed a job over users the sample missed. If so, that job's rows not imported
 * become `$.validation`'s parts and the full lookup starts on them (`lookupLoop`, then the import again;
 * that lookup never samples, so this happens at most once). Otherwise, and for every other file: `next`.
 */
export function sampleFallback(
  scope: Construct, step: Step, throttleRetry: sfn.RetryProps, onError: sfn.IChainable, catchAll: sfn.CatchProps,
  lookupLoop: sfn.IChainable, next: sfn.IChainable,
): sfn.Choice {
  const plan = step('PlanFallback', {
    'action': 'planFallback',
    'source.$': '$.source',
    'executionName.$': '$$.Execution.Name',
    'validation.$': '$.validation',
    'lookup.$': '$.lookup',
    'parts.$': '$.parts',
  }, '$.fallback');
  plan.addRetry(throttleRetry);
  plan.addCatch(onError, catchAll);
  const takeRows = new sfn.Pass(scope, 'TakeRetriedRows', { inputPath: '$.fallback.validation', resultPath: '$.validation' });
  const startLookup = new sfn.Pass(scope, 'StartFullLookup', { inputPath: '$.fallback.lookup', resultPath: '$.lookup' });
  takeRows.next(startLookup).next(lookupLoop);
  plan.next(new sfn.Choice(scope, 'IsFallbackNeeded')
    .when(sfn.Condition.booleanEquals('$.fallback.retry', true), takeRows)
    .otherwise(next));
  return new sfn.Choice(scope, 'WasLookupSampled')
    .when(sfn.Condition.and(sfn.Condition.isPresent('$.lookup.mode'), sfn.Condition.stringEquals('$.lookup.mode', 'sample')), plan)
    .otherwise(next);
}

/** The update loop (existingUsers UPDATE), run after the lookup and before the import. */
export function updateExistingUsers(scope: Construct, step: Step, throttleRetry: sfn.RetryProps, onError: sfn.IChainable, catchAll: sfn.CatchProps): sfn.Chain {
  return passLoop(scope, step, throttleRetry, onError, catchAll, 'UpdateExisting',
    { 'action': 'updateExisting', 'validation.$': '$.validation' }, '$.update');
}

/** The group-membership loop (groupsColumn set), run after every part was imported. */
export function addUsersToGroups(scope: Construct, step: Step, throttleRetry: sfn.RetryProps, onError: sfn.IChainable, catchAll: sfn.CatchProps): sfn.Chain {
  return passLoop(scope, step, throttleRetry, onError, catchAll, 'AddToGroups',
    { 'action': 'addToGroups', 'state.$': '$' }, '$.groups');
}

/**
 * A per-user pass as a loop: Pass `{done:false}` → step → done? → on. Each call works within its
 * budget and returns where the next one goes on (so any file fits 15-minute invocations).
 */
export function passLoop(
  scope: Construct, step: Step, throttleRetry: sfn.RetryProps, onError: sfn.IChainable, catchAll: sfn.CatchProps,
  name: string, payload: Record<string, unknown>, resultPath: string,
): sfn.Chain {
  const init = new sfn.Pass(scope, `Start${name}`, { result: sfn.Result.fromObject({ done: false }), resultPath });
  const call = step(name, { ...payload, 'pass.$': resultPath }, resultPath);
  call.addRetry(throttleRetry);
  call.addCatch(onError, catchAll);
  const done = new sfn.Pass(scope, `${name}Done`);
  const isDone = new sfn.Choice(scope, `Is${name}Done`)
    .when(sfn.Condition.booleanEquals(`${resultPath}.done`, true), done)
    .otherwise(call);
  init.next(call).next(isDone);
  return sfn.Chain.custom(init, [done], done);
}
