import {
  AdminGetUserCommand, DescribeUserPoolCommand, ListUsersCommand, ListUsersCommandOutput, UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DEFAULT_LOOKUP_SAMPLE_ROWS, DEFAULT_STEP_BUDGET_SECONDS, DEFAULT_USER_LIST_RPS, DEFAULT_USER_READ_RPS } from '../shared/defaults';
import { lookUpSample, shouldSample } from './lookup-sample';
import { FindExistingInput, LookupState } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorName } from '../runtime/errors';
import { forEachConcurrent, pacer } from './paced-calls';
import { readPartRows } from '../csv/part-rows';
import { UsernameSet } from '../validate/username-set';
import { lookupChunkKey } from '../runtime/work-files';

/** ListUsers returns at most 60 users a page. */
export const LIST_USERS_PAGE = 60;
/** AdminGetUser calls in flight at once (the pacer keeps the rate; this only hides latency). */
const GET_CONCURRENCY = 8;

export interface LookupPlan {
  readonly mode: 'get' | 'scan';
  /** Requests each way, and seconds each way at the configured rates. */
  readonly getRequests: number;
  readonly scanRequests: number;
  readonly getSeconds: number;
  readonly scanSeconds: number;
}

/**
 * Per file, the cheaper of: one AdminGetUser per row (cost grows with the file), or one ListUsers
 * scan of the whole pool (cost grows with the pool, read 60 users a request). Time decides, at the
 * rates each category is allowed; a tie goes to the scan (fewer requests).
 */
export function planLookup(rows: number, poolSizeEstimate: number, readRps: number, listRps: number): LookupPlan {
  const getRequests = rows;
  const scanRequests = Math.max(1, Math.ceil(poolSizeEstimate / LIST_USERS_PAGE));
  const getSeconds = getRequests / readRps;
  const scanSeconds = scanRequests / listRps;
  return { mode: scanSeconds <= getSeconds ? 'scan' : 'get', getRequests, scanRequests, getSeconds, scanSeconds };
}

/**
 * Usernames are case-insensitive unless the pool says otherwise. In pools where users sign in with
 * email or phone number (UsernameAttributes), ListUsers names every user by its `sub`; the
 * file's cognito:username may be that email or phone number, so those attributes are keys too.
 */
export function userKeys(user: { Username?: string; Attributes?: { Name?: string; Value?: string }[] }, usernameAttributes: readonly string[]): string[] {
  const keys: string[] = [];
  if (user.Username) keys.push(user.Username);
  for (const a of user.Attributes ?? []) {
    if (a.Name && a.Value && (a.Name === 'sub' || usernameAttributes.includes(a.Name))) keys.push(a.Value);
  }
  return keys;
}

/**
 * The findExisting step, called in a loop by the workflow until `done`. Each call works for at
 * most the step budget, writes the source lines it found to one work file, and returns where the
 * next call goes on: any file and any pool fit, 15 minutes at a time.
 */
export async function findExisting(deps: EngineDeps, config: EngineConfig, input: FindExistingInput): Promise<LookupState> {
  const { validation } = input;
  const budgetMs = (config.stepBudgetSeconds ?? DEFAULT_STEP_BUDGET_SECONDS) * 1000;
  const deadline = deps.now().getTime() + budgetMs;
  const outOfTime = () => deps.now().getTime() >= deadline;
  const readRps = config.userReadRps ?? DEFAULT_USER_READ_RPS;
  const listRps = config.userListRps ?? DEFAULT_USER_LIST_RPS;
  const clock = { now: () => deps.now().getTime(), sleep: deps.sleep };

  const read = pacer({ requestsPerSecond: readRps, ...clock });
  const pool = (await read.call(() => deps.cognito.send(new DescribeUserPoolCommand({ UserPoolId: config.userPoolId })))).UserPool as UserPoolType;
  const foldCase = pool.UsernameConfiguration?.CaseSensitive === false;
  const usernameAttributes = pool.UsernameAttributes ?? [];

  let state: LookupState = input.lookup;
  if (!state.mode) {
    const rows = validation.parts.reduce((n, p) => n + p.rows, 0);
    const poolSizeEstimate = pool.EstimatedNumberOfUsers ?? 0;
    const plan = planLookup(rows, poolSizeEstimate, readRps, listRps);
    deps.log.info('existing-user lookup planned', { ...plan, rows, poolSizeEstimate });
    // After a fallback (sample-fallback.ts) the sample, its requests and its invocation are carried over.
    const { sample, fallback, invocations = 0, requests = 0 } = input.lookup;
    state = {
      done: false, mode: plan.mode, poolSizeEstimate, partIndex: 0, row: 0, scanned: 0, chunks: [], invocations, requests, found: 0,
      ...(sample ? { sample } : {}), ...(fallback ? { fallback } : {}),
    };
    const sampleRows = config.lookupSampleRows ?? DEFAULT_LOOKUP_SAMPLE_ROWS;
    // The full lookup after a fallback never samples: a file falls back at most once.
    if (!fallback && shouldSample(rows, Math.min(plan.getSeconds, plan.scanSeconds), sampleRows, readRps, config.existingUsers)) {
      // A random sample first (≤ a minute at the default rate): when it finds nobody, no full lookup.
      const sample = await lookUpSample(deps, config, validation, sampleRows, read);
      deps.log.info('existing-user lookup sample', { rows: sample.rows, found: sample.found, existingShareBound: sample.existingShareBound });
      if (sample.found === 0) {
        const out: LookupState = { ...state, done: true, mode: 'sample', sample, invocations: 1, requests: read.requests };
        deps.log.info('existing-user lookup step', { mode: out.mode, done: true, invocation: 1, found: 0, requests: out.requests });
        return out;
      }
      // Some exist: the full lookup, as planned (the sample's requests count too).
      state = { ...state, sample };
    }
  }
  const invocation = (state.invocations ?? 0) + 1;
  const found: number[] = [];

  let next: Partial<LookupState>;
  let requests: number;
  if (state.mode === 'get') {
    let partIndex = state.partIndex ?? 0;
    let row = state.row ?? 0;
    while (partIndex < validation.parts.length && !outOfTime()) {
      const { rows } = await readPartRows(deps, config, validation.parts[partIndex], row);
      const { completed, stopped } = await forEachConcurrent(rows, GET_CONCURRENCY, async (r) => {
        if (await exists(deps, config, read, r.username)) found.push(r.sourceLine);
      }, outOfTime);
      row += completed;
      if (stopped) break;
      partIndex += 1;
      row = 0;
    }
    requests = read.requests;
    next = { partIndex, row, done: partIndex >= validation.parts.length };
  } else {
    // The file's usernames (16 bytes each), then the pool page by page against them.
    const names = new UsernameSet(validation.parts.reduce((n, p) => n + p.rows, 0));
    for (const part of validation.parts) {
      const { rows } = await readPartRows(deps, config, part);
      for await (const r of rows) names.addOrGet(r.username, r.sourceLine, foldCase);
    }
    const list = pacer({ requestsPerSecond: listRps, ...clock });
    let token = state.paginationToken;
    let scanned = state.scanned ?? 0;
    let done = false;
    // At least one page per call, so the loop always moves on.
    do {
      const page: ListUsersCommandOutput = await list.call(() => deps.cognito.send(new ListUsersCommand({
        UserPoolId: config.userPoolId,
        Limit: LIST_USERS_PAGE,
        // Only what matching needs: never the users' other attributes.
        AttributesToGet: usernameAttributes.length > 0 ? [...usernameAttributes] : ['sub'],
        ...(token ? { PaginationToken: token } : {}),
      })));
      for (const user of page.Users ?? []) {
        scanned += 1;
        for (const key of userKeys(user, usernameAttributes)) {
          const line = names.lineOf(key, foldCase);
          if (line !== undefined) { found.push(line); break; }
        }
      }
      token = page.PaginationToken || undefined;
      done = !token;
    } while (!done && !outOfTime());
    requests = read.requests + list.requests;
    next = { paginationToken: token, scanned, done };
  }

  const chunks = [...(state.chunks ?? [])];
  if (found.length > 0) {
    // Named by the call's number: a retried call overwrites its own chunk, never adds one.
    const key = lookupChunkKey(validation.workPrefix, invocation);
    await deps.store.putText(config.bucket, key, JSON.stringify(found));
    chunks.push(key);
  }
  const out: LookupState = {
    ...state,
    ...next,
    chunks,
    invocations: invocation,
    requests: (state.requests ?? 0) + requests,
    found: (state.found ?? 0) + found.length,
  };
  if (next.paginationToken === undefined) delete (out as { paginationToken?: string }).paginationToken;
  deps.log.info('existing-user lookup step', {
    mode: out.mode, done: out.done, invocation, found: out.found, requests: out.requests, partIndex: out.partIndex, scanned: out.scanned,
  });
  return out;
}

async function exists(deps: EngineDeps, config: EngineConfig, read: ReturnType<typeof pacer>, username: string): Promise<boolean> {
  try {
    await read.call(() => deps.cognito.send(new AdminGetUserCommand({ UserPoolId: config.userPoolId, Username: username })));
    return true;
  } catch (err) {
    if (errorName(err) === 'UserNotFoundException') return false;
    throw err;
  }
}
