import type { EngineConfig } from './deps';
import {
  DEFAULT_MAX_FILE_SIZE_BYTES, DEFAULT_MAX_POLL_INTERVAL_SECONDS, DEFAULT_PREFIXES, DEFAULT_STEP_BUDGET_SECONDS, DEFAULT_USER_LIST_RPS,
  DEFAULT_USER_READ_RPS, DEFAULT_USER_UPDATE_RPS, DEFAULT_LOOKUP_SAMPLE_ROWS,
} from '../shared/defaults';
import { InvalidRowPolicyValue, PASSWORD_HASHING_ALGORITHMS, PasswordHashingAlgorithmValue, WorkerEnv } from '../shared/env';
import { DEFAULT_MAX_BYTES_PER_PART, DEFAULT_MAX_ROWS_PER_PART } from '../shared/limits';
import { positiveFromEnv } from './env-number';
import { queueConfigFromEnv } from './queue-config';

const ALGORITHMS: readonly string[] = PASSWORD_HASHING_ALGORITHMS;

/** The worker's settings from its environment (WorkerEnv), with the real Cognito limits as defaults. */
export function workerConfigFromEnv(env: NodeJS.ProcessEnv): EngineConfig {
  const required = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`environment variable ${name} is not set`);
    return v;
  };
  const positive = (name: string, fallback: number) => positiveFromEnv(env, name, fallback);
  const algorithm = (env[WorkerEnv.PASSWORD_HASHING_ALGORITHM] ?? '').trim().toUpperCase();
  if (algorithm && !ALGORITHMS.includes(algorithm)) throw new Error(`${WorkerEnv.PASSWORD_HASHING_ALGORITHM} must be one of ${ALGORITHMS.join(', ')}`);
  const invalidRows = (env[WorkerEnv.INVALID_ROWS] ?? 'SKIP').trim().toUpperCase();
  return {
    userPoolId: required(WorkerEnv.USER_POOL_ID),
    bucket: required(WorkerEnv.BUCKET_NAME),
    logsRoleArn: env[WorkerEnv.LOGS_ROLE_ARN] ?? '',
    invalidRows: (invalidRows === 'REJECT_FILE' ? 'REJECT_FILE' : 'SKIP') as InvalidRowPolicyValue,
    ...(algorithm ? { passwordHashingAlgorithm: algorithm as PasswordHashingAlgorithmValue } : {}),
    incomingPrefix: env[WorkerEnv.INCOMING_PREFIX] ?? DEFAULT_PREFIXES.incoming,
    reportPrefix: env[WorkerEnv.REPORT_PREFIX] ?? DEFAULT_PREFIXES.report,
    workPrefix: env[WorkerEnv.WORK_PREFIX] ?? DEFAULT_PREFIXES.work,
    maxRowsPerPart: Math.min(positive(WorkerEnv.MAX_ROWS_PER_PART, DEFAULT_MAX_ROWS_PER_PART), DEFAULT_MAX_ROWS_PER_PART),
    maxBytesPerPart: Math.min(positive(WorkerEnv.MAX_BYTES_PER_PART, DEFAULT_MAX_BYTES_PER_PART), DEFAULT_MAX_BYTES_PER_PART),
    maxFileSizeBytes: positive(WorkerEnv.MAX_FILE_SIZE_BYTES, DEFAULT_MAX_FILE_SIZE_BYTES),
    maxPollIntervalSeconds: positive(WorkerEnv.MAX_POLL_INTERVAL_SECONDS, DEFAULT_MAX_POLL_INTERVAL_SECONDS),
    eventBusName: env[WorkerEnv.EVENT_BUS_NAME] ?? 'default',
    importerId: env[WorkerEnv.IMPORTER_ID] ?? '',
    existingUsers: (env[WorkerEnv.EXISTING_USERS] ?? '').trim().toUpperCase() === 'UPDATE' ? 'UPDATE' : 'SKIP',
    ...(env[WorkerEnv.GROUPS_COLUMN]?.trim() ? { groupsColumn: env[WorkerEnv.GROUPS_COLUMN]!.trim() } : {}),
    stepBudgetSeconds: positive(WorkerEnv.STEP_BUDGET_SECONDS, DEFAULT_STEP_BUDGET_SECONDS),
    userReadRps: positive(WorkerEnv.USER_READ_RPS, DEFAULT_USER_READ_RPS),
    userListRps: positive(WorkerEnv.USER_LIST_RPS, DEFAULT_USER_LIST_RPS),
    userUpdateRps: positive(WorkerEnv.USER_UPDATE_RPS, DEFAULT_USER_UPDATE_RPS),
    lookupSampleRows: sampleRows(env[WorkerEnv.LOOKUP_SAMPLE_ROWS]),
    ...(queueConfigFromEnv(env) ? { queue: queueConfigFromEnv(env) } : {}),
  };
}

/** LOOKUP_SAMPLE_ROWS: a whole number ≥ 0 (0 turns the sample off); anything else is the default. */
function sampleRows(value: string | undefined): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isInteger(n) && n >= 0 ? n : DEFAULT_LOOKUP_SAMPLE_ROWS;
}
