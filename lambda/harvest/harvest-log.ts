import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { EngineDeps } from '../runtime/deps';
import { errorName, isThrottle, throttled } from '../runtime/errors';
import { parseLogResult } from './log-results';

/** Outcome codes per log line number (one byte each: a part's rows fit in memory as a Uint8Array). */
export const NONE = 0, SUCCEEDED = 1, SKIPPED = 2, FAILED = 3;
const CODE = { SUCCEEDED, SKIPPED, FAILED } as const;

/** How long harvest waits, at most, for result lines Cognito counted but CloudWatch does not show yet. */
export const MAX_LOG_WAIT_MS = 5 * 60_000;
const FIRST_LOG_WAIT_MS = 1000;
const MAX_LOG_PAUSE_MS = 15_000;

/** A job's result lines as Cognito numbered them (`Line Number N`), before mapping them to the part. */
export interface JobResults {
  /** codes[N] for N in 0..rows+1 (both numberings fit); NONE where there is no line. */
  readonly codes: Uint8Array;
  /** N → message, for SKIPPED and FAILED lines (interned: many users share a few messages). */
  readonly messages: Map<number, string>;
  /** Result lines read, by outcome (including any out of range). */
  readonly counted: { succeeded: number; skipped: number; failed: number };
  /** Result lines whose N cannot be a row of this part under either numbering. */
  readonly outOfRange: number;
  readonly logGroupFound: boolean;
  /** The log held as many lines as the job counted (within MAX_LOG_WAIT_MS). */
  readonly complete: boolean;
  readonly pages: number;
  readonly waitedMs: number;
}

export interface ReadResultsArgs {
  readonly group: string;
  readonly stream: string;
  /** Data rows of the part. */
  readonly rows: number;
  /** What the job counted: harvest waits until the log holds as many result lines. */
  readonly expected: { imported: number; skipped: number; failed: number };
  readonly maxWaitMs?: number;
}

/**
 * Reads every GetLogEvents page from the head. Empty pages do not mean the end (AWS documents it): only a
 * forward token equal to the one sent does. Lines may appear some time after the job ended, so while the
 * log holds fewer lines than the job counted, it waits (backing off, bounded) and reads on from the same token.
 */
export async function readJobResults(deps: EngineDeps, args: ReadResultsArgs): Promise<JobResults> {
  const codes = new Uint8Array(args.rows + 2);
  const messages = new Map<number, string>();
  const interned = new Map<string, string>();
  const counted = { succeeded: 0, skipped: 0, failed: 0 };
  const want = args.expected.imported + args.expected.skipped + args.expected.failed;
  const wantNotImported = args.expected.skipped + args.expected.failed;
  const maxWait = args.maxWaitMs ?? MAX_LOG_WAIT_MS;
  let outOfRange = 0;
  let token: string | undefined;
  let pages = 0;
  let waited = 0;
  let pause = FIRST_LOG_WAIT_MS;
  let found = false;
  for (;;) {
    let atEnd = false;
    try {
      const out = await deps.logs.send(new GetLogEventsCommand({
        logGroupName: args.group, logStreamName: args.stream, startFromHead: true, nextToken: token,
      }));
      found = true;
      pages += 1;
      for (const event of out.events ?? []) {
        const r = parseLogResult(event.message ?? '');
        if (!r) continue;
        if (r.outcome === 'SUCCEEDED') counted.succeeded += 1; else if (r.outcome === 'SKIPPED') counted.skipped += 1; else counted.failed += 1;
        if (r.line < 1 || r.line >= codes.length) { outOfRange += 1; continue; }
        codes[r.line] = CODE[r.outcome];
        if (r.outcome !== 'SUCCEEDED') {
          let m = interned.get(r.message);
          if (m === undefined) { m = r.message; interned.set(m, m); }
          messages.set(r.line, m);
        }
      }
      atEnd = !out.nextForwardToken || out.nextForwardToken === token;
      if (out.nextForwardToken) token = out.nextForwardToken;
    } catch (err) {
      if (isThrottle(err)) throw throttled('GetLogEvents: CloudWatch Logs throttled the request', err);
      if (errorName(err) !== 'ResourceNotFoundException') throw err;
      atEnd = true; // the group or stream may not exist yet: Cognito writes them when it logs
    }
    if (!atEnd) continue;
    const have = counted.succeeded + counted.skipped + counted.failed;
    const complete = have >= want && counted.skipped + counted.failed >= wantNotImported;
    if (complete || waited >= maxWait) {
      return { codes, messages, counted, outOfRange, logGroupFound: found, complete, pages, waitedMs: waited };
    }
    const ms = Math.min(pause, maxWait - waited);
    await deps.sleep(ms);
    waited += ms;
    pause = Math.min(pause * 2, MAX_LOG_PAUSE_MS);
  }
}
