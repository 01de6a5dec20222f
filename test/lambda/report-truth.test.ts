/** The report's truth under re-drops and retried steps: newest version at the key, one event per version. */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeUserImportJobCommand } from '@aws-sdk/client-cognito-identity-provider';
import { runStep } from '../../lambda/engine';
import { compareSequencers, promoteIfNewest, supersedes } from '../../lambda/report/newest-report';
import type { ReportOutput } from '../../lambda/shared/report';
import type { ValidateOutput } from '../../lambda/shared/steps';
import { BUCKET, config, csvOf, testEnv, user } from './helpers';

describe('the newest version\'s report is at the key', () => {
  test('sequencers compare as hex of any length', () => {
    expect(compareSequencers('0A', '9')).toBeGreaterThan(0);
    expect(compareSequencers('00FF', 'FF')).toBe(0);
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBeLessThan(0);
  });

  test('a version replaces its own report (a retried step) and older ones, never a newer one', () => {
    const v = (etag: string, sequencer?: string, startedAt = 't1') => ({ source: { bucket: BUCKET, key: 'k', etag, sequencer }, startedAt });
    expect(supersedes(v('a', '01'), v('a', '01'))).toBe(true);
    expect(supersedes(v('b', '02'), v('a', '01'))).toBe(true);
    expect(supersedes(v('a', '01'), v('b', '02'))).toBe(false);
    // Without sequencers (a deployment's execution): the later start wins.
    expect(supersedes(v('a', undefined, 't1'), v('b', undefined, 't2'))).toBe(false);
    expect(supersedes(v('b', undefined, 't2'), v('a', undefined, 't1'))).toBe(true);
  });

  test('an older version finishing last leaves the newer one\'s report at the key; each keeps its own', async () => {
    const env = testEnv();
    const cfg = config();
    env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const report = async (etag: string, sequencer: string, rows: number, execution: string) => {
      const source = { bucket: BUCKET, key: 'incoming/again.csv', etag: `"${etag}"`, sequencer };
      env.store.put(BUCKET, source.key, csvOf(Array.from({ length: rows }, (_, i) => user(i + 1, { 'cognito:username': 'bad name' }))));
      const validation = (await runStep(env.deps, cfg, { action: 'validate', source, executionName: execution })) as ValidateOutput;
      return (await runStep(env.deps, cfg, { action: 'report', executionName: execution, startedAt: 't', state: { source, validation } })) as ReportOutput;
    };
    const newer = await report('e2', '0000000000000002', 2, 'exec-new');
    const older = await report('e1', '0000000000000001', 5, 'exec-old');
    const atKey = JSON.parse(env.store.text(BUCKET, 'reports/incoming/again.csv.json')!);
    expect(atKey.source.etag).toBe('"e2"');
    expect(atKey.eventId).toBe('exec-new');
    expect(newer.reportKey).toBe('reports/incoming/again.csv.versions/e2.json');
    expect(older.reportKey).toBe('reports/incoming/again.csv.versions/e1.json');
    expect(JSON.parse(env.store.text(BUCKET, older.reportKey)!).totals.rows).toBe(5);
    expect(JSON.parse(env.store.text(BUCKET, newer.reportKey)!).failedRowsUri).toBe(`s3://${BUCKET}/reports/incoming/again.csv.versions/e2.failed.csv`);
  });

  test('a conditional write that loses a race looks again and never overwrites the newer report', async () => {
    const env = testEnv();
    const cfg = config();
    const newer = { source: { bucket: BUCKET, key: 'k', etag: 'b', sequencer: '02' }, startedAt: 't' };
    env.store.put(BUCKET, 'v/a.json', JSON.stringify({ source: { bucket: BUCKET, key: 'k', etag: 'a', sequencer: '01' } }));
    // Between this step's read and its write, the newer version's report lands.
    const putTextIf = env.store.putTextIf.bind(env.store);
    let raced = false;
    env.store.putTextIf = async (b, k, t, c) => {
      if (!raced) { raced = true; env.store.put(BUCKET, 'r.json', JSON.stringify(newer)); }
      return putTextIf(b, k, t, c);
    };
    const promoted = await promoteIfNewest(env.deps, cfg, 'r.json', 'v/a.json', { source: { bucket: BUCKET, key: 'k', etag: 'a', sequencer: '01' }, startedAt: 't' });
    expect(promoted).toBe(false);
    expect(JSON.parse(env.store.text(BUCKET, 'r.json')!).source.etag).toBe('b');
  });
});

describe('one completion event per version', () => {
  test('a retried notify sends nothing again; the event carries the execution name as its id', async () => {
    const env = testEnv();
    const cfg = config();
    env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const report = { status: 'Succeeded', reportUri: 's3://b/r', reportKey: 'r', eventId: 'exec-1', jobIds: [], totals: { rows: 1, imported: 1, skipped: 0, failed: 0, rejected: 0 }, firstReasons: [] } as ReportOutput;
    const input = { action: 'notify' as const, source: { bucket: BUCKET, key: 'incoming/a.csv', etag: 'e' }, report };
    await runStep(env.deps, cfg, input);
    await runStep(env.deps, cfg, input);
    const calls = env.events.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0].args[0].input.Entries![0].Detail!).eventId).toBe('exec-1');
    // The file's metrics were published once: one `files` count for its status.
    expect(env.metrics.filter((g) => g.values.files === 1)).toHaveLength(1);
  });

  test('a rejected PutEvents leaves no marker: the retry sends', async () => {
    const env = testEnv();
    env.events.on(PutEventsCommand).resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] }).resolves({ FailedEntryCount: 0 });
    const report = { status: 'Succeeded', reportUri: 's3://b/r', reportKey: 'r', eventId: 'exec-2', jobIds: [], totals: { rows: 0, imported: 0, skipped: 0, failed: 0, rejected: 0 }, firstReasons: [] } as ReportOutput;
    const input = { action: 'notify' as const, source: { bucket: BUCKET, key: 'incoming/a.csv', etag: 'e' }, report };
    await expect(runStep(env.deps, config(), input)).rejects.toThrow(/rejected/);
    await runStep(env.deps, config(), input);
    expect(env.events.commandCalls(PutEventsCommand)).toHaveLength(2);
  });
});

describe('failure paths reconcile with Cognito', () => {
  test('a part whose job cannot be described: its rows are listed with unknownFate, not failed, not in the rows to fix', async () => {
    const env = testEnv();
    const cfg = config();
    const source = { bucket: BUCKET, key: 'incoming/u.csv', etag: '"e"' };
    env.store.put(BUCKET, source.key, csvOf([user(1), user(2)]));
    const validation = (await runStep(env.deps, cfg, { action: 'validate', source, executionName: 'x' })) as ValidateOutput;
    env.store.put(BUCKET, validation.parts[0].key.replace(/\.csv$/, '.job.json'), JSON.stringify({ jobId: 'import-1', jobName: validation.parts[0].jobName }));
    env.cognito.on(DescribeUserImportJobCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalErrorException' }));
    const out = (await runStep(env.deps, cfg, { action: 'report', executionName: 'x', startedAt: 't', state: { source, validation, error: { Error: 'States.Timeout' } } })) as ReportOutput;
    const doc = JSON.parse(env.store.text(BUCKET, out.reportKey)!);
    expect(doc.totals).toMatchObject({ rows: 2, imported: 0, failed: 0, unknownFate: 2 });
    expect(doc.users.map((u: { line: number; outcome: string; unknownFate?: boolean }) => [u.line, u.outcome, u.unknownFate])).toEqual([[2, 'UNKNOWN', true], [3, 'UNKNOWN', true]]);
    expect(doc.failedRowsUri).toBeUndefined();
  });

  test('a job still running past the wait: fate unknown, the job listed', async () => {
    const env = testEnv();
    const cfg = config();
    const source = { bucket: BUCKET, key: 'incoming/r.csv', etag: '"e"' };
    env.store.put(BUCKET, source.key, csvOf([user(1)]));
    const validation = (await runStep(env.deps, cfg, { action: 'validate', source, executionName: 'y' })) as ValidateOutput;
    env.store.put(BUCKET, validation.parts[0].key.replace(/\.csv$/, '.job.json'), JSON.stringify({ jobId: 'import-2', jobName: validation.parts[0].jobName }));
    env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: 'import-2', JobName: validation.parts[0].jobName, Status: 'InProgress' } });
    // Each pause moves the clock: the bounded wait ends.
    env.deps.sleep = async (ms) => { env.clock.now = new Date(env.clock.now.getTime() + ms); };
    const out = (await runStep(env.deps, cfg, { action: 'report', executionName: 'y', startedAt: 't', state: { source, validation, error: { Error: 'X' } } })) as ReportOutput;
    const doc = JSON.parse(env.store.text(BUCKET, out.reportKey)!);
    expect(doc.jobs).toEqual([expect.objectContaining({ jobId: 'import-2', status: 'InProgress' })]);
    expect(doc.totals.unknownFate).toBe(1);
    expect(doc.users[0].message).toMatch(/still running/);
  });
});
