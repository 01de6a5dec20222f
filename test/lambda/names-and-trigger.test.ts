import { mockClient } from 'aws-sdk-client-mock';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { executionNameFor } from '../../lambda/runtime/execution-name';
import { jobNameFor, jobNamePrefix } from '../../lambda/runtime/job-name';
import { decodeS3Key, recordsOf, startImports } from '../../lambda/runtime/trigger';
import { RecordingLog } from './helpers';

/** Cognito's JobName rule (docs/import-jobs.md#cognitos-import-jobs): 1–128 characters of `[\w\s+=,.@-]`. */
function isValidJobName(name: string): boolean {
  return name.length >= 1 && name.length <= 128 && /^[\w\s+=,.@-]+$/.test(name);
}

/** Step Functions as it treats execution names: a second StartExecution of a name is ExecutionAlreadyExists. */
function idempotentSfn() {
  const sfnMock = mockClient(SFNClient);
  const names = new Set<string>();
  sfnMock.on(StartExecutionCommand).callsFake((input) => {
    if (names.has(input.name)) throw Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' });
    names.add(input.name);
    return { executionArn: `arn:exec:${input.name}` };
  });
  return sfnMock;
}

describe('job names', () => {
  test.each([
    ['incoming/users.csv', 1, 'incoming-users.csv-tok-part-1'],
    ['incoming/my users (2024).csv', 2, 'incoming-my_users_-2024-.csv-tok-part-2'],
    ['incoming/ünïcødé#$%.csv', 3, 'incoming--n-c-d----.csv-tok-part-3'],
    ['incoming/a+b=c,d@e.csv', 1, 'incoming-a+b=c,d@e.csv-tok-part-1'],
  ])('%s part %d → %s', (key, n, expected) => {
    const name = jobNameFor(key, n, 'tok');
    expect(name).toBe(expected);
    expect(isValidJobName(name)).toBe(true);
  });

  test('long keys are cut to 128 characters, keep the part number, stay distinct', () => {
    const a = jobNameFor(`incoming/${'x'.repeat(300)}a.csv`, 12, 'abcdef12');
    const b = jobNameFor(`incoming/${'x'.repeat(300)}b.csv`, 12, 'abcdef12');
    expect(a.length).toBeLessThanOrEqual(128);
    expect(a).toMatch(/-abcdef12-part-12$/);
    expect(isValidJobName(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  test('every part of a long key shares one prefix, so the jobs of an execution can be found again', () => {
    const key = `cognito-user-import/work-files/deployments/${'d'.repeat(80)}.csv`;
    const prefix = jobNamePrefix(key, 'abcdef12');
    for (const n of [1, 9, 10, 999, 9_999_999]) {
      const name = jobNameFor(key, n, 'abcdef12');
      expect(name.startsWith(prefix)).toBe(true);
      expect(name.slice(prefix.length)).toBe(String(n));
      expect(isValidJobName(name)).toBe(true);
    }
    expect(jobNameFor(key, 1, 'abcdef13').startsWith(prefix)).toBe(false);
  });
});

describe('execution names', () => {
  test('≤ 80 characters of [A-Za-z0-9-_], stable per object version, distinct across versions', () => {
    const a = executionNameFor('bucket', `incoming/${'ü'.repeat(200)} users.csv`, 'v1');
    expect(a.length).toBeLessThanOrEqual(80);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(executionNameFor('bucket', 'incoming/users.csv', 'v1')).toBe(executionNameFor('bucket', 'incoming/users.csv', 'v1'));
    expect(executionNameFor('bucket', 'incoming/users.csv', 'v1')).not.toBe(executionNameFor('bucket', 'incoming/users.csv', 'v2'));
    expect(executionNameFor('bucket', 'incoming/users.csv', '"etag1"')).not.toBe(executionNameFor('other', 'incoming/users.csv', '"etag1"'));
  });
});

describe('trigger', () => {
  const record = (key: string, versionId?: string) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'drop' }, object: { key, versionId, eTag: 'abc', size: 10 } } });

  test('S3 keys are URL-decoded', () => {
    expect(decodeS3Key('incoming/my+users%2C2024.csv')).toBe('incoming/my users,2024.csv');
  });

  test('starts one execution per object version with {source, requestedBy:"s3"}; a re-delivery is success', async () => {
    const sfnMock = idempotentSfn();
    const sfn = new SFNClient({ region: 'us-east-1' });
    const log = new RecordingLog();
    const first = await startImports(sfn, 'arn:sm', 'incoming/', [record('incoming/users+1.csv', 'v1'), record('reports/x.csv')], log);
    const again = await startImports(sfn, 'arn:sm', 'incoming/', [record('incoming/users+1.csv', 'v1')], log);
    expect(first.started).toHaveLength(1);
    expect(first.ignored).toEqual(['reports/x.csv']);
    expect(again).toMatchObject({ started: [], duplicates: first.started });
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
    expect(input).toEqual({ source: { bucket: 'drop', key: 'incoming/users 1.csv', versionId: 'v1', etag: 'abc', size: 10 }, requestedBy: 's3' });
    sfnMock.restore();
  });

  test('other StartExecution errors fail the invocation (S3 retries it)', async () => {
    const sfnMock = mockClient(SFNClient);
    sfnMock.on(StartExecutionCommand).rejects(Object.assign(new Error('nope'), { name: 'AccessDeniedException' }));
    await expect(startImports(new SFNClient({ region: 'us-east-1' }), 'arn:sm', '', [record('incoming/u.csv')], new RecordingLog())).rejects.toMatchObject({ name: 'AccessDeniedException' });
    sfnMock.restore();
  });

  /** S3's "Object Created" event on EventBridge, as a bucket with EventBridge delivery sends it. */
  const bridged = (key: string, versionId?: string) => ({
    'version': '0', 'id': 'e1', 'detail-type': 'Object Created', 'source': 'aws.s3', 'account': '111122223333', 'region': 'eu-west-1',
    'resources': ['arn:aws:s3:::drop'],
    'detail': { 'version': '0', 'bucket': { name: 'drop' }, 'object': { key, 'version-id': versionId, 'etag': 'abc', 'size': 10 }, 'reason': 'PutObject' },
  });

  test('an EventBridge Object Created event gives the same record, so the same execution name, as the notification', () => {
    // (eventName carries S3's reason, PutObject, and names nothing.)
    expect(recordsOf(bridged('incoming/users+1.csv', 'v1')).map((r) => r.s3)).toEqual([record('incoming/users+1.csv', 'v1').s3]);
    expect(recordsOf({ Records: [record('incoming/a.csv')] })).toEqual([record('incoming/a.csv')]);
  });

  test('anything else gives no record: the s3:TestEvent, another detail type, an event without bucket or key', () => {
    expect(recordsOf({ Service: 'Amazon S3', Event: 's3:TestEvent' } as never)).toEqual([]);
    expect(recordsOf({ ...bridged('incoming/a.csv'), 'detail-type': 'Object Deleted' })).toEqual([]);
    expect(recordsOf({ ...bridged('incoming/a.csv'), detail: { object: { key: 'incoming/a.csv' } } })).toEqual([]);
    expect(recordsOf({ ...bridged('incoming/a.csv'), detail: { bucket: { name: 'drop' } } })).toEqual([]);
    expect(recordsOf(undefined)).toEqual([]);
  });

  test('a duplicate EventBridge delivery, or the same version by both paths, starts nothing new', async () => {
    const sfnMock = idempotentSfn();
    const sfn = new SFNClient({ region: 'us-east-1' });
    const log = new RecordingLog();
    const first = await startImports(sfn, 'arn:sm', 'incoming/', recordsOf(bridged('incoming/users+1.csv', 'v1')), log);
    const again = await startImports(sfn, 'arn:sm', 'incoming/', recordsOf(bridged('incoming/users+1.csv', 'v1')), log);
    const viaNotification = await startImports(sfn, 'arn:sm', 'incoming/', [record('incoming/users+1.csv', 'v1')], log);
    const newVersion = await startImports(sfn, 'arn:sm', 'incoming/', recordsOf(bridged('incoming/users+1.csv', 'v2')), log);
    expect(first.started).toHaveLength(1);
    expect(again).toMatchObject({ started: [], duplicates: first.started });
    expect(viaNotification).toMatchObject({ started: [], duplicates: first.started });
    expect(newVersion.started).toHaveLength(1);
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
    expect(input).toEqual({ source: { bucket: 'drop', key: 'incoming/users 1.csv', versionId: 'v1', etag: 'abc', size: 10 }, requestedBy: 's3' });
    sfnMock.restore();
  });
});
