/**
 * The sample's fallback. A clean sample (lookup-sample.ts) skips the full lookup, and Cognito skips the few
 * existing users it meets; but Cognito fails a whole job when too many of its users fail or are skipped, at
 * an undocumented threshold that may be as low as one user. When that happens, the rows the failed job did
 * not import (SKIPPED, FAILED, or with no result) are written as new parts and the workflow runs the full
 * lookup on them, then imports those still absent in a new job: the file ends as if the full lookup had run
 * from the start. At most once per file: the full lookup that follows never samples.
 */
import type { LookupFallback } from '../shared/report';
import type { DescribeOutput, FallbackPlan, HarvestOutput, LookupState, PlanFallbackInput } from '../shared/steps';
import { TOO_MANY_FAILED_OR_SKIPPED } from '../shared/job-status';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { executionToken, numberPartsFrom } from '../runtime/job-name';
import { fallbackPrefix, HarvestSummary, readJson, UserOutcome, validationKey, ValidationSummary } from '../runtime/work-files';
import { LineSet } from '../csv/line-set';
import { PartWriter } from '../csv/part-writer';
import { readPartRows } from '../csv/part-rows';
import { readTextLineBatches } from '../csv/line-reader';
import { ownResult } from '../report/reconcile';

/** One part's result as the decision sees it: the job as last described, and what harvest counted. */
export interface JobResult {
  readonly job: Pick<DescribeOutput, 'jobId' | 'status' | 'completionMessage'>;
  readonly summary?: Pick<HarvestSummary, 'skipped'>;
}

/**
 * Whether the file falls back, and which jobs' rows go again: only after a `sample` lookup (never after the
 * full one, so never twice), only jobs that ended Failed, and only those whose result lines hold SKIPPED
 * users (Cognito skips only existing usernames) or that Cognito failed with its "too many failed or
 * skipped" message (the lines may be incomplete). A job failed for another reason is not retried.
 */
export function decideFallback(lookup: LookupState, results: JobResult[]): Pick<LookupFallback, 'failedJobIds' | 'reason'> | undefined {
  if (lookup.mode !== 'sample' || lookup.fallback) return undefined;
  const failed = results.filter(({ job, summary }) => job.status === 'Failed'
    && ((summary?.skipped ?? 0) > 0 || job.completionMessage === TOO_MANY_FAILED_OR_SKIPPED));
  if (failed.length === 0) return undefined;
  return {
    failedJobIds: [...new Set(failed.map((r) => r.job.jobId))],
    reason: failed.some((r) => (r.summary?.skipped ?? 0) > 0) ? 'existing-users-skipped' : 'too-many-failed-or-skipped',
  };
}

/**
 * The planFallback step. With a fallback: writes the failed jobs' rows not imported as new parts (numbered
 * after the file's parts, so their jobs get names of their own), records the first attempt in
 * validation.json (the report counts the failed jobs' SUCCEEDED rows from it; `parts` becomes the new parts,
 * so a report written at any point counts every row once), and returns where the full lookup starts.
 * Idempotent: a retried step writes the same keys from the same input.
 */
export async function planFallback(deps: EngineDeps, config: EngineConfig, input: PlanFallbackInput): Promise<FallbackPlan> {
  const { validation, lookup } = input;
  if (lookup.mode !== 'sample' || lookup.fallback) return { retry: false };
  const matched: Array<{ part: (typeof validation.parts)[number]; out: HarvestOutput; summary?: HarvestSummary }> = [];
  for (const part of validation.parts) {
    const out = ownResult(part, input.parts ?? []);
    if (out) matched.push({ part, out, summary: await readJson<HarvestSummary>(deps, config, out.resultsKey) });
  }
  // Rows are known only from a harvested summary: a job without one is not retried.
  const decision = decideFallback(lookup, matched.filter((m) => m.summary).map((m) => ({ job: m.out.job, summary: m.summary })));
  if (!decision) return { retry: false };

  const summaryText = await deps.store.getText(config.bucket, validation.validationKey);
  if (summaryText === undefined) throw new Error(`work file ${validation.validationKey} is missing`);
  const file = JSON.parse(summaryText) as ValidationSummary;
  const prefix = validation.workPrefix;
  const token = executionToken(input.executionName);
  let writer: PartWriter | undefined;
  let rows = 0;
  for (const { part, out, summary } of matched) {
    if (!summary || !decision.failedJobIds.includes(out.job.jobId)) continue;
    // The rows the job did not import: every line harvest named (SKIPPED, FAILED, no result).
    const again = new LineSet(file.physicalLines);
    await eachJsonLine<UserOutcome>(deps, config, summary.usersKey, (u) => again.add(u.line));
    for (const line of summary.unprocessedLines ?? []) again.add(line);
    const { header, rows: partRows } = await readPartRows(deps, config, part);
    writer ??= new PartWriter({
      store: deps.store, bucket: config.bucket, workPrefix: fallbackPrefix(prefix), sourceKey: input.source.key,
      executionToken: token, headerLine: header.join(','), maxRows: config.maxRowsPerPart, maxBytes: config.maxBytesPerPart,
    });
    for await (const r of partRows) {
      if (!again.has(r.sourceLine)) continue;
      rows += 1;
      const pending = writer.add(r.text, r.sourceLine);
      if (pending) await pending;
    }
  }
  if (!writer || rows === 0) return { retry: false };
  const first = Math.max(...validation.parts.map((p) => p.partNumber)) + 1;
  const parts = numberPartsFrom(await writer.finish(), first, input.source.key, token);
  const fallback: LookupFallback = { ...decision, rows };
  const updated: ValidationSummary = { ...file, parts, fallback: { ...fallback, results: input.parts } };
  await deps.store.putText(config.bucket, validationKey(prefix), JSON.stringify(updated));
  deps.log.info('sample fallback: the full lookup runs on a failed job\'s rows', { failedJobs: fallback.failedJobIds.length, reason: fallback.reason, rows, parts: parts.length });
  return {
    retry: true,
    validation: { ...validation, parts },
    lookup: {
      done: false, fallback,
      ...(lookup.sample ? { sample: lookup.sample } : {}), invocations: lookup.invocations ?? 0, requests: lookup.requests ?? 0,
    },
  };
}

async function eachJsonLine<T>(deps: EngineDeps, config: EngineConfig, key: string, fn: (v: T) => void): Promise<void> {
  const object = await deps.store.open(config.bucket, key);
  for await (const batch of readTextLineBatches(object.body)) {
    for (const { text } of batch) if (text.length > 0) fn(JSON.parse(text) as T);
  }
}
