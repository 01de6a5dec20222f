import type { ImportReport, ReportOutput, ReportTotals } from '../shared/report';
import type { HarvestOutput, PassState, ReportInput, WorkflowState } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorMessage } from '../runtime/errors';
import { copySelectedLines } from './failed-csv';
import { readTextLineBatches } from '../csv/line-reader';
import { LineSet } from '../csv/line-set';
import type { ObjectWriter } from '../runtime/object-store';
import { reportKeysFor, versionReportKeys } from '../shared/report-keys';
import { readCognitoField, readCognitoFields } from '../csv/cognito-dialect';
import { USERNAME_COLUMN } from '../validate/pool-rules';
import { PartResult, PartWithoutResult, reconcile } from './reconcile';
import { promoteIfNewest, versionName } from './newest-report';
import { openSource, sourceProblem, USER_ROWS_TAG } from './source-object';
import { ExistingSummary, FallbackSummary, HarvestSummary, RejectedEntry, UserOutcome, ValidationSummary } from '../runtime/work-files';

/** The tag the bucket's lifecycle expires failed rows by (they hold personal data). */
const USER_ROWS_TAGGING = `${encodeURIComponent(USER_ROWS_TAG.key)}=${encodeURIComponent(USER_ROWS_TAG.value)}`;
const FIRST_REASONS = 5;

type Status = ReportOutput['status'];
type JobEntry = ImportReport['jobs'][number];

/**
 * Report status (docs/csv-and-report.md#report-keys): Rejected when the file was not importable; Failed
 * on an unexpected error or when jobs failed and nothing was imported; Succeeded only when every row imported.
 */
export function decideStatus(args: {
  error: boolean; validation?: Pick<ValidationSummary, 'outcome' | 'parts'>; jobs: JobEntry[]; harvestedParts: number; totals: ReportTotals;
}): Status {
  const { error, validation, jobs, harvestedParts, totals } = args;
  // On an error the counts are still Cognito's (reconciled), but the file's import did not end as planned.
  if (error || !validation) return 'Failed';
  if (validation.outcome !== 'Valid') return 'Rejected';
  const incomplete = harvestedParts < validation.parts.length || jobs.some((j) => j.status !== 'Succeeded');
  if (incomplete && totals.imported === 0) return 'Failed';
  if (!incomplete && totals.skipped + totals.failed + totals.rejected + (totals.updateFailed ?? 0) === 0) return 'Succeeded';
  return 'PartiallySucceeded';
}

/** Step Functions' `{Error, Cause}` as one line with no user data (the Cause may quote SDK messages). */
export function describeError(error: WorkflowState['error']): string | undefined {
  if (!error) return undefined;
  let cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (parsed && typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
  } catch { /* not JSON: keep the text */ }
  cause = scrub(cause).split('\n')[0].slice(0, 500);
  return cause ? `${error.Error ?? 'Error'}: ${cause}` : (error.Error ?? 'Error');
}

/**
 * Removes anything that looks like an email, phone number or URL (pre-signed URLs carry
 * credentials), and every quoted text: AWS validation messages quote the offending value
 * ("Value 'Ada Lovelace' at 'userAttributes.1.member.value' failed to satisfy constraint").
 */
export function scrub(text: string): string {
  return text
    .replace(/https?:\/\/\S+/g, '<url>')
    .replace(/'[^']*'|"[^"]*"/g, (q) => `${q[0]}…${q[0]}`)
    .replace(/[^\s@,;"'<>]+@[^\s@,;"'<>]+/g, '<email>')
    .replace(/\+?\d[\d\s().-]{6,}\d/g, '<number>');
}

/** The report step: always writes exactly one report, whatever state the workflow reached. */
export async function report(deps: EngineDeps, config: EngineConfig, input: ReportInput): Promise<ReportOutput> {
  const { state } = input;
  const source = state.source;
  const validation = state.validation?.validationKey
    ? await readJson<ValidationSummary>(deps, config, state.validation.validationKey)
    : undefined;
  // Every part matched with what Cognito did, whichever steps ran (reconcile.ts).
  const { results: harvested, without } = validation?.outcome === 'Valid'
    ? await reconcile(deps, config, validation.parts, state.parts ?? [])
    : { results: [] as { out: HarvestOutput; summary?: HarvestSummary }[], without: [] as PartWithoutResult[] };

  // A file whose sample-mode lookup fell back (lambda/users/sample-fallback.ts): the first attempt's jobs are
  // listed as Cognito ended them, but of the failed ones only the rows they imported count; their other rows
  // are the retry's (validation.parts), so every row is counted once.
  const earlier = validation?.outcome === 'Valid' ? await firstAttempt(deps, config, validation) : [];
  const retriedJobs = new Set(validation?.fallback?.failedJobIds ?? []);
  const all: PartResult[] = [...earlier, ...harvested];
  const counted = all.filter(({ out }) => !retriedJobs.has(out.job.jobId));
  const retriedImported = all.filter(({ out }) => retriedJobs.has(out.job.jobId)).reduce((n, { summary }) => n + (summary?.succeeded ?? 0), 0);

  const jobs: JobEntry[] = all.map(({ out }) => {
    const j: JobEntry = {
      jobId: out.job.jobId, jobName: out.job.jobName, status: out.job.status,
      importedUsers: out.job.importedUsers ?? 0, skippedUsers: out.job.skippedUsers ?? 0, failedUsers: out.job.failedUsers ?? 0,
    };
    if (out.job.completionMessage) j.completionMessage = out.job.completionMessage;
    return j;
  });
  all.forEach(({ summary }, i) => {
    if (summary?.lineNumbering) {
      jobs[i].resultLineNumbers = summary.lineNumbering.numbering;
      jobs[i].lineNumbersDecidedBy = `${summary.lineNumbering.decidedBy}: ${summary.lineNumbering.detail}`;
    }
    if (summary?.withoutResult) jobs[i].rowsWithoutResult = summary.withoutResult;
  });
  for (const w of without) {
    if (w.job && !jobs.some((j) => j.jobId === w.job!.jobId)) jobs.push({ ...w.job, importedUsers: 0, skippedUsers: 0, failedUsers: 0 });
  }
  const rows = validation?.rows ?? state.validation?.rows ?? 0;
  const rejected = validation ? validation.rejectedRows : (state.validation?.rejectedRows ?? 0);
  // Users found to exist before the upload were never sent to Cognito: skipped here, not by a job.
  const existingSkipped = validation?.existing?.outcomesKey ? validation.existing.rows : 0;
  const update = (state as { update?: PassState }).update;
  const groups = (state as { groups?: PassState }).groups;
  const countedJobs = jobs.filter((j) => !retriedJobs.has(j.jobId));
  const fates: ReportTotals = rowTotals(validation, counted.map((h) => h.summary), without, rows, rejected)
    ?? { rows, imported: sum(countedJobs, 'importedUsers'), skipped: sum(countedJobs, 'skippedUsers'), failed: sum(countedJobs, 'failedUsers'), rejected };
  const totals: ReportTotals = {
    ...fates,
    imported: fates.imported + retriedImported,
    skipped: fates.skipped + existingSkipped,
    ...(update ? { updated: update.succeeded ?? 0, updateFailed: update.failed ?? 0 } : {}),
  };
  const errorText = describeError(state.error);
  // A failed job whose rows were retried does not make the file incomplete: the retry decides.
  const status = decideStatus({ error: !!state.error, validation, jobs: countedJobs, harvestedParts: harvested.length, totals });

  // Lines to put in failed.csv: rejected rows, FAILED users, and rows no job got to.
  const toRedrop = new LineSet(validation?.physicalLines ?? 1024);
  // Every line some entry of users[] names, and every row of a part no job finished: not imported.
  const notImported = new LineSet(validation?.physicalLines ?? 1024);
  if (!validation || validation.outcome === 'Rejected') toRedrop.addAll();
  const firstReasons: string[] = errorText ? [errorText] : [];
  const reason = (line: number, message: string) => { if (firstReasons.length < FIRST_REASONS) firstReasons.push(`line ${line}: ${message}`); };

  // Each version's own report; the one at the dropped key's report key is the newest version's (below).
  const keys = reportKeysFor(config.reportPrefix, source.key);
  const own = versionReportKeys(keys, versionName(source, input.executionName));
  const reportKey = own.reportKey;
  const out = deps.store.writer(config.bucket, reportKey, 'application/json');
  const completedAt = deps.now().toISOString();
  const head = {
    reportVersion: 1, source, eventId: input.executionName, status, startedAt: input.startedAt, completedAt, jobs, totals, fixes: validation?.fixes ?? {},
    ...(validation?.existing ? { lookup: lookupNote(validation.existing, validation.fallback) } : {}),
    ...(errorText ? { error: errorText } : {}),
  };
  const headJson = JSON.stringify(head);
  await out.write(Buffer.from(headJson.slice(0, -1) + ',"rejected":['));
  let first = true;
  const entry = async (obj: unknown) => {
    await out.write(Buffer.from((first ? '' : ',') + JSON.stringify(obj)));
    first = false;
  };
  if (validation) {
    await eachJsonLine<RejectedEntry>(deps, config, validation.rejectedKey, async (e) => {
      toRedrop.add(e.line);
      reason(e.line, e.message);
      await entry(e);
    });
  }
  await out.write(Buffer.from('],"users":['));
  first = true;
  if (validation?.existing?.outcomesKey) {
    await eachJsonLine<UserOutcome>(deps, config, validation.existing.outcomesKey, async (u) => { notImported.add(u.line); await entry(u); });
  }
  for (const key of update?.chunks ?? []) {
    await eachJsonLine<UserOutcome>(deps, config, key, async (u) => {
      if (u.outcome === 'UPDATE_FAILED') { toRedrop.add(u.line); reason(u.line, u.message); }
      notImported.add(u.line);
      await entry(u);
    });
  }
  for (const { summary } of counted) {
    if (!summary) continue;
    await eachJsonLine<UserOutcome>(deps, config, summary.usersKey, async (u) => {
      if (u.outcome === 'FAILED') toRedrop.add(u.line);
      notImported.add(u.line);
      reason(u.line, u.message);
      await entry(u);
    });
    for (const line of summary.unprocessedLines ?? []) { toRedrop.add(line); notImported.add(line); }
  }
  // Every row of a part with no results, with its line and why: not imported, or its fate unknown.
  for (const w of without) {
    await eachPartRow(deps, config, w.part, async (line, username) => {
      notImported.add(line);
      if (!w.unknown) toRedrop.add(line);
      reason(line, w.reason);
      await entry(w.unknown
        ? { line, username, outcome: 'UNKNOWN', message: w.reason, unknownFate: true }
        : { line, username, outcome: 'FAILED', message: w.reason });
    });
  }
  if (groups) {
    // Memberships added after the import, and each one that could not be (no user data: names only).
    await out.write(Buffer.from(`],"groups":{"added":${groups.succeeded ?? 0},"failed":[`));
    first = true;
    for (const key of groups.chunks ?? []) await eachJsonLine<unknown>(deps, config, key, entry);
    await out.write(Buffer.from(']}'));
  } else {
    await out.write(Buffer.from(']'));
  }

  // The report names where the rows to fix are (a separate grant reads them; they expire).
  const failedCsvKey = toRedrop.isEmpty ? undefined : await writeFailedCsv(deps, config, source, toRedrop, own.failedRowsKey);
  const failedRowsUri = failedCsvKey ? `s3://${config.bucket}/${failedCsvKey}` : undefined;
  if (validation?.outcome === 'Valid') {
    const passwords = await passwordCounts(deps, config, validation, notImported, totals.imported);
    await out.write(Buffer.from(`,"passwords":${JSON.stringify(passwords)}`));
  }
  await out.write(Buffer.from(failedRowsUri ? `,${JSON.stringify('failedRowsUri')}:${JSON.stringify(failedRowsUri)}}` : '}'));
  await out.end();
  const newest = await promoteIfNewest(deps, config, keys.reportKey, reportKey, { source, startedAt: input.startedAt });

  const result: ReportOutput = {
    status,
    reportUri: `s3://${config.bucket}/${reportKey}`,
    reportKey,
    eventId: input.executionName,
    ...(failedCsvKey ? { failedCsvKey } : {}),
    jobIds: jobs.map((j) => j.jobId),
    totals,
    firstReasons,
  };
  deps.log.info('report written', { key: source.key, reportKey, newest, status, totals, jobIds: result.jobIds });
  return result;
}

async function writeFailedCsv(deps: EngineDeps, config: EngineConfig, source: WorkflowState['source'], lines: LineSet, key: string) {
  // A source the worker refused (not its own, unpinned, too long a key, too big) is never read.
  if (sourceProblem(config, source)) return undefined;
  let writer: ObjectWriter | undefined;
  try {
    const object = await openSource(deps, config, source);
    writer = deps.store.writer(config.bucket, key, 'text/csv', { tagging: USER_ROWS_TAGGING });
    await copySelectedLines(object.body, (n) => lines.has(n), writer);
    await writer.end();
    return key;
  } catch (err) {
    // The report matters more than the convenience file: never fail the report for it.
    await writer?.abort();
    deps.log.warn('could not write the failed rows file', { key: source.key, error: scrub(errorMessage(err)).slice(0, 200) });
    return undefined;
  }
}

async function readJson<T>(deps: EngineDeps, config: EngineConfig, key: string): Promise<T | undefined> {
  try {
    const text = await deps.store.getText(config.bucket, key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch (err) {
    deps.log.warn('could not read a work file', { workKey: key, error: scrub(errorMessage(err)).slice(0, 200) });
    return undefined;
  }
}

async function eachJsonLine<T>(deps: EngineDeps, config: EngineConfig, key: string, fn: (v: T) => Promise<void>) {
  let object;
  try {
    object = await deps.store.open(config.bucket, key);
  } catch {
    return;
  }
  for await (const batch of readTextLineBatches(object.body)) {
    for (const { text } of batch) if (text.length > 0) await fn(JSON.parse(text) as T);
  }
}

/**
 * How the imported users sign in first: those whose row carried a hash are CONFIRMED (they sign in with
 * their password), the rest must reset it (RESET_REQUIRED). A hashed row is counted confirmed only when it
 * was imported: not named in users[] (skipped, failed, fate unknown, existing) and not in an unfinished part.
 */
async function passwordCounts(deps: EngineDeps, config: EngineConfig, validation: ValidationSummary, notImported: LineSet, imported: number) {
  let confirmed = 0;
  if (validation.hashedLinesKey && validation.hashedRows) {
    await eachJsonLine<number>(deps, config, validation.hashedLinesKey, async (line) => { if (!notImported.has(line)) confirmed += 1; });
  }
  confirmed = Math.min(confirmed, imported);
  return { ...(config.passwordHashingAlgorithm ? { algorithm: config.passwordHashingAlgorithm } : {}), confirmed, resetRequired: imported - confirmed };
}

/** How the users that already exist were found, and what it cost (requests to Cognito, workflow steps). */
function lookupNote(e: ExistingSummary, f: FallbackSummary | undefined) {
  return {
    method: e.mode === 'scan' ? 'ListUsers' : 'AdminGetUser', poolSizeEstimate: e.poolSizeEstimate, requests: e.requests, steps: e.invocations, existing: e.rows,
    ...(e.sample ? { sample: e.sample } : {}),
    ...(f ? { fallback: { failedJobIds: f.failedJobIds, reason: f.reason, rows: f.rows } } : {}),
  } as const;
}

/** The first attempt's results of a file whose lookup fell back (validation.fallback), each with its summary. */
async function firstAttempt(deps: EngineDeps, config: EngineConfig, validation: ValidationSummary): Promise<PartResult[]> {
  const out: PartResult[] = [];
  for (const r of validation.fallback?.results ?? []) out.push({ out: r, summary: await readJson<HarvestSummary>(deps, config, r.resultsKey) });
  return out;
}

/**
 * Totals from the rows' own fates (harvest gives each row of a part exactly one), so that imported + skipped +
 * failed + rejected (+ unknownFate) = rows: rows with no result line from Cognito, and rows of parts whose job
 * never started, count as failed; rows of parts whose job's outcome cannot be known count as unknownFate.
 * Undefined when a part's summary predates per-row fates (the job counters are used then).
 */
function rowTotals(
  validation: ValidationSummary | undefined, summaries: Array<HarvestSummary | undefined>, without: PartWithoutResult[], rows: number, rejected: number,
): ReportTotals | undefined {
  if (!validation || validation.outcome !== 'Valid' || summaries.some((s) => s?.withoutResult === undefined)) return undefined;
  const unknownFate = without.filter((w) => w.unknown).reduce((n, w) => n + w.part.rows, 0);
  let imported = 0, skipped = 0, failed = without.filter((w) => !w.unknown).reduce((n, w) => n + w.part.rows, 0);
  for (const s of summaries) { imported += s!.succeeded; skipped += s!.skipped; failed += s!.failed + s!.withoutResult!; }
  return { rows, imported, skipped, failed, rejected, ...(unknownFate ? { unknownFate } : {}) };
}

/** Each data row of a part: its source line (the part's line map) and its username (read as Cognito reads it). */
async function eachPartRow(deps: EngineDeps, config: EngineConfig, part: PartWithoutResult['part'], fn: (line: number, username: string) => Promise<void>) {
  const lineMap = (await readJson<number[]>(deps, config, part.lineMapKey)) ?? [];
  let object;
  try {
    object = await deps.store.open(config.bucket, part.key);
  } catch {
    // The part itself is gone (expired work files): the lines are still known.
    for (let n = 2; n <= part.rows + 1; n++) await fn(lineMap[n - 1] ?? n, '');
    return;
  }
  let at = -1;
  for await (const batch of readTextLineBatches(object.body)) {
    for (const { number, text } of batch) {
      if (number === 1) { at = readCognitoFields(text).indexOf(USERNAME_COLUMN); continue; }
      if (number > part.rows + 1) continue;
      await fn(lineMap[number - 1] ?? number, at >= 0 ? readCognitoField(text, at) ?? '' : '');
    }
  }
}

function sum(jobs: JobEntry[], field: 'importedUsers' | 'skippedUsers' | 'failedUsers'): number {
  return jobs.reduce((n, j) => n + (j[field] ?? 0), 0);
}
