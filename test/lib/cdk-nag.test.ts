import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions, ServerlessChecks } from 'cdk-nag';
import { ExampleStack } from '../../example/example-stack';

/**
 * The example app under the AwsSolutions and Serverless packs. Every finding was fixed in the
 * library where it could be; what is left is suppressed HERE (never in lib/), each with its reason
 * and, where the rule is granular, the exact finding it applies to.
 */
function nagFindings(suppress: boolean): string[] {
  const app = new App();
  const stack = new ExampleStack(app, 'NagExample');
  if (suppress) {
    const byPath = (path: string, id: string, reason: string, appliesTo?: string[]) =>
      NagSuppressions.addResourceSuppressionsByPath(stack, `/NagExample/${path}`, [{ id, reason, appliesTo }]);
    const xray = 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions (tracing is on, as Serverless checks ask).';

    byPath('Import/WorkerRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5', xray, ['Resource::*']);
    byPath('Import/ImportRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5', xray, ['Resource::*']);
    byPath('Import/WorkerRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'Object-level S3 actions scoped to the one prefix each needs: read incoming/, read-write work/, write reports/. Keys are the operators\' file names, unknown at synth.',
      ['Resource::<ImportBucket64DA19A7.Arn>/incoming/*', 'Resource::<ImportBucket64DA19A7.Arn>/work/*', 'Resource::<ImportBucket64DA19A7.Arn>/reports/*']);
    const poolLogs = 'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/cognito/userpools/<Users0A0EEA89>/*';
    byPath('Import/WorkerRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'Reads import results from this pool\'s log group only; its name ends with the pool name, which CloudFormation does not expose.',
      [poolLogs]);
    byPath('Import/LogsRole/Role/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'Cognito writes import results to /aws/cognito/userpools/<poolId>/<poolName> and one stream per job; scoped to this pool id, the pool name and job ids are not known at synth.',
      [poolLogs, `${poolLogs}:log-stream:*`]);
    byPath('Import/Workflow/StateMachine/Role/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'aws-cdk-lib\'s LambdaInvoke grants the worker function and its versions (<arn>:*); only that one function.',
      ['Resource::<ImportWorkerFunctionCB1A4DC1.Arn>:*']);
    byPath('Import/Workflow/StateMachine/Role/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray do not support resource-level permissions.',
      ['Resource::*']);
    byPath('Import/WorkerFunction/Resource', 'Serverless-LambdaDLQ',
      'Invoked synchronously by Step Functions only; the workflow retries and catches every failure and ends it in a report.');
    byPath('Import/DeadLetterQueue/Resource', 'Serverless-SQSRedrivePolicy',
      'This queue is the import function\'s dead-letter queue: the end of the line, it has no queue of its own to redrive to.');
    byPath('UndeliveredAlerts/Resource', 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the alert rule\'s SNS target.');
    byPath('UndeliveredAlerts/Resource', 'Serverless-SQSRedrivePolicy', 'This queue is itself a dead-letter queue.');
    NagSuppressions.addResourceSuppressions(
      stack.node.findAll().filter((c) => c.node.id.startsWith('BucketNotificationsHandler')),
      [{
        id: 'AwsSolutions-IAM4',
        reason: 'aws-cdk-lib\'s own BucketNotificationsHandler singleton (it sets the S3 trigger); its role is defined by aws-cdk-lib, not this library.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      }],
      true,
    );
    // UserImportDeployment (SeedUsers): its own function roles and the Provider framework's.
    const executions = 'Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"ImportWorkflowStateMachine78A9733B"}]}]}:*';
    byPath('SeedUsers/OnEventRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5', xray, ['Resource::*']);
    byPath('SeedUsers/IsCompleteRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5', xray, ['Resource::*']);
    byPath('SeedUsers/OnEventRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'Describe/StopExecution on executions of the one import workflow; execution names are derived at deploy time. The CSV copy goes under work/deployments/ (no trigger there); its name is the execution name.',
      [executions, 'Resource::<ImportBucket64DA19A7.Arn>/work/deployments/*']);
    byPath('SeedUsers/IsCompleteRole/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'Describe/StopExecution on executions of the one import workflow (names derived at deploy time); reads the reports under reports/ only.',
      [executions, 'Resource::<ImportBucket64DA19A7.Arn>/reports/*']);
    const frameworkInvoke = 'aws-cdk-lib\'s Provider framework grants lambda:InvokeFunction on the user handlers and their versions (<arn>:*); only those two functions.';
    for (const role of ['FrameworkOnEventRole', 'FrameworkCompleteRole']) {
      byPath(`SeedUsers/${role}/DefaultPolicy/Resource`, 'AwsSolutions-IAM5', frameworkInvoke,
        ['Resource::<SeedUsersOnEventFunctionABB3506E.Arn>:*', 'Resource::<SeedUsersIsCompleteFunctionD5AE9FA1.Arn>:*']);
      byPath(`SeedUsers/${role}/DefaultPolicy/Resource`, 'AwsSolutions-IAM5', xray, ['Resource::*']);
    }
    byPath('SeedUsers/Provider/waiter-state-machine/Role/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'aws-cdk-lib\'s waiter state machine invokes the framework isComplete/onTimeout functions and their versions (<arn>:*); only those two.',
      ['Resource::<SeedUsersProviderframeworkisCompleteEACF8E32.Arn>:*', 'Resource::<SeedUsersProviderframeworkonTimeout92F13A3A.Arn>:*']);
    byPath('SeedUsers/Provider/waiter-state-machine/Role/DefaultPolicy/Resource', 'AwsSolutions-IAM5',
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends, set by aws-cdk-lib for level ALL logging) and X-Ray do not support resource-level permissions.',
      ['Resource::*']);
    for (const fn of ['OnEventFunction', 'IsCompleteFunction']) {
      byPath(`SeedUsers/${fn}/Resource`, 'Serverless-LambdaDLQ',
        'Invoked synchronously by the Provider framework, which turns every error into a FAILED response to CloudFormation.');
    }
    for (const fn of ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']) {
      byPath(`SeedUsers/Provider/${fn}/Resource`, 'Serverless-LambdaDLQ',
        'aws-cdk-lib\'s Provider framework: it reports every failure to CloudFormation (FAILED response); isComplete/onTimeout are invoked synchronously by the waiter state machine.');
    }
    byPath('Users/Resource', 'AwsSolutions-COG2', 'The example pool (not part of the library) makes MFA optional; import rows set cognito:mfa_enabled per user.');
  }
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(app).add(new ServerlessChecks({ verbose: true }));
  app.synth();
  return [
    ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('.*')),
    ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*')),
  ].map((f) => `${f.id}: ${String(f.entry.data).split(':')[0]}`);
}

test('example app: AwsSolutions and Serverless packs report nothing unsuppressed', () => {
  expect(nagFindings(true)).toEqual([]);
});

test('every suppression is still needed (each names a finding the packs really raise)', () => {
  const raw = nagFindings(false).join('\n');
  for (const rule of ['AwsSolutions-IAM5', 'AwsSolutions-IAM4', 'Serverless-LambdaDLQ', 'Serverless-SQSRedrivePolicy', 'AwsSolutions-SQS3', 'AwsSolutions-COG2']) {
    expect(raw).toContain(rule);
  }
  // Fixed in the library, not suppressed: no AWS managed policy on our own function roles.
  expect(raw).not.toMatch(/Import\/(WorkerRole|ImportRole)[^\n]*IAM4/);
  // Nor on UserImportDeployment's function roles or the Provider framework roles it passes in.
  expect(raw).not.toMatch(/SeedUsers[^\n]*IAM4/);
});
