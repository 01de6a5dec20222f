/**
 * The queue steps against a real DynamoDB client over HTTP (the local cloud's DynamoDB), with an
 * in-memory object store and a mocked Cognito (ListUserImportJobs) and EventBridge.
 */
import { ListUserImportJobsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EngineDeps } from '../../lambda/runtime/deps';
import { runQueueStep } from '../../lambda/queue/queue-steps';
import type { HarvestOutput, PartDescriptor } from '../../lambda/shared/steps';
import type { QueueConfig } from '../../lambda/runtime/queue-config';
import type { QueueState } from '../../lambda/shared/queue-steps';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { BUCKET, config as engineConfig, testEnv, TestEnv } from './helpers';

let cloud: LocalCloud;
let db: DynamoDBClient;
let table = 0;
beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false });
  db = new DynamoDBClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => { db.destroy(); await cloud.stop(); });

interface Rig { env: TestEnv; deps: EngineDeps; queue: QueueConfig; tableName: string; activeJobs: Array<{ Status: string }> }

async function rig(overrides: Partial<QueueConfig> = {}): Promise<Rig> {
  const tableName = `queue-${++table}`;
  await db.send(new CreateTableCommand({
    TableName: tableName, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  const env = testEnv();
  const activeJobs: Array<{ Status: string }> = [];
  env.cognito.on(ListUserImportJobsCommand).callsFake(async () => ({ UserImportJobs: activeJobs }));
  env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
  const queue: QueueConfig = { tableName, pollSeconds: 30, leaseSeconds: 900, maxWaitSeconds: 3600, coalesce: true, ...overrides };
  return { env, deps: { ...env.deps, dynamodb: db }, queue, tableName, activeJobs };
}

const part = (name: string, rows: number, n = 1, count = 1): PartDescriptor => ({
  partNumber: n, partCount: count, key: `work/${name}/part-${n}.csv`, rows, bytes: 100 * rows,
  lineMapKey: `work/${name}/part-${n}.lines.json`, jobName: `${name}-part-${n}`,
});

function step(r: Rig, event: any, importerId = 'Importer1') {
  return runQueueStep(r.deps, { ...engineConfig({ importerId }), queue: r.queue }, event) as Promise<any>;
}
const enqueue = (r: Rig, name: string, parts: PartDescriptor[], importerId?: string): Promise<QueueState> =>
  step(r, { action: 'enqueue', executionName: name, source: { bucket: BUCKET, key: `incoming/${name}.csv` }, validation: { parts } }, importerId);
const check = (r: Rig, q: QueueState, parts: PartDescriptor[], importerId?: string): Promise<QueueState> =>
  step(r, { action: 'checkTurn', queue: q, validation: { parts } }, importerId);
const advance = (r: Rig, seconds: number) => { r.env.clock.now = new Date(r.env.clock.now.getTime() + seconds * 1000); };

async function items(r: Rig): Promise<string[]> {
  const out = await db.send(new ScanCommand({ TableName: r.tableName }));
  return (out.Items ?? []).map((i) => i.sk.S!).sort();
}

test('first in, first out: the second file waits until the first releases the slot', async () => {
  const r = await rig({ coalesce: false });
  const a = await enqueue(r, 'a', [part('a', 2)]);
  const b = await enqueue(r, 'b', [part('b', 2)]);
  expect([a.seq, b.seq]).toEqual([1, 2]);
  expect(b.position).toBe(1);
  // b looks first, but a is ahead of it.
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Waiting', position: 1 });
  const aTurn = await check(r, a, [part('a', 2)]);
  expect(aTurn).toMatchObject({ outcome: 'Acquired', parts: [part('a', 2)], combined: false });
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Waiting', position: 0 });
  await step(r, { action: 'release', queue: aTurn });
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Acquired' });
  // One Queued event per file, with its position and no user data.
  const queued = r.env.events.commandCalls(PutEventsCommand).map((c) => JSON.parse(c.args[0].input.Entries![0].Detail!));
  expect(queued.map((d) => [d.ticket, d.position])).toEqual([[1, 0], [2, 1]]);
});

test('a retried enqueue finds its ticket; a retried checkTurn of the holder returns the same plan', async () => {
  const r = await rig();
  const a1 = await enqueue(r, 'a', [part('a', 2)]);
  const a2 = await enqueue(r, 'a', [part('a', 2)]);
  expect(a2.ticket).toBe(a1.ticket);
  const first = await check(r, a1, [part('a', 2)]);
  const again = await check(r, a1, [part('a', 2)]);
  expect(again).toEqual(first);
});

test('a job running outside the queue (console, CLI) keeps the first file waiting', async () => {
  const r = await rig();
  const a = await enqueue(r, 'a', [part('a', 2)]);
  r.activeJobs.push({ Status: 'InProgress' });
  expect(await check(r, a, [part('a', 2)])).toMatchObject({ outcome: 'Waiting', position: 0 });
  r.activeJobs.length = 0;
  expect(await check(r, a, [part('a', 2)])).toMatchObject({ outcome: 'Acquired' });
});

test('a holder that died frees the slot when its lease expires; a renewal keeps it', async () => {
  const r = await rig({ coalesce: false, leaseSeconds: 900 });
  const a = await enqueue(r, 'a', [part('a', 2)]);
  const b = await enqueue(r, 'b', [part('b', 2)]);
  await check(r, a, [part('a', 2)]);
  advance(r, 600);
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Waiting', position: 0 });
  advance(r, 301);
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Acquired' });
});

test('a waiting ticket nobody looks at any more is skipped and removed', async () => {
  const r = await rig({ coalesce: false });
  await enqueue(r, 'gone', [part('gone', 2)]);
  const b = await enqueue(r, 'b', [part('b', 2)]);
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Waiting', position: 1 });
  advance(r, 901);
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Acquired' });
  expect(await items(r)).not.toContain('T#000000000000001');
});

test('waiting past maxQueueWait fails the file and removes its ticket', async () => {
  const r = await rig({ maxWaitSeconds: 3600 });
  const a = await enqueue(r, 'a', [part('a', 2)]);
  await check(r, a, [part('a', 2)]);
  const b = await enqueue(r, 'b', [part('b', 2)]);
  advance(r, 3601);
  await expect(check(r, b, [part('b', 2)])).rejects.toMatchObject({ name: 'QueueWaitExceededError' });
  expect(await items(r)).not.toContain(b.ticket);
});

test('leaveQueue (error path) frees the slot and removes the ticket; the next file gets the slot', async () => {
  const r = await rig({ coalesce: false });
  const a = await enqueue(r, 'a', [part('a', 2)]);
  const b = await enqueue(r, 'b', [part('b', 2)]);
  await check(r, a, [part('a', 2)]);
  await step(r, { action: 'leaveQueue', executionName: 'a' });
  expect(await items(r)).toEqual(['COUNTER', 'T#000000000000002', 'X#b']);
  expect(await check(r, b, [part('b', 2)])).toMatchObject({ outcome: 'Acquired' });
});

describe('coalescing', () => {
  const header = 'email,email_verified,cognito:mfa_enabled,cognito:username';
  const row = (u: string) => `${u}@example.com,true,false,${u}`;
  /** A part file whose rows came from the given source lines (e.g. a file with a rejected row). */
  function putPart(r: Rig, name: string, usernames: string[], lines: number[], head = header): PartDescriptor {
    const p = part(name, usernames.length);
    r.env.store.put(BUCKET, p.key, [head, ...usernames.map(row)].join('\n') + '\n');
    r.env.store.put(BUCKET, p.lineMapKey, JSON.stringify([1, ...lines]));
    return p;
  }

  test('waiting files of the same importer ride in one job; each gets its own results, lines mapped back', async () => {
    const r = await rig();
    const pa = putPart(r, 'a', ['a1', 'a2'], [2, 3]);
    const pb = putPart(r, 'b', ['b1', 'b2', 'b3'], [2, 4, 5]); // line 3 of b was rejected
    const pc = putPart(r, 'c', ['c1'], [2]);
    const pd = putPart(r, 'd', ['d1'], [2]);
    const pe = putPart(r, 'e', ['a2'], [2]); // a username already in the job
    const pf = putPart(r, 'f', ['f1'], [2], 'cognito:username,email,email_verified,cognito:mfa_enabled'); // other columns
    const a = await enqueue(r, 'a', [pa]);
    const b = await enqueue(r, 'b', [pb]);
    const c = await enqueue(r, 'c', [pc], 'OtherImporter');
    const d = await enqueue(r, 'd', [pd]);
    const e = await enqueue(r, 'e', [pe]);
    const f = await enqueue(r, 'f', [pf]);
    const turn = await check(r, a, [pa]);
    expect(turn).toMatchObject({ outcome: 'Acquired', combined: true });
    const combined = turn.parts![0];
    expect(combined.rows).toBe(6);
    expect(r.env.store.text(BUCKET, combined.key)).toBe([header, 'a1', 'a2', 'b1', 'b2', 'b3', 'd1'].map((x, i) => (i === 0 ? x : row(x))).join('\n') + '\n');

    // Harvest of the combined job (lines of the combined part): b2 SKIPPED, d1 FAILED.
    const job = { jobId: 'import-1', jobName: combined.jobName, status: 'Succeeded', terminal: true, polls: 3, waitSeconds: 5, importedUsers: 4, skippedUsers: 1, failedUsers: 1 };
    r.env.store.put(BUCKET, 'work/a/combined.users.jsonl', [
      { line: 5, username: 'b2', outcome: 'SKIPPED', message: 'User already exists' },
      { line: 7, username: 'd1', outcome: 'FAILED', message: 'Invalid phone' },
    ].map((x) => JSON.stringify(x)).join('\n') + '\n');
    r.env.store.put(BUCKET, 'work/a/combined.results.json', JSON.stringify({ partNumber: 1, jobId: 'import-1', succeeded: 4, skipped: 1, failed: 1, unprocessedLines: [], usersKey: 'work/a/combined.users.jsonl', logGroupFound: true }));
    const harvested: HarvestOutput[] = [{ partNumber: 1, job, resultsKey: 'work/a/combined.results.json' }];
    const mine: HarvestOutput[] = await step(r, { action: 'distribute', queue: turn, parts: harvested });
    expect(mine[0].job).toMatchObject({ jobId: 'import-1', importedUsers: 2, skippedUsers: 0, failedUsers: 0 });
    await step(r, { action: 'release', queue: turn });

    const bTurn = await check(r, b, [pb]);
    expect(bTurn.outcome).toBe('Coalesced');
    expect(bTurn.results![0].job).toMatchObject({ jobId: 'import-1', importedUsers: 2, skippedUsers: 1, failedUsers: 0 });
    const bUsers = r.env.store.text(BUCKET, JSON.parse(r.env.store.text(BUCKET, bTurn.results![0].resultsKey)!).usersKey)!;
    expect(bUsers.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ line: 4, username: 'b2', outcome: 'SKIPPED', message: 'User already exists' }]);
    const dTurn = await check(r, d, [pd]);
    expect(dTurn.results![0].job).toMatchObject({ importedUsers: 0, failedUsers: 1 });

    // Not combined: another importer's file, a username already in the job, other columns. They wait in line.
    expect(await check(r, c, [pc], 'OtherImporter')).toMatchObject({ outcome: 'Acquired', combined: false });
    expect(await check(r, e, [pe])).toMatchObject({ outcome: 'Waiting' });
    expect(await check(r, f, [pf])).toMatchObject({ outcome: 'Waiting' });
  });

  test('files combined into a job that fails are failed with their own error', async () => {
    const r = await rig();
    const pa = putPart(r, 'a', ['a1'], [2]);
    const pb = putPart(r, 'b', ['b1'], [2]);
    const a = await enqueue(r, 'a', [pa]);
    const b = await enqueue(r, 'b', [pb]);
    expect(await check(r, a, [pa])).toMatchObject({ combined: true });
    expect(await check(r, b, [pb])).toMatchObject({ outcome: 'Waiting', position: 0 });
    await step(r, { action: 'leaveQueue', executionName: 'a' });
    await expect(check(r, b, [pb])).rejects.toMatchObject({ name: 'CoalescedJobFailedError' });
    expect(await items(r)).toEqual(['COUNTER']);
  });

  test('a slow holder whose lease ran out keeps its riders waiting (no result is lost)', async () => {
    const r = await rig({ leaseSeconds: 900 });
    const pa = putPart(r, 'a', ['a1'], [2]);
    const pb = putPart(r, 'b', ['b1'], [2]);
    const a = await enqueue(r, 'a', [pa]);
    const b = await enqueue(r, 'b', [pb]);
    expect(await check(r, a, [pa])).toMatchObject({ combined: true });
    advance(r, 2000);
    expect(await check(r, b, [pb])).toMatchObject({ outcome: 'Waiting' });
    expect(await items(r)).toContain(b.ticket);
  });

  test('a file over the job limits or with several parts does not ride along', async () => {
    const r = await rig();
    const pa = putPart(r, 'a', ['a1'], [2]);
    const a = await enqueue(r, 'a', [pa]);
    const big = await enqueue(r, 'big', [part('big', 500_000)]);
    const multi = await enqueue(r, 'multi', [part('multi', 2, 1, 2), part('multi', 2, 2, 2)]);
    expect(await check(r, a, [pa])).toMatchObject({ outcome: 'Acquired', combined: false });
    expect((await check(r, big, [part('big', 500_000)])).outcome).toBe('Waiting');
    expect((await check(r, multi, [part('multi', 2, 1, 2)])).outcome).toBe('Waiting');
  });
});

test('looks at the queue grow apart with the position and the time already waited, up to 5 minutes', async () => {
  const { queueWaitSeconds } = await import('../../lambda/queue/queue-wait');
  const q: QueueConfig = { tableName: 't', pollSeconds: 30, leaseSeconds: 900, maxWaitSeconds: 3600, coalesce: true };
  expect(queueWaitSeconds(q, 0)).toBe(30);
  expect(queueWaitSeconds(q, 4)).toBe(120);
  expect(queueWaitSeconds(q, 100)).toBe(300);
  expect(queueWaitSeconds(q, 0, 2 * 3600)).toBe(120);
  expect(queueWaitSeconds(q, 0, 3 * 86400)).toBe(300);
  // A 7-day wait stays within a workflow's 25,000-event history (about 9 events per look).
  let t = 0, looks = 0;
  while (t < 7 * 86400) { t += queueWaitSeconds(q, 0, t); looks += 1; }
  expect(looks * 9).toBeLessThan(25_000);
});

test('metrics: waiting files at every look (files in line ahead), wait time once when the slot is taken, by queue table', async () => {
  const r = await rig({ coalesce: false });
  const a = await enqueue(r, 'a', [part('a', 2)]);
  const b = await enqueue(r, 'b', [part('b', 2)]);
  advance(r, 40);
  const aTurn = await check(r, a, [part('a', 2)]);
  await check(r, b, [part('b', 2)]);
  await step(r, { action: 'release', queue: aTurn });
  advance(r, 20);
  await check(r, b, [part('b', 2)]);
  const dims = { queueTable: r.tableName };
  expect(r.env.metrics).toEqual([
    { dimensions: dims, values: { waitingFiles: 0 } },
    { dimensions: dims, values: { waitingFiles: 1 } },
    { dimensions: dims, values: { waitTime: 40 } },
    { dimensions: dims, values: { waitingFiles: 0 } },
    { dimensions: dims, values: { waitTime: 60 } },
  ]);
});
