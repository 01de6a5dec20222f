/**
 * CloudFormation's custom-resource lifecycle, played against the local cloud: one request (Create, Update
 * or Delete) in CloudFormation's shape, sent as CloudFormation sends it (an asynchronous `Event` invocation
 * of the ServiceToken function through the Lambda API), then the wait for the provider's answer at the
 * request's pre-signed ResponseURL, judged by CloudFormation's response rules.
 */
import { randomUUID } from 'crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CfnOutcome } from '../lambda/cfn-response-receiver';
import type { LocalCloud } from '../index';

export type RequestType = 'Create' | 'Update' | 'Delete';

export interface CfnRequestOptions {
  /** The resource's properties, resolved (ServiceToken included). */
  properties: Record<string, unknown>;
  /** Update: the properties before the change. */
  oldProperties?: Record<string, unknown>;
  /** Update and Delete: the physical id the last answer gave. */
  physicalResourceId?: string;
  resourceType: string;
}

export interface CfnEventResult extends CfnOutcome {
  requestType: RequestType;
  logicalResourceId: string;
  requestId: string;
}

/** CloudFormation's wait for a custom resource (ServiceTimeout's default and maximum): one hour. */
const SERVICE_TIMEOUT_SECONDS = 3600;

export class CloudFormationDriver {
  private readonly lambda: LambdaClient;

  /**
   * @param timeScale how much shorter CloudFormation's wait is here (the local cloud compresses the waiter's
   *   intervals by the same factor)
   */
  constructor(private readonly cloud: LocalCloud, private readonly stackId: string, private readonly timeScale: number) {
    this.lambda = new LambdaClient({
      endpoint: cloud.endpoint, region: cloud.region,
      credentials: { accessKeyId: 'LOCALCLOUD', secretAccessKey: 'LOCALCLOUD' },
    });
  }

  /** Sends one request and resolves with what CloudFormation would record for it. */
  async request(type: RequestType, logicalResourceId: string, opts: CfnRequestOptions): Promise<CfnEventResult> {
    const requestId = randomUUID();
    const serviceToken = String(opts.properties.ServiceToken ?? '');
    const { url, outcome } = this.cloud.cfnResponses.expect({ stackId: this.stackId, logicalResourceId, requestId });
    const event: Record<string, unknown> = {
      RequestType: type,
      ServiceToken: serviceToken,
      ResponseURL: url,
      StackId: this.stackId,
      RequestId: requestId,
      LogicalResourceId: logicalResourceId,
      ResourceType: opts.resourceType,
      ResourceProperties: opts.properties,
      ...(type !== 'Create' ? { PhysicalResourceId: opts.physicalResourceId } : {}),
      ...(type === 'Update' ? { OldResourceProperties: opts.oldProperties ?? {} } : {}),
    };
    const base = { requestType: type, logicalResourceId, requestId };
    const invoked = await this.lambda.send(new InvokeCommand({
      FunctionName: serviceToken, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)),
    })).then(() => undefined, (e: Error) => e);
    if (invoked) {
      return { ...base, status: 'FAILED', reason: `Could not invoke the ServiceToken function ${serviceToken}: ${invoked.name}: ${invoked.message}`, data: {}, noEcho: false, bodyBytes: 0 };
    }
    const serviceTimeout = Number(opts.properties.ServiceTimeout) || SERVICE_TIMEOUT_SECONDS;
    const waitMs = serviceTimeout * 1000 * this.timeScale;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CfnOutcome>((resolve) => {
      timer = setTimeout(() => resolve({
        status: 'FAILED', data: {}, noEcho: false, bodyBytes: 0,
        reason: `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}].`,
      }), waitMs);
    });
    try {
      return { ...base, ...(await Promise.race([outcome, timedOut])) };
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void { this.lambda.destroy(); }
}
