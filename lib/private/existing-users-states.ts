import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

type Step = (stateId: string, payload: Record<string, unknown>, resultPath: string) => tasks.LambdaInvoke;

/**
 * The states that find the rows whose user already exists before anything is uploaded: a loop of
 * FindExisting calls (each works ≤ its budget and checkpoints, so any file and pool fit), then
 * ApplyExisting, which takes those rows out of the parts (`$.validation` is replaced).
 */
export function findExistingUsers(
  scope: Construct, step: Step, throttleRetry: sfn.RetryProps, onError: sfn.IChainable, catchAll: sfn.CatchProps,
): sfn.Chain {
  const init = new sfn.Pass(scope, 'StartLookup', { result: sfn.Result.fromObject({ done: false }), resultPath: '$.lookup' });
  const find = step('FindExisting', { 'action': 'findExisting', 'validation.$': '$.validation', 'lookup.$': '$.lookup' }, '$.lookup');
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
  return sfn.Chain.custom(init, [apply], apply);
}
