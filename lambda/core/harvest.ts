import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { HarvestInput, HarvestOutput } from '../shared/contract';
import { mapCognitoError } from './cognito-errors';
import { readCognitoField, readCognitoFields } from './cognito-dialect';
import type { EngineConfig, EngineDeps } from './deps';
import { errorName, isThrottle, throttled } from './errors';
import { readTextLineBatches } from './line-reader';
import { logGroupName, logStreamName, parseLogResult } from './log-results';
import { USERNAME_COLUMN } from './pool-rules';
import { HarvestSummary, resultsKey, resultsSummaryKey, UserOutcome } from './work-files';

interface Outcome { outcome: 'SKIPPED' | 'FAILED'; message: string }

/**
 * The harvest step: reads the job's CloudWatch results, keeps the SKIPPED and FAILED ones and
 * maps each part line back to the dropped file's physical line (line map) and its username (read
 * back from the part itself: Cognito's log lines carry no user data).
 */
export async function harvest(deps: EngineDeps, config: EngineConfig, input: HarvestInput): Promise<HarvestOutput> {
  const { part, job } = input;
  const poolName = await readPoolName(deps, config);
  const lineMap = JSON.parse((await deps.store.getText(config.bucket, part.lineMapKey)) ?? '[]') as number[];

  // Part line → outcome for users that did not import; a bitmap of which part lines have any result.
  const notImported = new Map<number, Outcome>();
  const hasResult = new Uint8Array(part.rows + 2);
  const messages = new Map<string, string>(); // interned: thousands of users share a few messages
  let succeeded = 0, skipped = 0, failed = 0;
  let logGroupFound = true;
  let token: string | undefined;
  try {
    for (;;) {
      const out = await deps.logs.send(new GetLogEventsCommand({
        logGroupName: logGroupName(config.userPoolId, poolName),
        logStreamName: logStreamName(job.jobId, job.jobName),
        startFromHead: true,
        nextToken: token,
      }));
      for (const event of out.events ?? []) {
        const r = parseLogResult(event.message ?? '');
        if (!r) continue;
        if (r.line < hasResult.length) hasResult[r.line] = 1;
        if (r.outcome === 'SUCCEEDED') { succeeded += 1; continue; }
        if (r.outcome === 'SKIPPED') skipped += 1; else failed += 1;
        let message = messages.get(r.message);
        if (message === undefined) { message = r.message; messages.set(message, message); }
        notImported.set(r.line, { outcome: r.outcome, message });
      }
      // GetLogEvents returns the same forward token once the end of the stream is reached.
      if (!out.nextForwardToken || out.nextForwardToken === token || (out.events ?? []).length === 0) break;
      token = out.nextForwardToken;
    }
  } catch (err) {
    if (isThrottle(err)) throw throttled('GetLogEvents: CloudWatch Logs throttled the request');
    if (errorName(err) !== 'ResourceNotFoundException') throw err;
    logGroupFound = false;
    deps.log.warn('no CloudWatch results for the job', { jobId: job.jobId });
  }

  // Walk the part once, in order: usernames for the users that did not import, lines with no result.
  const usersKey = resultsKey(part, job.jobId);
  const usersOut = deps.store.writer(config.bucket, usersKey, 'application/x-ndjson');
  const unprocessedLines: number[] = [];
  const collectUnprocessed = job.status !== 'Succeeded' && logGroupFound;
  let usernameAt = -1;
  const object = await deps.store.open(config.bucket, part.key);
  for await (const batch of readTextLineBatches(object.body)) {
    for (const { number, text } of batch) {
      if (number === 1) {
        // The part is read the way Cognito reads it (the way it was written): never as RFC CSV.
        usernameAt = readCognitoFields(text).indexOf(USERNAME_COLUMN);
        continue;
      }
      const sourceLine = lineMap[number - 1] ?? number;
      const outcome = notImported.get(number);
      if (outcome) {
        const username = usernameAt >= 0 ? readCognitoField(text, usernameAt) ?? '' : '';
        const entry: UserOutcome = { line: sourceLine, username, outcome: outcome.outcome, message: outcome.message };
        await usersOut.write(Buffer.from(JSON.stringify(entry) + '\n'));
      } else if (collectUnprocessed && !hasResult[number]) {
        unprocessedLines.push(sourceLine);
      }
    }
  }
  await usersOut.end();

  const summary: HarvestSummary = {
    partNumber: part.partNumber, jobId: job.jobId, succeeded, skipped, failed, unprocessedLines, usersKey, logGroupFound,
  };
  const key = resultsSummaryKey(part, job.jobId);
  await deps.store.putText(config.bucket, key, JSON.stringify(summary));
  deps.log.info('harvested job results', {
    jobId: job.jobId, partNumber: part.partNumber, succeeded, skipped, failed, unprocessed: unprocessedLines.length,
  });
  return { partNumber: part.partNumber, job, resultsKey: key };
}

async function readPoolName(deps: EngineDeps, config: EngineConfig): Promise<string> {
  try {
    const out = await deps.cognito.send(new DescribeUserPoolCommand({ UserPoolId: config.userPoolId }));
    return out.UserPool?.Name ?? '';
  } catch (err) {
    throw mapCognitoError(err, 'DescribeUserPool');
  }
}
