import { progressAfter, progressBefore, writeProgress } from '../../lambda/report/progress';
import { BUCKET, config as engineConfig, testEnv } from './helpers';

const source = { bucket: BUCKET, key: 'incoming/users.csv', versionId: 'v1' };
const PROGRESS_KEY = 'reports/incoming/users.csv.progress.json';
const part = { partNumber: 2, partCount: 3, key: 'work/x/part-2.csv', rows: 40, bytes: 4000, lineMapKey: 'work/x/l.json', jobName: 'users-part-2' };
const job = { jobId: 'import-j1', jobName: 'users-part-2', status: 'InProgress', terminal: false, polls: 1, waitSeconds: 5, importedUsers: 7, skippedUsers: 1, failedUsers: 2 };

describe('progress object', () => {
  test('each phase the steps go through, with ids and counts only', async () => {
    const env = testEnv();
    const config = engineConfig();
    const read = () => JSON.parse(env.store.text(BUCKET, PROGRESS_KEY)!);
    await writeProgress(env.deps, config, progressBefore({ action: 'validate', source, executionName: 'e' }));
    expect(read()).toEqual({ progressVersion: 1, phase: 'validating', updatedAt: '2025-01-01T00:00:00.000Z', versionId: 'v1' });
    await writeProgress(env.deps, config, progressAfter({ action: 'checkTurn', source, queue: {} as any, validation: { parts: [] } },
      { ticket: 't', seq: 3, enqueuedAt: 0, outcome: 'Waiting', position: 2, waitSeconds: 30 }));
    expect(read()).toMatchObject({ phase: 'queued', queuePosition: 2 });
    await writeProgress(env.deps, config, progressBefore({ action: 'createAndUpload', source, part }));
    expect(read()).toMatchObject({ phase: 'uploading', part: 2, parts: 3, total: 40 });
    await writeProgress(env.deps, config, progressAfter({ action: 'describeInQueue', ticket: 't', job: { ...job, status: 'Pending' }, source, part }, job));
    expect(read()).toMatchObject({ phase: 'importing', jobId: 'import-j1', jobStatus: 'InProgress', imported: 7, skipped: 1, failed: 2, total: 40, part: 2 });
    await writeProgress(env.deps, config, progressBefore({ action: 'harvest', source, part, job }));
    expect(read()).toMatchObject({ phase: 'reading-results' });
    await writeProgress(env.deps, config, progressAfter({ action: 'report', executionName: 'e', startedAt: '', state: { source } }, { status: 'PartiallySucceeded' }));
    expect(read()).toMatchObject({ phase: 'done', status: 'PartiallySucceeded' });
    expect(Object.keys(read()).sort()).toEqual(['phase', 'progressVersion', 'status', 'updatedAt', 'versionId']);
  });

  test('a describe that saw nothing new writes nothing; a change of status or counts does', () => {
    expect(progressAfter({ action: 'describeInQueue', ticket: 't', job, source, part }, { ...job, polls: 2 })).toBeUndefined();
    expect(progressAfter({ action: 'describeInQueue', ticket: 't', job, source, part }, { ...job, importedUsers: 8 })).toMatchObject({ fields: { imported: 8 } });
    expect(progressAfter({ action: 'describeInQueue', ticket: 't', job, source, part }, { ...job, status: 'Succeeded' })).toMatchObject({ fields: { jobStatus: 'Succeeded' } });
  });

  test('a step that took the slot or a step without a phase writes nothing', () => {
    expect(progressAfter({ action: 'checkTurn', source, queue: {} as any, validation: { parts: [] } }, { outcome: 'Acquired' })).toBeUndefined();
    expect(progressBefore({ action: 'notify', source, report: {} as any })).toBeUndefined();
  });

  test('a source outside the importer\'s bucket gets no progress object', async () => {
    const env = testEnv();
    await writeProgress(env.deps, engineConfig(), progressBefore({ action: 'validate', source: { ...source, bucket: 'elsewhere' }, executionName: 'e' }));
    expect(env.store.text(BUCKET, PROGRESS_KEY)).toBeUndefined();
    expect(env.store.text('elsewhere', PROGRESS_KEY)).toBeUndefined();
  });

  test('a failed write is logged without user data and never fails the step', async () => {
    const env = testEnv();
    env.store.putText = async () => { throw Object.assign(new Error('denied for incoming/users.csv'), { name: 'AccessDenied' }); };
    await expect(writeProgress(env.deps, engineConfig(), progressBefore({ action: 'validate', source, executionName: 'e' }))).resolves.toBeUndefined();
    expect(env.log.lines).toEqual([JSON.stringify({ m: 'progress not written (the import goes on)', x: { phase: 'validating', errorName: 'AccessDenied' } })]);
  });
});
