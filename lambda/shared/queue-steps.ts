/** What the import queue's workflow steps receive and return (`$.queue` and the queue actions' inputs). */
import type { SourceObject } from './execution';
import type { DescribeOutput, HarvestOutput, JobRef, PartDescriptor } from './steps';

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
  readonly source: SourceObject;
  readonly validation: { readonly parts: PartDescriptor[] };
}
/** `checkTurn` → QueueState */
export interface CheckTurnInput {
  readonly action: 'checkTurn';
  readonly queue: QueueState;
  /** The dropped object, for its progress object only (lambda/shared/progress.ts). */
  readonly source?: SourceObject;
  readonly validation: { readonly parts: PartDescriptor[] };
}
/** `startInQueue` / `describeInQueue`: renew the slot, then start / describe the job. */
export interface StartInQueueInput { readonly action: 'startInQueue'; readonly ticket: string; readonly job: JobRef; readonly source?: SourceObject; readonly part?: PartDescriptor }
export interface DescribeInQueueInput { readonly action: 'describeInQueue'; readonly ticket: string; readonly job: DescribeOutput; readonly source?: SourceObject; readonly part?: PartDescriptor }
/** `distribute`: split a combined job's results per file → this file's HarvestOutput[]. */
export interface DistributeInput { readonly action: 'distribute'; readonly queue: QueueState; readonly parts: HarvestOutput[] }
/** `release`: free the slot and remove the ticket after the parts ran. */
export interface ReleaseInput { readonly action: 'release'; readonly queue: QueueState }
/** `leaveQueue` (error path): free the slot if held, fail files combined into this one, remove the ticket. */
export interface LeaveQueueInput { readonly action: 'leaveQueue'; readonly executionName: string }

export type QueueStepEvent = EnqueueInput | CheckTurnInput | StartInQueueInput | DescribeInQueueInput | DistributeInput | ReleaseInput | LeaveQueueInput;

/** A file combined into a job: its ticket, its part, and where its rows sit in the combined part. */
export interface CoalescedMember {
  readonly ticket: string;
  readonly part: PartDescriptor;
  /** Line of the combined part holding this file's first data row (the header is line 1). */
  readonly firstLine: number;
}
