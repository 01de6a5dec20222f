/**
 * The local cloud's DynamoDB (dynalite behind the local cloud's port), through real clients (the AWS SDK
 * over HTTP and the AWS CLI); the engine's queue store racing for the import slot through its real
 * conditional writes; and the `queue` command reading a queue the real queue steps wrote.
 */
import { execFile } from 'child_process';
import { promisify } from 'util';
import {
  CreateTableCommand, DeleteItemCommand, DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand,
  UpdateItemCommand, UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { ListUserImportJobsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { queueContext } from '../../lambda/queue/queue-context';
import type { Lease } from '../../lambda/shared/queue-table';
import { runQueueStep } from '../../lambda/queue/queue-steps';
import { main } from '../../packages/cli/local-cloud/cli';
import { listQueues } from '../../packages/cli/local-cloud/commands/queue';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { config, testEnv } from '../lambda/helpers';

const run = promisify(execFile);
let cloud: LocalCloud;
let db: DynamoDBClient;
const TABLE = 'items';

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false });
  db = new DynamoDBClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await db.send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
});
afterAll(async () => { db.destroy(); await cloud.stop(); });

const key = (sk: string) => ({ pk: { S: 'p' }, sk: { S: sk } });

test('conditional writes: the second of two "create if absent" puts fails with ConditionalCheckFailedException', async () => {
  const put = () => db.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('lock'), holder: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
  await put();
  await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  await expect(db.send(new DeleteItemCommand({ TableName: TABLE, Key: key('lock'), ConditionExpression: 'holder = :me', ExpressionAttributeValues: { ':me': { S: 'b' } } })))
    .rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  await db.send(new DeleteItemCommand({ TableName: TABLE, Key: key('lock'), ConditionExpression: 'holder = :me', ExpressionAttributeValues: { ':me': { S: 'a' } } }));
  expect((await db.send(new GetItemCommand({ TableName: TABLE, Key: key('lock') }))).Item).toBeUndefined();
});

test('UpdateItem: ADD counts atomically, SET/REMOVE, UPDATED_NEW; key attributes cannot be updated', async () => {
  const add = () => db.send(new UpdateItemCommand({
    TableName: TABLE, Key: key('counter'), UpdateExpression: 'ADD #n :one', ExpressionAttributeNames: { '#n': 'n' },
    ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_NEW',
  }));
  const values = await Promise.all(Array.from({ length: 20 }, add));
  expect(values.map((v) => Number(v.Attributes!.n.N)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  const out = await db.send(new UpdateItemCommand({
    TableName: TABLE, Key: key('counter'), UpdateExpression: 'SET label = :l, n = n + :ten REMOVE #missing',
    ExpressionAttributeNames: { '#missing': 'missing' },
    ExpressionAttributeValues: { ':l': { S: 'x' }, ':ten': { N: '10' } }, ReturnValues: 'ALL_NEW',
  }));
  expect(out.Attributes).toEqual({ ...key('counter'), n: { N: '30' }, label: { S: 'x' } });
  await expect(db.send(new UpdateItemCommand({ TableName: TABLE, Key: key('counter'), UpdateExpression: 'SET sk = :x', ExpressionAttributeValues: { ':x': { S: 'y' } } })))
    .rejects.toMatchObject({ name: 'ValidationException' });
});

test('a reserved word used as a bare attribute name is refused, as DynamoDB does', async () => {
  await expect(db.send(new UpdateItemCommand({ TableName: TABLE, Key: key('counter'), UpdateExpression: 'REMOVE missing' })))
    .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('reserved keyword') });
});

test('the import slot: 12 holders race through the queue store for 50 rounds; exactly one wins each round', async () => {
  await db.send(new CreateTableCommand({
    TableName: 'slot-race', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  const queue = { tableName: 'slot-race', pollSeconds: 30, leaseSeconds: 900, maxWaitSeconds: 3600, coalesce: false };
  const { store } = queueContext({ ...testEnv().deps, dynamodb: db }, { ...config(), queue });
  const holders = Array.from({ length: 12 }, (_, i) => `holder-${i}`);
  const nowMs = Date.now();
  const lease = (holder: string): Lease => ({ holder, executionName: holder, importerId: 'Importer1', expiresAtMs: nowMs + 900_000, acquiredAt: nowMs });
  const winnersPerRound: number[] = [];
  for (let round = 0; round < 50; round++) {
    const won = await Promise.all(holders.map((h) => store.acquire(lease(h), nowMs)));
    const winners = holders.filter((_, i) => won[i]);
    winnersPerRound.push(winners.length);
    if (winners.length !== 1) continue;
    // The store agrees with the race's outcome, and only the winner can free the slot.
    expect((await store.lease())?.holder).toBe(winners[0]);
    expect(await store.release(holders.find((h) => h !== winners[0])!)).toBe(false);
    expect(await store.release(winners[0])).toBe(true);
  }
  expect(winnersPerRound).toEqual(Array.from({ length: 50 }, () => 1));
}, 60_000);

test('TTL setting: DISABLED until enabled, then described with its attribute; an unknown table is ResourceNotFoundException', async () => {
  const describe = async () => (await db.send(new DescribeTimeToLiveCommand({ TableName: TABLE }))).TimeToLiveDescription;
  expect(await describe()).toEqual({ TimeToLiveStatus: 'DISABLED' });
  const spec = { AttributeName: 'expiresAt', Enabled: true };
  expect((await db.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: spec }))).TimeToLiveSpecification).toEqual(spec);
  expect(await describe()).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  await db.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { ...spec, Enabled: false } }));
  expect(await describe()).toEqual({ TimeToLiveStatus: 'DISABLED' });
  await expect(db.send(new DescribeTimeToLiveCommand({ TableName: 'no-such-table' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});

test('Query: key range in sort-key order, Limit pages with LastEvaluatedKey, descending order', async () => {
  for (const n of [3, 1, 2, 5, 4]) await db.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(`T#${n}`), odd: { BOOL: n % 2 === 1 } } }));
  const q = (extra: { Limit?: number; ExclusiveStartKey?: Record<string, any> } = {}) => db.send(new QueryCommand({
    TableName: TABLE, KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
    ExpressionAttributeValues: { ':p': { S: 'p' }, ':lo': { S: 'T#2' }, ':hi': { S: 'T#4' } }, ...extra,
  }));
  expect((await q()).Items!.map((i) => i.sk.S)).toEqual(['T#2', 'T#3', 'T#4']);
  const first = await q({ Limit: 2 });
  expect(first.Items!.map((i) => i.sk.S)).toEqual(['T#2', 'T#3']);
  const second = await q({ Limit: 2, ExclusiveStartKey: first.LastEvaluatedKey });
  expect(second.Items!.map((i) => i.sk.S)).toEqual(['T#4']);
  expect(second.LastEvaluatedKey).toBeUndefined();
  const desc = await db.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p AND begins_with(sk, :t)', ExpressionAttributeValues: { ':p': { S: 'p' }, ':t': { S: 'T#' } }, ScanIndexForward: false }));
  expect(desc.Items!.map((i) => i.sk.S)).toEqual(['T#5', 'T#4', 'T#3', 'T#2', 'T#1']);
});

test('the AWS CLI sees the same answers (a real client, unchanged)', async () => {
  const env = { ...process.env, ...cloud.clientEnv };
  const cli = (...args: string[]) => run('aws', ['dynamodb', ...args, '--endpoint-url', cloud.endpoint, '--output', 'json'], { env });
  await cli('put-item', '--table-name', TABLE, '--item', JSON.stringify({ ...key('cli'), v: { N: '1' } }), '--condition-expression', 'attribute_not_exists(pk)');
  const failed = await cli('put-item', '--table-name', TABLE, '--item', JSON.stringify({ ...key('cli'), v: { N: '2' } }), '--condition-expression', 'attribute_not_exists(pk)').catch((e) => e);
  expect(String(failed.stderr)).toContain('ConditionalCheckFailedException');
  const got = JSON.parse((await cli('get-item', '--table-name', TABLE, '--key', JSON.stringify(key('cli')))).stdout);
  expect(got.Item.v).toEqual({ N: '1' });
}, 60_000);

test('queue command: lists the slot holder and the waiting files in line order, no user data', async () => {
  await db.send(new CreateTableCommand({
    TableName: 'import-queue', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  const env = testEnv();
  env.cognito.on(ListUserImportJobsCommand).resolves({ UserImportJobs: [] });
  env.events.on(PutEventsCommand).resolves({});
  env.clock.now = new Date();
  const deps = { ...env.deps, dynamodb: db };
  const cfg = { ...config(), queue: { tableName: 'import-queue', pollSeconds: 30, leaseSeconds: 900, maxWaitSeconds: 3600, coalesce: false } };
  const part = (n: string) => ({ partNumber: 1, partCount: 1, key: `work/${n}/part-1.csv`, rows: 1, bytes: 10, lineMapKey: `work/${n}/l.json`, jobName: n });
  const states: any[] = [];
  for (const n of ['first', 'second', 'third']) {
    states.push(await runQueueStep(deps, cfg, { action: 'enqueue', executionName: n, source: { key: `incoming/${n}.csv` }, validation: { parts: [part(n)] } }));
  }
  await runQueueStep(deps, cfg, { action: 'checkTurn', queue: states[0], validation: { parts: [part('first')] } });

  let out = '';
  const code = await listQueues({ region: 'us-east-1', endpointUrl: cloud.endpoint, json: true }, (s) => { out += s; }, () => undefined);
  expect(code).toBe(0);
  const listings = JSON.parse(out);
  expect(listings.map((l: any) => l.table)).toEqual(['import-queue']); // found by shape, the other table is not a queue
  expect(listings[0].slot).toMatchObject({ ticket: 1, importerId: 'Importer1' });
  expect(listings[0].entries.map((e: any) => [e.ticket, e.status, e.position, e.key])).toEqual([
    [1, 'RUNNING', undefined, 'incoming/first.csv'], [2, 'WAITING', 0, 'incoming/second.csv'], [3, 'WAITING', 1, 'incoming/third.csv'],
  ]);
  let text = '';
  expect(await listQueues({ region: 'us-east-1', endpointUrl: cloud.endpoint, table: 'import-queue' }, (s) => { text += s; }, () => undefined)).toBe(0);
  expect(text).toContain('slot held by ticket 1');
  expect(text).toMatch(/#3 +WAITING +position 1/);
  // Through the CLI's dispatcher: a bad endpoint is a usage error (exit 2); a good command line exits 0.
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await main(['queue', '--region', 'us-east-1', '--endpoint-url', 'not-a-url'])).toBe(2);
    expect(String(stderr.mock.calls.map((c) => c[0]).join(''))).toContain('--endpoint-url must be an http(s) URL');
    expect(await main(['queue', '--region=us-east-1', `--endpoint-url=${cloud.endpoint}`, '--table', 'import-queue'])).toBe(0);
    expect(String(stdout.mock.calls.map((c) => c[0]).join(''))).toContain('slot held by ticket 1');
  } finally {
    stderr.mockRestore();
    stdout.mockRestore();
  }
});
