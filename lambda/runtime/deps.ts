import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ExistingUsersValue, InvalidRowPolicyValue, PasswordHashingAlgorithmValue } from '../shared/env';
import type { MetricGroup } from '../shared/metrics';
import type { QueueConfig } from './queue-config';
import type { Log } from './logger';
import type { ObjectStore } from './object-store';
import type { PresignedPut } from './presigned-put';

/** Settings of one importer, read from the environment by the handler (engine modules never read env). */
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
  /** Rows whose user exists: SKIP (default) or UPDATE its attributes. */
  readonly existingUsers?: ExistingUsersValue;
  /** Column of `;`-separated group names, removed before upload (unset: no groups). */
  readonly groupsColumn?: string;
  /** Seconds a per-user step works before it checkpoints (default DEFAULT_STEP_BUDGET_SECONDS). */
  readonly stepBudgetSeconds?: number;
  /** Request rates of the per-user passes (defaults DEFAULT_USER_*_RPS). */
  readonly userReadRps?: number;
  readonly userListRps?: number;
  readonly userUpdateRps?: number;
  /** Rows looked up first at random (default DEFAULT_LOOKUP_SAMPLE_ROWS; 0: always the full lookup). */
  readonly lookupSampleRows?: number;
  /** The import queue this importer waits in; unset = no queue (Start's answer is the only guard). */
  readonly queue?: QueueConfig;
}

/** Metrics the steps emit (lambda/shared/metrics.ts): embedded-metric-format log lines in production, a recorder in tests. */
export interface MetricsSink {
  publish(groups: readonly MetricGroup[]): void;
}

/** Everything with a side effect, injected so engine modules are testable and hold no globals. */
export interface EngineDeps {
  readonly store: ObjectStore;
  readonly cognito: CognitoIdentityProviderClient;
  readonly logs: CloudWatchLogsClient;
  readonly events: EventBridgeClient;
  /** The import queue's table client (only when a queue is configured). */
  readonly dynamodb?: DynamoDBClient;
  readonly metrics: MetricsSink;
  readonly put: PresignedPut;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: Log;
}
