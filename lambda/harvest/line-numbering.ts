import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { ResultLineNumbers } from '../shared/report';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorName, isThrottle, throttled } from '../runtime/errors';
import { FAILED, JobResults, NONE, SKIPPED, SUCCEEDED } from './harvest-log';

/**
 * Which row Cognito's `Line Number N` names is not documented: N may count the header as line 1 (the row is
 * the part's physical line N) or the first user as line 1 (physical line N + 1). Harvest decides it per job
 * from evidence, never by assumption when evidence exists, and the report says how.
 */
export interface NumberingDecision {
  readonly numbering: ResultLineNumbers;
  readonly decidedBy: 'line-range' | 'pool-evidence' | 'lowest-line' | 'assumed';
  /** One sentence for the report (no user data). */
  readonly detail: string;
}

/** Part physical line = N + offset. */
export const lineOffset = (n: ResultLineNumbers) => (n === 'header-is-line-1' ? 0 : 1);

/**
 * Certain evidence from the numbers alone: a result for line 1 cannot be the header's, so the first user is
 * line 1; a result for line rows + 1 cannot exist when the first user is line 1.
 */
export function decideFromRange(results: JobResults, rows: number): NumberingDecision | undefined {
  if (results.codes[1] !== NONE) return { numbering: 'first-user-is-line-1', decidedBy: 'line-range', detail: 'a result names Line Number 1, which cannot be the header' };
  if (rows >= 1 && results.codes[rows + 1] !== NONE) {
    return { numbering: 'header-is-line-1', decidedBy: 'line-range', detail: `a result names Line Number ${rows + 1}, one past the part's ${rows} users` };
  }
  return undefined;
}

/** Up to `max` result lines where the two numberings point at users whose fates should differ. */
export function evidenceLines(results: JobResults, max = 16): number[] {
  const { codes } = results;
  const picked: number[] = [];
  // Boundaries first: a line whose neighbour has another outcome (or none) tells the numberings apart.
  for (let n = 2; n < codes.length - 1 && picked.length < max; n++) {
    if (codes[n] !== NONE && (codes[n + 1] !== codes[n] || codes[n - 1] !== codes[n])) picked.push(n);
  }
  return picked;
}

/**
 * Evidence from the pool, read-only (AdminGetUser): under the right numbering, a SUCCEEDED line names a user
 * that exists and was created once the job started; a SKIPPED line one that existed before; a FAILED line one
 * the job did not create. `usernameAt(partLine)` gives the part's username at a physical line.
 */
export async function decideFromPool(
  deps: EngineDeps, config: EngineConfig, results: JobResults, lines: number[],
  usernameAt: (partLine: number) => string | undefined, jobStartedAt: Date | undefined,
): Promise<NumberingDecision | undefined> {
  if (!jobStartedAt || lines.length === 0) return undefined;
  const started = jobStartedAt.getTime() - 1000; // one second of slack for rounding
  const cache = new Map<string, number | null>();
  const createdAt = async (username: string): Promise<number | null> => {
    if (cache.has(username)) return cache.get(username)!;
    let t: number | null = null;
    try {
      const out = await deps.cognito.send(new AdminGetUserCommand({ UserPoolId: config.userPoolId, Username: username }));
      t = out.UserCreateDate ? new Date(out.UserCreateDate).getTime() : 0;
    } catch (err) {
      if (isThrottle(err)) throw throttled('AdminGetUser: Cognito throttled the request', err);
      if (errorName(err) !== 'UserNotFoundException') throw err;
    }
    cache.set(username, t);
    return t;
  };
  const score = { 'header-is-line-1': 0, 'first-user-is-line-1': 0 } as Record<ResultLineNumbers, number>;
  for (const n of lines) {
    for (const numbering of ['header-is-line-1', 'first-user-is-line-1'] as ResultLineNumbers[]) {
      const username = usernameAt(n + lineOffset(numbering));
      if (!username) { score[numbering] -= 1; continue; }
      const t = await createdAt(username);
      const createdByJob = t !== null && t >= started;
      const existedBefore = t !== null && t < started;
      const code = results.codes[n];
      const fits = code === SUCCEEDED ? createdByJob : code === SKIPPED ? existedBefore : code === FAILED ? !createdByJob : true;
      score[numbering] += fits ? 1 : -1;
    }
  }
  const h = score['header-is-line-1'];
  const f = score['first-user-is-line-1'];
  if (h === f) return undefined;
  const numbering: ResultLineNumbers = h > f ? 'header-is-line-1' : 'first-user-is-line-1';
  return { numbering, decidedBy: 'pool-evidence', detail: `${lines.length} result line(s) checked against the pool (AdminGetUser: exists, created before or after the job started): ${Math.max(h, f)} vs ${Math.min(h, f)}` };
}

/** Without certain evidence: Cognito processes rows in order, so the lowest line is the first row's. */
export function decideFromLowestLine(results: JobResults): NumberingDecision {
  const lowest = results.codes.findIndex((c, i) => i > 0 && c !== NONE);
  if (lowest === 2) return { numbering: 'header-is-line-1', decidedBy: 'lowest-line', detail: 'the lowest result is Line Number 2 and none names line 1' };
  return { numbering: 'header-is-line-1', decidedBy: 'assumed', detail: 'no evidence in the results or the pool; assumed the header is line 1' };
}
