import { AdminUpdateUserAttributesCommand, DescribeUserPoolCommand, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { DEFAULT_STEP_BUDGET_SECONDS, DEFAULT_USER_UPDATE_RPS } from '../shared/defaults';
import { PassState, UpdateExistingInput } from '../shared/steps';
import { readCognitoFields } from '../csv/cognito-dialect';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorMessage, errorName } from '../runtime/errors';
import { finishPass, forEachConcurrent, pacer } from './paced-calls';
import { readPartRows } from '../csv/part-rows';
import { scrub } from '../report/report';
import { UserOutcome, ValidationSummary } from '../runtime/work-files';

const UPDATE_CONCURRENCY = 4;

/**
 * Columns an update never writes: the username, Cognito's own `cognito:*` columns, the password
 * hash, `sub`, and the pool's immutable attributes (Cognito refuses to change them after creation).
 */
export function updatableColumns(header: readonly string[], pool: Pick<UserPoolType, 'SchemaAttributes'>): Set<string> {
  const immutable = new Set((pool.SchemaAttributes ?? []).filter((a) => a.Mutable === false).map((a) => a.Name));
  return new Set(header.filter((c) => !c.startsWith('cognito:') && c !== 'password_hash' && c !== 'sub' && !immutable.has(c)));
}

/** The row's non-empty updatable values, as AdminUpdateUserAttributes takes them. */
export function attributesOf(text: string, header: readonly string[], updatable: ReadonlySet<string>): { Name: string; Value: string }[] {
  const fields = readCognitoFields(text); // a part line: Cognito's dialect, values already trimmed
  const out: { Name: string; Value: string }[] = [];
  header.forEach((column, i) => {
    const value = (fields[i] ?? '').trim(); // Cognito trims imported values; the update does the same
    if (value !== '' && updatable.has(column)) out.push({ Name: column, Value: value });
  });
  return out;
}

/**
 * The updateExisting step (existingUsers UPDATE), in a loop until done: applies each existing
 * user's non-empty attribute columns, paced within the UserUpdate quota; writes one outcome file a
 * call and returns where the next call goes on. Reasons name the error and the columns, never a value.
 */
export async function updateExisting(deps: EngineDeps, config: EngineConfig, input: UpdateExistingInput): Promise<PassState> {
  const deadline = deps.now().getTime() + (config.stepBudgetSeconds ?? DEFAULT_STEP_BUDGET_SECONDS) * 1000;
  const summaryText = await deps.store.getText(config.bucket, input.validation.validationKey);
  const existing = summaryText ? (JSON.parse(summaryText) as ValidationSummary).existing : undefined;
  const state = input.pass;
  if (!existing?.rowsKey || !existing.linesKey) return { ...state, done: true, position: 0, chunks: [], succeeded: 0, failed: 0 };

  const send = pacer({ requestsPerSecond: config.userUpdateRps ?? DEFAULT_USER_UPDATE_RPS, now: () => deps.now().getTime(), sleep: deps.sleep });
  const pool = (await send.call(() => deps.cognito.send(new DescribeUserPoolCommand({ UserPoolId: config.userPoolId })))).UserPool ?? {};
  const invocation = (state.invocations ?? 0) + 1;
  const from = state.position ?? 0;
  const { header, rows } = await readPartRows(deps, config, { key: existing.rowsKey, lineMapKey: existing.linesKey }, from);
  const updatable = updatableColumns(header, pool);
  const outcomes: UserOutcome[] = [];
  let succeeded = 0;
  let failed = 0;
  const { completed, stopped } = await forEachConcurrent(rows, UPDATE_CONCURRENCY, async (r) => {
    const attributes = attributesOf(r.text, header, updatable);
    if (attributes.length === 0) {
      succeeded += 1;
      outcomes.push({ line: r.sourceLine, username: r.username, outcome: 'UPDATED', message: 'nothing to update (no non-empty attribute column)' });
      return;
    }
    try {
      await send.call(() => deps.cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: config.userPoolId, Username: r.username, UserAttributes: attributes })));
      succeeded += 1;
      outcomes.push({ line: r.sourceLine, username: r.username, outcome: 'UPDATED', message: `updated ${attributes.map((a) => a.Name).join(', ')}` });
    } catch (err) {
      if (errorName(err) === 'ThrottledError') throw err; // the workflow retries the step later
      failed += 1;
      outcomes.push({ line: r.sourceLine, username: r.username, outcome: 'UPDATE_FAILED', message: `${errorName(err)}: ${scrub(errorMessage(err)).slice(0, 200)}` });
    }
  }, () => deps.now().getTime() >= deadline);

  const out = await finishPass(deps, config, state, {
    entries: outcomes, chunkKey: `${input.validation.workPrefix}existing/updated-${invocation}.jsonl`, stopped,
    position: from + completed, invocation, requests: send.requests, succeeded, failed,
  });
  deps.log.info('existing users updated', { done: out.done, position: out.position, updated: out.succeeded, updateFailed: out.failed });
  return out;
}
