/**
 * `cognito-user-import queue --region R [--endpoint-url URL] [--table NAME] [--json]`: what is running
 * and waiting in the account's import queue (a `CognitoImportQueue` table), in line order.
 * Prints ticket numbers, statuses, importer ids, object keys and times only: never user data.
 */
import {
  DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, QueryCommand, AttributeValue,
} from '@aws-sdk/client-dynamodb';

export const QUEUE_USAGE = `Usage:
  cognito-user-import queue --region R [--endpoint-url URL] [--table NAME] [--json]

  --region R          the AWS region of the queue
  --endpoint-url URL  another endpoint (e.g. the local cloud's http://127.0.0.1:4566)
  --table NAME        the queue's table (default: every CognitoImportQueue table the account has in the region)
  --json              print the entries as JSON on stdout
`;

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
const s = (r: Raw, n: string) => (r[n] && 'S' in r[n] ? (r[n] as { S: string }).S : '');
const num = (r: Raw, n: string) => (r[n] && 'N' in r[n] ? Number((r[n] as { N: string }).N) : 0);
const seqOf = (sk: string) => Number(sk.replace(/^T#/, ''));

/** Reads one queue table: the slot and the tickets in line order. */
export async function readQueue(db: DynamoDBClient, table: string, now = Date.now()): Promise<QueueListing> {
  const lease = (await db.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'QUEUE' }, sk: { S: 'LEASE' } }, ConsistentRead: true }))).Item;
  const entries: QueueEntry[] = [];
  let start: Raw | undefined;
  let waiting = 0;
  do {
    const page = await db.send(new QueryCommand({
      TableName: table, ExclusiveStartKey: start, ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': { S: 'QUEUE' }, ':t': { S: 'T#' } },
    }));
    for (const r of page.Items ?? []) {
      const status = s(r, 'status');
      const e: QueueEntry = {
        ticket: seqOf(s(r, 'sk')), status, importerId: s(r, 'importerId'), key: s(r, 'sourceKey'),
        waitingSeconds: Math.max(0, Math.round((now - num(r, 'enqueuedAt')) / 1000)),
      };
      if (status === 'WAITING') e.position = waiting++;
      if (s(r, 'coalescedInto')) e.combinedInto = seqOf(s(r, 'coalescedInto'));
      entries.push(e);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  const held = lease && num(lease, 'leaseExpiresAt') >= now;
  return {
    table,
    ...(held ? { slot: { ticket: seqOf(s(lease, 'holder')), importerId: s(lease, 'importerId'), expiresInSeconds: Math.round((num(lease, 'leaseExpiresAt') - now) / 1000) } } : {}),
    entries,
  };
}

/** Tables shaped like a CognitoImportQueue's (keys pk/sk, a ticket counter). */
async function findQueueTables(db: DynamoDBClient): Promise<string[]> {
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
    if (keys !== 'pk,sk') continue;
    const counter = await db.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'QUEUE' }, sk: { S: 'COUNTER' } } }));
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

export class QueueUsageError extends Error {}

/** Runs the command; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function queueCommand(argv: string[], out: (s: string) => void = (x) => process.stdout.write(x), err: (s: string) => void = (x) => process.stderr.write(x)): Promise<number> {
  let region: string | undefined, endpoint: string | undefined, table: string | undefined, json = false;
  try {
    for (let i = 0; i < argv.length; i++) {
      const [flag, inline] = argv[i].split(/=(.*)/s, 2);
      const value = () => { const v = inline ?? argv[++i]; if (v === undefined || v === '') throw new QueueUsageError(`${flag} needs a value`); return v; };
      if (flag === '--region') region = value();
      else if (flag === '--endpoint-url') endpoint = value();
      else if (flag === '--table') table = value();
      else if (flag === '--json') json = true;
      else if (flag === '-h' || flag === '--help') { out(QUEUE_USAGE); return 0; }
      else throw new QueueUsageError(`unknown argument ${argv[i]}`);
    }
    region ??= process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new QueueUsageError('--region is required (or set AWS_REGION)');
    if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) throw new QueueUsageError('--endpoint-url must be an http(s) URL');
  } catch (e) {
    if (!(e instanceof QueueUsageError)) throw e;
    err(`error: ${e.message}\n${QUEUE_USAGE}`);
    return 2;
  }
  const loopback = endpoint !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(endpoint);
  const db = new DynamoDBClient({
    region, ...(endpoint ? { endpoint } : {}),
    // The local cloud accepts any credentials; use dummies when none are configured.
    ...(loopback && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  try {
    const tables = table ? [table] : await findQueueTables(db);
    if (tables.length === 0) { err('no import queue table found in this region (pass --table NAME)\n'); return 1; }
    const listings = [];
    for (const t of tables) listings.push(await readQueue(db, t));
    out(json ? JSON.stringify(listings, null, 2) + '\n' : listings.map(format).join(''));
    return 0;
  } catch (e) {
    err(`error: ${(e as Error).name}: ${(e as Error).message}\n`);
    return 1;
  } finally {
    db.destroy();
  }
}
