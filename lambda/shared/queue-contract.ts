/**
 * The import queue's part of the contract between `lib/` (which synthesizes the table, the workflow
 * states and the worker environment), the handlers and the local cloud / CLI (which read the table).
 *
 * Nothing in this file may import from `aws-cdk-lib`: it is bundled into the handlers.
 */
import type { DescribeOutput, HarvestOutput, PartDescriptor } from './contract';

/** Environment variables the constructs set on the worker when it takes part in a queue. */
export const QueueEnv = {
  /** The queue's DynamoDB table. */
  TABLE_NAME: 'QUEUE_TABLE_NAME',
  /** Seconds between two looks at the queue by a waiting file (the first file in line). */
  POLL_SECONDS: 'QUEUE_POLL_SECONDS',
  /** Seconds a holder keeps the slot without renewing it (a holder that died frees it after this). */
  LEASE_SECONDS: 'QUEUE_LEASE_SECONDS',
  /** Seconds a file may wait for its turn before it ends Failed. */
  MAX_WAIT_SECONDS: 'QUEUE_MAX_WAIT_SECONDS',
  /** `true` | `false`: combine small waiting files of this importer into one job. */
  COALESCE: 'QUEUE_COALESCE',
} as const;

/** Partition key value of every queue item: one queue per table (per account and region). */
export const QUEUE_PARTITION = 'QUEUE';
/** Sort keys: the counter, the slot (lease), tickets by sequence, execution → ticket pointers. */
export const QueueKeys = {
  COUNTER: 'COUNTER',
  LEASE: 'LEASE',
  ticket: (seq: number) => `T#${String(seq).padStart(15, '0')}`,
  TICKET_PREFIX: 'T#',
  pointer: (executionName: string) => `X#${executionName}`,
} as const;
/** Key attribute names of the table and its TTL attribute (epoch seconds). */
export const QUEUE_PK = 'pk';
export const QUEUE_SK = 'sk';
export const QUEUE_TTL = 'expiresAt';

/**
 * A ticket's status. WAITING: in line. RUNNING: holds (or held) the slot. CLAIMED: combined into
 * another file's job (`coalescedInto`), results pending. DONE: results written for it. FAILED: the job
 * it was combined into ended in an error before its results were written.
 */
export type TicketStatus = 'WAITING' | 'RUNNING' | 'CLAIMED' | 'DONE' | 'FAILED';

/** EventBridge detail-type of the event sent when a file joins the queue. */
export const QUEUED_DETAIL_TYPE = 'Cognito User Import Queued';

/** Error names the queue steps throw on purpose (the workflow's Catch sends them to the failure report). */
export const QueueErrors = {
  WaitExceeded: 'QueueWaitExceededError',
  CoalescedJobFailed: 'CoalescedJobFailedError',
  TicketLost: 'QueueTicketLostError',
} as const;

/** `$.queue`: what the queue steps carry between them. */
export interface QueueState {
  /** The ticket's sort key. */
  readonly ticket: string;
  readonly seq: number;
  /** Epoch ms. */
  readonly enqueuedAt: number;
  readonly outcome: 'Waiting' | 'Acquired' | 'Coalesced';
  /** Files ahead of this one (0 = this file's turn); waiting only. */
  readonly position?: number;
  readonly waitSeconds: number;
  /** Acquired: the parts to import (the file's own, or one combined part). */
  readonly parts?: PartDescriptor[];
  /** Acquired: true when `parts` is one part combining several files. */
  readonly combined?: boolean;
  /** Coalesced: this file's results, from the job it was combined into. */
  readonly results?: HarvestOutput[];
}

/** `enqueue` → QueueState */
export interface EnqueueInput {
  readonly action: 'enqueue';
  readonly executionName: string;
  readonly source: { readonly key: string };
  readonly validation: { readonly parts: PartDescriptor[] };
}
/** `checkTurn` → QueueState */
export interface CheckTurnInput {
  readonly action: 'checkTurn';
  readonly queue: QueueState;
  readonly validation: { readonly parts: PartDescriptor[] };
}
/** `startInQueue` / `describeInQueue`: renew the slot, then start / describe the job. */
export interface StartInQueueInput { readonly action: 'startInQueue'; readonly ticket: string; readonly job: { jobId: string; jobName: string } }
export interface DescribeInQueueInput { readonly action: 'describeInQueue'; readonly ticket: string; readonly job: DescribeOutput }
/** `distribute`: split a combined job's results per file → this file's HarvestOutput[]. */
export interface DistributeInput { readonly action: 'distribute'; readonly queue: QueueState; readonly parts: HarvestOutput[] }
/** `release`: free the slot and remove the ticket after the parts ran. */
export interface ReleaseInput { readonly action: 'release'; readonly queue: QueueState }
/** `leaveQueue` (error path): free the slot if held, fail files combined into this one, remove the ticket. */
export interface LeaveQueueInput { readonly action: 'leaveQueue'; readonly executionName: string }

export type QueueStepEvent = EnqueueInput | CheckTurnInput | StartInQueueInput | DescribeInQueueInput | DistributeInput | ReleaseInput | LeaveQueueInput;
export const QUEUE_ACTIONS: ReadonlySet<string> = new Set(['enqueue', 'checkTurn', 'startInQueue', 'describeInQueue', 'distribute', 'release', 'leaveQueue']);

/** A file combined into a job: its ticket, its part, and where its rows sit in the combined part. */
export interface CoalescedMember {
  readonly ticket: string;
  readonly part: PartDescriptor;
  /** Line of the combined part holding this file's first data row (the header is line 1). */
  readonly firstLine: number;
}
