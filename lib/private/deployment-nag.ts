import { IConstruct } from 'constructs';
import {
  addNagExceptions, arnHead, defaultPolicyOf, HIPAA, INLINE_POLICY, inPacks, NIST, NO_VPC, ONCE_PER_DEPLOY, PCI, starReason, SYNC_INVOKE,
} from './nag';

const FUNCTION_VERSIONS = { regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/' };
const EXECUTIONS = { regex: `/^Resource::${arnHead('states')}execution:.+:\\*$/` };
const OWN_KEYS = { regex: '/^Resource::.+\\/deploy-[A-Za-z0-9_-]+-\\*$/' };

/** The justified exceptions of a UserImportDeployment's own resources (see the README's security section). */
export function addDeploymentNagExceptions(deployment: IConstruct, encrypted: boolean, inVpc: boolean): void {
  const child = (path: string) => path.split('/').reduce<IConstruct | undefined>((n, id) => n?.node.tryFindChild(id), deployment);
  const allPacks = [NIST, HIPAA, PCI];
  const inline = inPacks(allPacks, 'IAMNoInlinePolicy', INLINE_POLICY);

  for (const role of ['OnEventRole', 'IsCompleteRole']) {
    addNagExceptions(defaultPolicyOf(child(role)), [
      { id: 'AwsSolutions-IAM5', reason: starReason(inVpc), appliesTo: ['Resource::*'] },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'Describe/StopExecution on executions of the one import workflow, whose names are derived at deploy time; the CSV copy and the report are keyed by this resource\'s own execution names (deploy-<logical id>-*).',
        appliesTo: [EXECUTIONS, OWN_KEYS],
      },
      ...inline,
    ]);
  }
  for (const role of ['FrameworkOnEventRole', 'FrameworkCompleteRole']) {
    addNagExceptions(defaultPolicyOf(child(role)), [
      { id: 'AwsSolutions-IAM5', reason: 'aws-cdk-lib\'s Provider framework invokes the two handler functions and their versions (<arn>:*): those two only.', appliesTo: [FUNCTION_VERSIONS] },
      { id: 'AwsSolutions-IAM5', reason: starReason(inVpc), appliesTo: ['Resource::*'] },
      ...inline,
    ]);
  }
  addNagExceptions(defaultPolicyOf(child('Provider/waiter-state-machine/Role')), [
    { id: 'AwsSolutions-IAM5', reason: 'aws-cdk-lib\'s waiter state machine invokes the framework isComplete/onTimeout functions and their versions (<arn>:*): those two only.', appliesTo: [FUNCTION_VERSIONS] },
    { id: 'AwsSolutions-IAM5', reason: 'CloudWatch Logs delivery (for the waiter\'s log group) and X-Ray do not support resource-level permissions.', appliesTo: ['Resource::*'] },
    ...inline,
  ]);
  for (const fn of ['OnEventFunction', 'IsCompleteFunction', 'Provider/framework-onEvent', 'Provider/framework-isComplete', 'Provider/framework-onTimeout']) {
    addNagExceptions(child(fn), [
      { id: 'Serverless-LambdaDLQ', reason: SYNC_INVOKE },
      ...inPacks([NIST, HIPAA], 'LambdaDLQ', SYNC_INVOKE),
      ...(inVpc ? [] : inPacks(allPacks, 'LambdaInsideVPC', NO_VPC)),
      ...inPacks([NIST, HIPAA], 'LambdaConcurrency', ONCE_PER_DEPLOY),
    ]);
  }
  if (!encrypted) {
    const logs = inPacks(allPacks, 'CloudWatchLogGroupEncrypted',
      'Encrypted by CloudWatch Logs with its own keys; give the importer an encryptionKey and its deployments use it for their log groups too.');
    for (const group of ['OnEventLogs', 'IsCompleteLogs', 'ProviderLogs', 'WaiterLogs']) addNagExceptions(child(group), logs);
  }
}
