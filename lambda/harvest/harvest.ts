import { DescribeUserImportJobCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { HarvestInput, HarvestOutput } from '../shared/steps';
import { mapCognitoError } from '../job/cognito-errors';
import { readCognitoField, readCognitoFields } from '../csv/cognito-dialect';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { FAILED, readJobResults, SKIPPED, SUCCEEDED } from './harvest-log';
import { readTextLineBatches } from '../csv/line-reader';
import { decideFromLowestLine, decideFromPool, decideFromRange, evidenceLines, lineOffset, NumberingDecision } from './line-numbering';
import { logGroupName, logStreamName } from './log-results';
import { USERNAME_COLUMN } from '../validate/pool-rules';
import { HarvestSummary, resultsKey, resultsSummaryKey, UserOutcome } from '../runtime/work-files';

/** Said in users[] for a row Cognito gave no result for (counted as failed: re-drop it from failed.csv). */
export const UNKNOWN_FATE_MESSAGE = 'Unknown fate: Cognito logged no result for this row (the job ended before it, or its log is incomplete); counted as failed, re-drop it.';

/**
 * The harvest step: reads every page of the job's CloudWatch results (waiting, bounded, for late lines),
 * decides how Cognito numbered them (see line-numbering.ts), and maps each part line back to the dropped
 * file's physical line (line map) and its username (read back from the part itself: Cognito's log lines carry
 * no user data). Every row of the part ends as exactly one of SUCCEEDED / SKIPPED / FAILED / no result
 * (written as FAILED with unknownFate), so the report's totals add up.
 */
export async function harvest(deps: EngineDeps, config: EngineConfig, input: HarvestInput): Promise<HarvestOutput> {
  const { part, job } = input;
  const poolName = await readPoolName(deps, config);
  const lineMap = JSON.parse((await deps.store.getText(config.bucket, part.lineMapKey)) ?? '[]') as number[];

  const results = await readJobResults(deps, {
    group: logGroupName(config.userPoolId, poolName),
    stream: logStreamName(job.jobId, job.jobName),
    rows: part.rows,
    expected: { imported: job.importedUsers ?? 0, skipped: job.skippedUsers ?? 0, failed: job.failedUsers ?? 0 },
  });
  if (!results.logGroupFound) deps.log.warn('no CloudWatch results for the job', { jobId: job.jobId });
  else if (!results.complete) deps.log.warn('the job\'s log holds fewer result lines than it counted', { jobId: job.jobId, waitedMs: results.waitedMs });

  const decision = await decideNumbering(deps, config, input, results);
  const offset = lineOffset(decision.numbering);
  // When the job counted every row and every SKIPPED/FAILED line is in the log, a row without a line was
  // imported (only its SUCCEEDED line is missing, e.g. no log at all for a clean job).
  const imported = job.importedUsers ?? 0, notImported = (job.skippedUsers ?? 0) + (job.failedUsers ?? 0);
  const inferImported = imported + notImported === part.rows && results.counted.skipped + results.counted.failed - results.outOfRange >= notImported;

  // Walk the part once, in order: usernames for the users that did not import, and rows with no result.
  const usersKey = resultsKey(part, job.jobId);
  const usersOut = deps.store.writer(config.bucket, usersKey, 'application/x-ndjson');
  const unprocessedLines: number[] = [];
  let succeeded = 0, skipped = 0, failed = 0;
  let usernameAt = -1;
  const object = await deps.store.open(config.bucket, part.key);
  for await (const batch of readTextLineBatches(object.body)) {
    for (const { number, text } of batch) {
      if (number === 1) {
        // The part is read the way Cognito reads it (the way it was written): never as RFC CSV.
        usernameAt = readCognitoFields(text).indexOf(USERNAME_COLUMN);
        continue;
      }
      if (number > part.rows + 1) continue;
      const n = number - offset;
      const code = results.codes[n];
      if (code === SUCCEEDED || (inferImported && code !== SKIPPED && code !== FAILED)) { succeeded += 1; continue; }
      const sourceLine = lineMap[number - 1] ?? number;
      const username = usernameAt >= 0 ? readCognitoField(text, usernameAt) ?? '' : '';
      let entry: UserOutcome;
      if (code === SKIPPED || code === FAILED) {
        if (code === SKIPPED) skipped += 1; else failed += 1;
        entry = { line: sourceLine, username, outcome: code === SKIPPED ? 'SKIPPED' : 'FAILED', message: results.messages.get(n) ?? '' };
      } else {
        unprocessedLines.push(sourceLine);
        entry = { line: sourceLine, username, outcome: 'FAILED', message: UNKNOWN_FATE_MESSAGE, unknownFate: true };
      }
      await usersOut.write(Buffer.from(JSON.stringify(entry) + '\n'));
    }
  }
  await usersOut.end();

  const summary: HarvestSummary = {
    partNumber: part.partNumber, jobId: job.jobId, succeeded, skipped, failed, unprocessedLines, usersKey,
    logGroupFound: results.logGroupFound, withoutResult: unprocessedLines.length,
    lineNumbering: { numbering: decision.numbering, decidedBy: decision.decidedBy, detail: decision.detail },
  };
  const key = resultsSummaryKey(part, job.jobId);
  await deps.store.putText(config.bucket, key, JSON.stringify(summary));
  deps.log.info('harvested job results', {
    jobId: job.jobId, partNumber: part.partNumber, succeeded, skipped, failed, withoutResult: unprocessedLines.length,
    numbering: decision.numbering, decidedBy: decision.decidedBy, pages: results.pages, waitedMs: results.waitedMs,
  });
  return { partNumber: part.partNumber, job, resultsKey: key };
}

/** Range first (certain), then the pool (read-only lookups of a few users), then the lowest line. */
async function decideNumbering(deps: EngineDeps, config: EngineConfig, input: HarvestInput, results: Awaited<ReturnType<typeof readJobResults>>): Promise<NumberingDecision> {
  const byRange = decideFromRange(results, input.part.rows);
  if (byRange) return byRange;
  const lines = evidenceLines(results);
  if (lines.length > 0) {
    const wanted = new Set<number>();
    for (const n of lines) { wanted.add(n); wanted.add(n + 1); }
    const usernames = await usernamesAt(deps, config, input.part.key, wanted);
    const byPool = await decideFromPool(deps, config, results, lines, (l) => usernames.get(l), await jobStartDate(deps, config, input.job.jobId));
    if (byPool) return byPool;
  }
  return decideFromLowestLine(results);
}

/** The part's usernames at a few physical lines (evidence for the numbering). */
async function usernamesAt(deps: EngineDeps, config: EngineConfig, key: string, lines: Set<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const last = Math.max(...lines);
  let at = -1;
  const object = await deps.store.open(config.bucket, key);
  for await (const batch of readTextLineBatches(object.body)) {
    for (const { number, text } of batch) {
      if (number === 1) { at = readCognitoFields(text).indexOf(USERNAME_COLUMN); continue; }
      if (lines.has(number) && at >= 0) out.set(number, readCognitoField(text, at) ?? '');
    }
    if (batch.length && batch[batch.length - 1].number >= last) { object.body.destroy?.(); break; }
  }
  return out;
}

async function jobStartDate(deps: EngineDeps, config: EngineConfig, jobId: string): Promise<Date | undefined> {
  try {
    const out = await deps.cognito.send(new DescribeUserImportJobCommand({ UserPoolId: config.userPoolId, JobId: jobId }));
    const d = out.UserImportJob?.StartDate;
    return d ? new Date(d) : undefined;
  } catch (err) {
    throw mapCognitoError(err, 'DescribeUserImportJob');
  }
}

async function readPoolName(deps: EngineDeps, config: EngineConfig): Promise<string> {
  try {
    const out = await deps.cognito.send(new DescribeUserPoolCommand({ UserPoolId: config.userPoolId }));
    return out.UserPool?.Name ?? '';
  } catch (err) {
    throw mapCognitoError(err, 'DescribeUserPool');
  }
}
