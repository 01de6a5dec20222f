/**
 * `cognito-user-import queue --region R [--endpoint-url URL] [--table NAME] [--json]`: what is running
 * and waiting in the account's import queue (a `CognitoImportQueue` table), in line order.
 * Prints ticket numbers, statuses, importer ids, object keys and times only: never user data.
 */
import {
  DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, QueryCommand, AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type * as QueueTableModule from '../../../../lambda/shared/queue-table';
import { Command, ExitCode, UsageError } from './command';
import { librarySharedModule } from './library';

/** The queue table's keys, items and decoders as the engine writes them. */
function queueTable(): typeof QueueTableModule {
  return librarySharedModule<typeof QueueTableModule>('queue-table');
}


export interface QueueEntry {
  ticket: number;
  status: string;
  importerId: string;
  key: string;
  /** Seconds since the file joined the queue. */
  waitingSeconds: number;
  /** Files waiting ahead of this one (WAITING entries only). */
  position?: number;
  /** The file whose job this one rides in (combined files). */
  combinedInto?: number;
}
export interface QueueListing { table: string; slot?: { ticket: number; importerId: string; expiresInSeconds: number }; entries: QueueEntry[] }

type Raw = Record<string, AttributeValue>;

/** Reads one queue table: the slot and the tickets in line order. */
export async function readQueue(db: DynamoDBClient, table: string, now = Date.now()): Promise<QueueListing> {
  const q = queueTable();
  const leaseItem = (await db.send(new GetItemCommand({ TableName: table, Key: q.queueItemKey(q.QueueKeys.LEASE), ConsistentRead: true }))).Item;
  const entries: QueueEntry[] = [];
  let start: Raw | undefined;
  let waiting = 0;
  do {
    const page = await db.send(new QueryCommand({
      TableName: table, ExclusiveStartKey: start, ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :t)',
      ExpressionAttributeNames: { '#pk': q.QUEUE_PK, '#sk': q.QUEUE_SK },
      ExpressionAttributeValues: { ':pk': { S: q.QUEUE_PARTITION }, ':t': { S: q.QueueKeys.TICKET_PREFIX } },
    }));
    for (const item of page.Items ?? []) {
      const t = q.toTicket(item as QueueTableModule.QueueItem);
      const e: QueueEntry = {
        ticket: q.ticketSeq(t.sk), status: t.status, importerId: t.importerId, key: t.sourceKey,
        waitingSeconds: Math.max(0, Math.round((now - t.enqueuedAt) / 1000)),
      };
      if (t.status === 'WAITING') e.position = waiting++;
      if (t.coalescedInto) e.combinedInto = q.ticketSeq(t.coalescedInto);
      entries.push(e);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  const lease = leaseItem ? q.toLease(leaseItem as QueueTableModule.QueueItem) : undefined;
  const held = lease && lease.expiresAtMs >= now;
  return {
    table,
    ...(held ? { slot: { ticket: q.ticketSeq(lease.holder), importerId: lease.importerId, expiresInSeconds: Math.round((lease.expiresAtMs - now) / 1000) } } : {}),
    entries,
  };
}

/** Tables shaped like a CognitoImportQueue's (keys pk/sk, a ticket counter). */
async function findQueueTables(db: DynamoDBClient): Promise<string[]> {
  const q = queueTable();
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await db.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  const out: string[] = [];
  for (const name of names) {
    const t = (await db.send(new DescribeTableCommand({ TableName: name }))).Table;
    const keys = (t?.KeySchema ?? []).map((k) => k.AttributeName).join(',');
    if (keys !== `${q.QUEUE_PK},${q.QUEUE_SK}`) continue;
    const counter = await db.send(new GetItemCommand({ TableName: name, Key: q.queueItemKey(q.QueueKeys.COUNTER) }));
    if (counter.Item) out.push(name);
  }
  return out;
}

function format(l: QueueListing): string {
  const lines = [`Queue ${l.table}: slot ${l.slot ? `held by ticket ${l.slot.ticket} (importer ${l.slot.importerId}, lease ${l.slot.expiresInSeconds} s)` : 'free'}`];
  if (l.entries.length === 0) lines.push('  (nothing waiting or running)');
  for (const e of l.entries) {
    const where = e.status === 'WAITING' ? `position ${e.position}` : e.combinedInto !== undefined ? `in the job of ticket ${e.combinedInto}` : '';
    lines.push(`  #${e.ticket}  ${e.status.padEnd(8)} ${where.padEnd(26)} ${String(e.waitingSeconds).padStart(6)} s  importer ${e.importerId}  ${e.key}`);
  }
  return lines.join('\n') + '\n';
}

export interface QueueListOptions {
  readonly region: string;
  readonly endpointUrl?: string;
  readonly table?: string;
  readonly json?: boolean;
}

/** Lists every queue table (or `table`); returns the exit code. */
export async function listQueues(o: QueueListOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const loopback = o.endpointUrl !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(o.endpointUrl);
  const db = new DynamoDBClient({
    region: o.region, ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
    // The local cloud accepts any credentials; use dummies when none are configured.
    ...(loopback && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  try {
    const tables = o.table ? [o.table] : await findQueueTables(db);
    if (tables.length === 0) { err('cognito-user-import: no import queue table found in this region (pass --table NAME)\n'); return ExitCode.ERROR; }
    const listings = [];
    for (const t of tables) listings.push(await readQueue(db, t));
    out(o.json ? JSON.stringify(listings, null, 2) + '\n' : listings.map(format).join(''));
    return ExitCode.OK;
  } finally {
    db.destroy();
  }
}

export const queueCommand: Command = {
  name: 'queue',
  contactsAws: true,
  summary: 'list what is running and waiting in the account\'s import queue',
  description: [
    'Reads the CognitoImportQueue table(s) of the account and region: who holds the import slot, and every waiting,',
    'running and combined file in line order (ticket, status, position, time in line, importer id, object key).',
    'Without --table, every table shaped like an import queue is listed. Needs dynamodb:ListTables, DescribeTable,',
    'GetItem and Query. Prints no user data.',
  ].join('\n'),
  options: {
    '--region': { value: 'R', description: 'the AWS Region of the queue (default: AWS_REGION)' },
    '--endpoint-url': {
      value: 'URL',
      description: 'a DynamoDB endpoint other than AWS\'s (for example a running local cloud)',
      parse: (raw, flag) => { if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new UsageError(`${flag} must be an http(s) URL`); return raw; },
    },
    '--table': { value: 'NAME', description: 'the queue\'s table (default: every import queue table in the region)' },
    '--json': { description: 'print the listing as JSON' },
  },
  examples: [
    { command: 'cognito-user-import queue --region eu-west-1', comment: 'the queue(s) of this account in eu-west-1' },
    { command: 'cognito-user-import queue --region us-east-1 --endpoint-url http://127.0.0.1:4566 --json', comment: 'a running local cloud\'s queue, as JSON' },
  ],
  async run(args) {
    const region = (args.options['--region'] as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('queue needs --region (or AWS_REGION)');
    return listQueues({
      region,
      endpointUrl: args.options['--endpoint-url'] as string | undefined,
      table: args.options['--table'] as string | undefined,
      json: args.options['--json'] === true,
    }, (x) => process.stdout.write(x), (x) => process.stderr.write(x));
  },
};
