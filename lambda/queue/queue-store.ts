/**
 * The queue's items in DynamoDB: an atomic counter (ticket sequence), tickets ordered by sequence,
 * execution → ticket pointers (a retried enqueue finds its ticket), and the slot (one lease item).
 * Every write that decides something is conditional, so two workflows never both win.
 */
import {
  AttributeValue, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  itemNumber as num, itemString as str, Lease, QUEUE_PARTITION, QUEUE_PK, QUEUE_SK, QUEUE_TTL, QueueItem, queueItemKey as key, QueueKeys, Ticket, toLease, toTicket,
} from '../shared/queue-table';
import { errorName, isThrottle, throttled } from '../runtime/errors';

type Raw = Record<string, AttributeValue>;
const S = (v: string): AttributeValue => ({ S: v });
const N = (v: number): AttributeValue => ({ N: String(v) });

export function isConditionFailed(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

/** DynamoDB access of the queue steps. `ttlSeconds` keeps forgotten items from living forever. */
export class QueueStore {
  constructor(private readonly db: DynamoDBClient, private readonly table: string, private readonly ttlSeconds: number) {}

  private expires(nowMs: number): AttributeValue { return N(Math.floor(nowMs / 1000) + this.ttlSeconds); }

  private async send<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isThrottle(err) || /ProvisionedThroughputExceeded/.test(errorName(err))) throw throttled('DynamoDB throttled the queue request');
      throw err;
    }
  }

  async pointer(executionName: string): Promise<string | undefined> {
    const out = await this.send(() => this.db.send(new GetItemCommand({ TableName: this.table, Key: key(QueueKeys.pointer(executionName)), ConsistentRead: true })));
    return out.Item ? str(out.Item, 'ticket') : undefined;
  }

  /** Next sequence number (atomic counter). */
  async nextSeq(): Promise<number> {
    const out = await this.send(() => this.db.send(new UpdateItemCommand({
      TableName: this.table, Key: key(QueueKeys.COUNTER),
      UpdateExpression: 'ADD #seq :one', ExpressionAttributeNames: { '#seq': 'seq' }, ExpressionAttributeValues: { ':one': N(1) },
      ReturnValues: 'UPDATED_NEW',
    })));
    return num(out.Attributes ?? {}, 'seq');
  }

  /** Writes the pointer (first, so a retry finds the sequence) and then the ticket; both only if absent. */
  async putTicket(t: Ticket, nowMs: number): Promise<void> {
    const item: Raw = {
      ...key(t.sk), seq: N(t.seq), status: S(t.status), importerId: S(t.importerId), executionName: S(t.executionName),
      sourceKey: S(t.sourceKey), enqueuedAt: N(t.enqueuedAt), seenAt: N(t.seenAt), partCount: N(t.partCount),
      rows: N(t.rows), bytes: N(t.bytes), [QUEUE_TTL]: this.expires(nowMs),
      ...(t.part ? { part: S(t.part) } : {}),
    };
    for (const [sk, value] of [[QueueKeys.pointer(t.executionName), { ...key(QueueKeys.pointer(t.executionName)), ticket: S(t.sk), [QUEUE_TTL]: this.expires(nowMs) }], [t.sk, item]] as const) {
      try {
        await this.send(() => this.db.send(new PutItemCommand({
          TableName: this.table, Item: value as Raw, ConditionExpression: 'attribute_not_exists(#sk)', ExpressionAttributeNames: { '#sk': QUEUE_SK },
        })));
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        void sk; // already written by an earlier attempt of this step
      }
    }
  }

  /** Records that the ticket's owner looked (`seenAt`) and returns the ticket: one request, not two. */
  async touch(sk: string, nowMs: number): Promise<Ticket | undefined> {
    try {
      const out = await this.send(() => this.db.send(new UpdateItemCommand({
        TableName: this.table, Key: key(sk), UpdateExpression: 'SET seenAt = :now, #ttl = :ttl', ConditionExpression: 'attribute_exists(#sk)',
        ExpressionAttributeNames: { '#sk': QUEUE_SK, '#ttl': QUEUE_TTL }, ExpressionAttributeValues: { ':now': N(nowMs), ':ttl': this.expires(nowMs) },
        ReturnValues: 'ALL_NEW',
      })));
      return out.Attributes ? toTicket(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  async ticket(sk: string): Promise<Ticket | undefined> {
    const out = await this.send(() => this.db.send(new GetItemCommand({ TableName: this.table, Key: key(sk), ConsistentRead: true })));
    return out.Item ? toTicket(out.Item) : undefined;
  }

  /** Tickets in sequence order, optionally only those before `beforeSeq` or after `afterSeq`. */
  async tickets(range: { beforeSeq?: number; afterSeq?: number } = {}): Promise<Ticket[]> {
    const out: Ticket[] = [];
    let start: Raw | undefined;
    const lo = QueueKeys.ticket(range.afterSeq !== undefined ? range.afterSeq + 1 : 0);
    const hi = range.beforeSeq !== undefined ? QueueKeys.ticket(Math.max(0, range.beforeSeq - 1)) : QueueKeys.TICKET_PREFIX + '~';
    if (range.beforeSeq !== undefined && range.beforeSeq <= 1) return out;
    do {
      const page = await this.send(() => this.db.send(new QueryCommand({
        TableName: this.table, ConsistentRead: true, ExclusiveStartKey: start,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        ExpressionAttributeNames: { '#pk': QUEUE_PK, '#sk': QUEUE_SK },
        ExpressionAttributeValues: { ':pk': S(QUEUE_PARTITION), ':lo': S(lo), ':hi': S(hi) },
      })));
      for (const r of page.Items ?? []) out.push(toTicket(r));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Updates a ticket's attributes (strings and numbers; `undefined` removes). With `expect`, only if
   * the ticket's current values match (e.g. `{ status: 'WAITING' }`); returns false when they did not.
   */
  async updateTicket(sk: string, set: Record<string, string | number | undefined>, expect?: Record<string, string | number>, nowMs?: number): Promise<boolean> {
    const names: Record<string, string> = { '#sk': QUEUE_SK };
    const values: Record<string, AttributeValue> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    let i = 0;
    for (const [k, v] of Object.entries({ ...set, ...(nowMs !== undefined ? { [QUEUE_TTL]: Number(this.expires(nowMs).N) } : {}) })) {
      names[`#a${i}`] = k;
      if (v === undefined) removes.push(`#a${i}`);
      else { values[`:a${i}`] = typeof v === 'number' ? N(v) : S(v); sets.push(`#a${i} = :a${i}`); }
      i += 1;
    }
    const conds = ['attribute_exists(#sk)'];
    for (const [k, v] of Object.entries(expect ?? {})) {
      names[`#c${i}`] = k;
      values[`:c${i}`] = typeof v === 'number' ? N(v) : S(v);
      conds.push(`#c${i} = :c${i}`);
      i += 1;
    }
    const expr = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
    try {
      await this.send(() => this.db.send(new UpdateItemCommand({
        TableName: this.table, Key: key(sk), UpdateExpression: expr, ConditionExpression: conds.join(' AND '),
        ExpressionAttributeNames: names, ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      })));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Deletes an item; with `seenAt`, only if nobody looked at the ticket since (stale ticket clean-up). */
  async delete(sk: string, seenAt?: number): Promise<boolean> {
    try {
      await this.send(() => this.db.send(new DeleteItemCommand({
        TableName: this.table, Key: key(sk),
        ...(seenAt !== undefined ? { ConditionExpression: 'seenAt = :seen', ExpressionAttributeValues: { ':seen': N(seenAt) } } : {}),
      })));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async lease(): Promise<Lease | undefined> {
    const out = await this.send(() => this.db.send(new GetItemCommand({ TableName: this.table, Key: key(QueueKeys.LEASE), ConsistentRead: true })));
    return out.Item ? toLease(out.Item as QueueItem) : undefined;
  }

  /** Takes the slot if it is free or its lease has expired. */
  async acquire(l: Lease, nowMs: number): Promise<boolean> {
    try {
      await this.send(() => this.db.send(new PutItemCommand({
        TableName: this.table,
        Item: {
          ...key(QueueKeys.LEASE), holder: S(l.holder), executionName: S(l.executionName), importerId: S(l.importerId),
          leaseExpiresAt: N(l.expiresAtMs), acquiredAt: N(l.acquiredAt), [QUEUE_TTL]: this.expires(nowMs),
        },
        ConditionExpression: 'attribute_not_exists(#sk) OR leaseExpiresAt < :now OR holder = :me',
        ExpressionAttributeNames: { '#sk': QUEUE_SK },
        ExpressionAttributeValues: { ':now': N(nowMs), ':me': S(l.holder) },
      })));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Extends the lease if `holder` still holds it; false when it lost the slot. */
  async renew(holder: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    try {
      await this.send(() => this.db.send(new UpdateItemCommand({
        TableName: this.table, Key: key(QueueKeys.LEASE),
        UpdateExpression: 'SET leaseExpiresAt = :exp, #ttl = :ttl',
        ConditionExpression: 'holder = :me',
        ExpressionAttributeNames: { '#ttl': QUEUE_TTL },
        ExpressionAttributeValues: { ':exp': N(expiresAtMs), ':me': S(holder), ':ttl': this.expires(nowMs) },
      })));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Frees the slot if `holder` holds it. */
  async release(holder: string): Promise<boolean> {
    try {
      await this.send(() => this.db.send(new DeleteItemCommand({
        TableName: this.table, Key: key(QueueKeys.LEASE), ConditionExpression: 'holder = :me', ExpressionAttributeValues: { ':me': S(holder) },
      })));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }
}
