import { TOO_MANY_FAILED_OR_SKIPPED } from '../../lambda/shared/job-status';
import type { HarvestOutput, LookupState, PartDescriptor, PlanFallbackInput } from '../../lambda/shared/steps';
import { HarvestSummary, resultsKey, resultsSummaryKey, UserOutcome, ValidationSummary } from '../../lambda/runtime/work-files';
import { jobNameFor, executionToken } from '../../lambda/runtime/job-name';
import { decideFallback, planFallback } from '../../lambda/users/sample-fallback';
import { runStep } from '../../lambda/engine';
import type { ReportOutput } from '../../lambda/shared/report';
import { BUCKET, config, csvOf, testEnv, user } from './helpers';

const sampled: LookupState = { done: true, mode: 'sample', sample: { rows: 2, of: 5, found: 0 }, invocations: 1, requests: 3 };
const job = (jobId: string, status: string, completionMessage?: string) => ({ jobId, status, ...(completionMessage ? { completionMessage } : {}) });

describe('decideFallback: which failed jobs the full lookup redoes', () => {
  test('a job Cognito failed with SKIPPED users in its results, after a clean sample', () => {
    expect(decideFallback(sampled, [{ job: job('j1', 'Failed', TOO_MANY_FAILED_OR_SKIPPED), summary: { skipped: 1 } }]))
      .toEqual({ failedJobIds: ['j1'], reason: 'existing-users-skipped' });
  });
  test('a job failed with "too many failed or skipped" whose lines show no skip (the log may be incomplete)', () => {
    expect(decideFallback(sampled, [{ job: job('j1', 'Failed', TOO_MANY_FAILED_OR_SKIPPED), summary: { skipped: 0 } }]))
      .toEqual({ failedJobIds: ['j1'], reason: 'too-many-failed-or-skipped' });
  });
  test('only the failed jobs that qualify; a job that failed for another reason, or succeeded with skips, is not retried', () => {
    expect(decideFallback(sampled, [
      { job: job('ok', 'Succeeded'), summary: { skipped: 2 } },
      { job: job('header', 'Failed', 'The CSV header is invalid.'), summary: { skipped: 0 } },
      { job: job('j3', 'Failed'), summary: { skipped: 1 } },
    ])).toEqual({ failedJobIds: ['j3'], reason: 'existing-users-skipped' });
    expect(decideFallback(sampled, [{ job: job('ok', 'Succeeded'), summary: { skipped: 2 } }])).toBeUndefined();
    expect(decideFallback(sampled, [{ job: job('header', 'Failed', 'The CSV header is invalid.'), summary: { skipped: 0 } }])).toBeUndefined();
  });
  test('never after the full lookup, and never twice', () => {
    const failed = [{ job: job('j1', 'Failed', TOO_MANY_FAILED_OR_SKIPPED), summary: { skipped: 1 } }];
    expect(decideFallback({ ...sampled, mode: 'get' }, failed)).toBeUndefined();
    expect(decideFallback({ ...sampled, mode: 'scan' }, failed)).toBeUndefined();
    expect(decideFallback({ ...sampled, fallback: { failedJobIds: ['j0'], reason: 'existing-users-skipped', rows: 1 } }, failed)).toBeUndefined();
  });
});

describe('planFallback: the failed job\'s rows not imported become the full lookup\'s parts', () => {
  const prefix = 'work/exec-1/';
  const source = { bucket: BUCKET, key: 'incoming/users.csv', etag: 'e1' };
  const executionName = 'users_csv-exec-1';

  /** A file of 5 rows (source lines 2-6) in one part; its job imported line 2, skipped line 3, stopped there. */
  function setUp(status = 'Failed') {
    const env = testEnv();
    const part: PartDescriptor = {
      partNumber: 1, partCount: 1, key: `${prefix}part-1.csv`, rows: 5, bytes: 100, lineMapKey: `${prefix}part-1.lines.json`,
      jobName: jobNameFor(source.key, 1, executionToken(executionName)),
    };
    env.store.put(BUCKET, part.key, csvOf([1, 2, 3, 4, 5].map((n) => user(n))));
    env.store.put(BUCKET, part.lineMapKey, JSON.stringify([1, 2, 3, 4, 5, 6]));
    const file: ValidationSummary = {
      outcome: 'Valid', rows: 5, rejectedRows: 0, physicalLines: 6, fixes: {}, rejectedKey: `${prefix}rejected.jsonl`, rejectedEntries: 0, fileErrors: [], parts: [part],
    };
    env.store.put(BUCKET, `${prefix}validation.json`, JSON.stringify(file));
    const users: UserOutcome[] = [
      { line: 3, username: 'user2', outcome: 'SKIPPED', message: 'The user already exists.' },
      ...[4, 5, 6].map((line): UserOutcome => ({ line, username: `user${line - 1}`, outcome: 'FAILED', message: 'no result', unknownFate: true })),
    ];
    const summary: HarvestSummary = {
      partNumber: 1, jobId: 'job-1', succeeded: 1, skipped: 1, failed: 0, unprocessedLines: [4, 5, 6], usersKey: resultsKey(part, 'job-1'), logGroupFound: true, withoutResult: 3,
    };
    env.store.put(BUCKET, summary.usersKey, users.map((u) => JSON.stringify(u)).join('\n') + '\n');
    env.store.put(BUCKET, resultsSummaryKey(part, 'job-1'), JSON.stringify(summary));
    const results: HarvestOutput[] = [{
      partNumber: 1, resultsKey: resultsSummaryKey(part, 'job-1'),
      job: {
        jobId: 'job-1', jobName: part.jobName, status, terminal: true, polls: 3, waitSeconds: 0, importedUsers: 1, skippedUsers: 1, failedUsers: 0,
        completionMessage: TOO_MANY_FAILED_OR_SKIPPED,
      },
    }];
    const input: PlanFallbackInput = {
      action: 'planFallback', source, executionName, lookup: sampled, parts: results,
      validation: { outcome: 'Valid', workPrefix: prefix, parts: [part], validationKey: `${prefix}validation.json`, rows: 5, rejectedRows: 0 },
    };
    return { env, part, input };
  }

  test('writes the skipped row and the rows without result as a part numbered after the file\'s, and starts the full lookup', async () => {
    const { env, part, input } = setUp();
    const plan = await planFallback(env.deps, config(), input);
    expect(plan.retry).toBe(true);
    const [again] = plan.validation!.parts;
    expect(plan.validation!.parts).toHaveLength(1);
    // Its own job name (part 2 of the execution): never the failed job's.
    expect(again).toMatchObject({ partNumber: 2, partCount: 2, rows: 4, jobName: jobNameFor(source.key, 2, executionToken(executionName)) });
    expect(again.jobName).not.toBe(part.jobName);
    expect(env.store.text(BUCKET, again.key)).toBe(csvOf([2, 3, 4, 5].map((n) => user(n))));
    expect(JSON.parse(env.store.text(BUCKET, again.lineMapKey)!)).toEqual([1, 3, 4, 5, 6]);
    // The full lookup: no sample again; the sample's requests and invocation carried over.
    const fallback = { failedJobIds: ['job-1'], reason: 'existing-users-skipped', rows: 4 };
    expect(plan.lookup).toEqual({ done: false, fallback, sample: sampled.sample, invocations: 1, requests: 3 });
    // validation.json: the new parts (a report written now counts each row once), and the first attempt.
    const file = JSON.parse(env.store.text(BUCKET, `${input.validation.validationKey}`)!) as ValidationSummary;
    expect(file.parts).toEqual(plan.validation!.parts);
    expect(file.fallback).toEqual({ ...fallback, results: input.parts });
    // Idempotent: a retried step gives the same plan.
    expect(await planFallback(env.deps, config(), input)).toEqual(plan);
  });

  test('a report written right after the plan (an error before the new job) counts every row once', async () => {
    const { env, input } = setUp();
    const plan = await planFallback(env.deps, config(), input);
    const state = { source, validation: plan.validation!, parts: input.parts, error: { Error: 'States.TaskFailed', Cause: 'lookup failed' } };
    const out = (await runStep(env.deps, config(), { action: 'report', executionName, startedAt: 't', state })) as ReportOutput;
    // The failed job's one imported row stays imported; its 4 others never reached a new job: not imported.
    expect(out.totals).toEqual({ rows: 5, imported: 1, skipped: 0, failed: 4, rejected: 0 });
    const doc = JSON.parse(env.store.text(BUCKET, out.reportKey)!);
    expect(doc.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['job-1']);
    expect(doc.users.map((u: { line: number; outcome: string }) => [u.line, u.outcome])).toEqual([[3, 'FAILED'], [4, 'FAILED'], [5, 'FAILED'], [6, 'FAILED']]);
  });

  test('no fallback after the full lookup, nor for a job that succeeded', async () => {
    const full = setUp();
    expect(await planFallback(full.env.deps, config(), { ...full.input, lookup: { ...sampled, mode: 'get' } })).toEqual({ retry: false });
    const ok = setUp('Succeeded');
    expect(await planFallback(ok.env.deps, config(), ok.input)).toEqual({ retry: false });
    expect(JSON.parse(ok.env.store.text(BUCKET, `${prefix}validation.json`)!).fallback).toBeUndefined();
  });
});
