import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { InvalidRowPolicyValue, PasswordHashingAlgorithmValue } from '../shared/contract';
import type { Log } from './logger';
import type { ObjectStore } from './object-store';
import type { PresignedPut } from './presigned-put';

/** Settings of one importer, read from the environment by the handler (core never reads env). */
export interface EngineConfig {
  readonly userPoolId: string;
  /** Bucket for work files and reports. */
  readonly bucket: string;
  readonly logsRoleArn: string;
  readonly invalidRows: InvalidRowPolicyValue;
  readonly passwordHashingAlgorithm?: PasswordHashingAlgorithmValue;
  /** Prefix of dropped files: the only keys (with the work prefix's `deployments/`) the worker reads. */
  readonly incomingPrefix: string;
  readonly reportPrefix: string;
  readonly workPrefix: string;
  /** Larger dropped files are rejected before any job. */
  readonly maxFileSizeBytes: number;
  readonly maxRowsPerPart: number;
  readonly maxBytesPerPart: number;
  readonly maxPollIntervalSeconds: number;
  readonly eventBusName: string;
  readonly importerId: string;
}

/** Counts the notify step publishes; Powertools Metrics in production, a recorder in tests. */
export interface MetricsSink {
  publish(userPoolId: string, counts: Record<string, number>): void;
}

/** Everything with a side effect, injected so core modules are testable and hold no globals. */
export interface EngineDeps {
  readonly store: ObjectStore;
  readonly cognito: CognitoIdentityProviderClient;
  readonly logs: CloudWatchLogsClient;
  readonly events: EventBridgeClient;
  readonly metrics: MetricsSink;
  readonly put: PresignedPut;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: Log;
}
