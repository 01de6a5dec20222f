/**
 * The import queue's DynamoDB table: its keys, its items and how to read them. `lib/` creates the
 * table with these key names, the queue steps write and read the items, and the CLI's `queue`
 * command reads them: all three use this one description.
 */

/** Key attribute names of the table and its TTL attribute (epoch seconds). */
export const QUEUE_PK = 'pk';
export const QUEUE_SK = 'sk';
export const QUEUE_TTL = 'expiresAt';

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

/** A ticket's sequence number from its sort key (0 when there is none). */
export const ticketSeq = (sk: string | undefined): number => (sk ? Number(sk.slice(QueueKeys.TICKET_PREFIX.length)) : 0);

/**
 * A ticket's status. WAITING: in line. RUNNING: holds (or held) the slot. CLAIMED: combined into
 * another file's job (`coalescedInto`), results pending. DONE: results written for it. FAILED: the job
 * it was combined into ended in an error before its results were written.
 */
export type TicketStatus = 'WAITING' | 'RUNNING' | 'CLAIMED' | 'DONE' | 'FAILED';

/** A ticket item (sort key `T#…`). Large fields (part, plan, members, results) are JSON strings. */
export interface Ticket {
  readonly sk: string;
  readonly seq: number;
  readonly status: TicketStatus;
  readonly importerId: string;
  readonly executionName: string;
  readonly sourceKey: string;
  /** Epoch ms. */
  readonly enqueuedAt: number;
  /** Epoch ms of the owner's last look at the queue (a ticket nobody looks at is stale). */
  readonly seenAt: number;
  readonly partCount: number;
  /** JSON of the PartDescriptor, for a one-part file that could ride in another file's job. */
  readonly part?: string;
  readonly rows: number;
  readonly bytes: number;
  readonly coalescedInto?: string;
  readonly plan?: string;
  readonly members?: string;
  readonly results?: string;
}

/** The slot item (sort key `LEASE`): which ticket holds the account's import slot, until when. */
export interface Lease {
  readonly holder: string;
  readonly executionName: string;
  readonly importerId: string;
  /** Epoch ms (attribute `leaseExpiresAt`). */
  readonly expiresAtMs: number;
  readonly acquiredAt: number;
}

/** An item as DynamoDB returns it (the part of the SDK's AttributeValue the decoders read). */
export type QueueItem = Record<string, { readonly S?: string; readonly N?: string }>;

/** The full key of the queue item with sort key `sk`. */
export const queueItemKey = (sk: string) => ({ [QUEUE_PK]: { S: QUEUE_PARTITION }, [QUEUE_SK]: { S: sk } });

export const itemString = (r: QueueItem, n: string): string | undefined => r[n]?.S;
export const itemNumber = (r: QueueItem, n: string): number => (r[n]?.N !== undefined ? Number(r[n].N) : 0);

export function toTicket(r: QueueItem): Ticket {
  const opt = (n: string) => (itemString(r, n) !== undefined ? { [n]: itemString(r, n) } : {});
  return {
    sk: itemString(r, QUEUE_SK)!, seq: itemNumber(r, 'seq'), status: (itemString(r, 'status') ?? 'WAITING') as TicketStatus,
    importerId: itemString(r, 'importerId') ?? '', executionName: itemString(r, 'executionName') ?? '', sourceKey: itemString(r, 'sourceKey') ?? '',
    enqueuedAt: itemNumber(r, 'enqueuedAt'), seenAt: itemNumber(r, 'seenAt'), partCount: itemNumber(r, 'partCount'), rows: itemNumber(r, 'rows'), bytes: itemNumber(r, 'bytes'),
    ...opt('part'), ...opt('coalescedInto'), ...opt('plan'), ...opt('members'), ...opt('results'),
  } as Ticket;
}

export function toLease(r: QueueItem): Lease {
  return {
    holder: itemString(r, 'holder') ?? '', executionName: itemString(r, 'executionName') ?? '', importerId: itemString(r, 'importerId') ?? '',
    expiresAtMs: itemNumber(r, 'leaseExpiresAt'), acquiredAt: itemNumber(r, 'acquiredAt'),
  };
}
