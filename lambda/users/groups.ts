import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DEFAULT_STEP_BUDGET_SECONDS, DEFAULT_USER_UPDATE_RPS } from '../shared/defaults';
import { AddToGroupsInput, PassState } from '../shared/steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorMessage, errorName } from '../runtime/errors';
import type { GroupsEntry } from './groups-column';
import { readTextLineBatches } from '../csv/line-reader';
import { LineSet } from '../csv/line-set';
import { finishPass, forEachConcurrent, pacer } from './paced-calls';
import { scrub } from '../report/report';
import { HarvestSummary, UserOutcome, ValidationSummary } from '../runtime/work-files';

const GROUP_CONCURRENCY = 4;

/** A membership that could not be added, as the report lists it. */
export interface GroupFailure {
  line: number;
  username: string;
  group: string;
  message: string;
}

/**
 * The addToGroups step (groupsColumn set), after the import, in a loop until done: adds every
 * imported, skipped or updated user to the groups its row names (AdminAddUserToGroup, paced within
 * the UserUpdate quota). Users Cognito FAILED, whose update failed, or that no job got to are left
 * out. Adding a user to a group it is already in succeeds, so a retried call is harmless.
 */
export async function addToGroups(deps: EngineDeps, config: EngineConfig, input: AddToGroupsInput): Promise<PassState> {
  const { state, pass } = input;
  const deadline = deps.now().getTime() + (config.stepBudgetSeconds ?? DEFAULT_STEP_BUDGET_SECONDS) * 1000;
  const validationKey = state.validation?.validationKey;
  const summaryText = validationKey ? await deps.store.getText(config.bucket, validationKey) : undefined;
  const summary = summaryText ? (JSON.parse(summaryText) as ValidationSummary) : undefined;
  if (!summary?.groupsKey) return { done: true, position: 0, chunks: [], succeeded: 0, failed: 0 };

  const excluded = await linesWithoutAUser(deps, config, state, summary);
  const send = pacer({ requestsPerSecond: config.userUpdateRps ?? DEFAULT_USER_UPDATE_RPS, now: () => deps.now().getTime(), sleep: deps.sleep });
  const invocation = (pass.invocations ?? 0) + 1;
  const from = pass.position ?? 0;
  const failures: GroupFailure[] = [];
  let added = 0;

  const object = await deps.store.open(config.bucket, summary.groupsKey);
  async function* entries(): AsyncGenerator<GroupsEntry> {
    let n = 0;
    for await (const batch of readTextLineBatches(object.body)) {
      for (const { text } of batch) {
        if (text.length === 0) continue;
        if (n++ < from) continue;
        yield JSON.parse(text) as GroupsEntry;
      }
    }
  }
  const { completed, stopped } = await forEachConcurrent(entries(), GROUP_CONCURRENCY, async (e) => {
    if (excluded.has(e.line)) return;
    for (const group of e.groups) {
      try {
        await send.call(() => deps.cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: config.userPoolId, Username: e.username, GroupName: group })));
        added += 1;
      } catch (err) {
        if (errorName(err) === 'ThrottledError') throw err;
        failures.push({ line: e.line, username: e.username, group, message: `${errorName(err)}: ${scrub(errorMessage(err)).slice(0, 200)}` });
      }
    }
  }, () => deps.now().getTime() >= deadline);

  const out = await finishPass(deps, config, pass, {
    entries: failures, chunkKey: `${state.validation!.workPrefix}groups/failed-${invocation}.jsonl`, stopped,
    position: from + completed, invocation, requests: send.requests, succeeded: added, failed: failures.length,
  });
  deps.log.info('group memberships added', { done: out.done, position: out.position, added: out.succeeded, failed: out.failed });
  return out;
}

/** Rows whose user was not created or updated: FAILED by Cognito, UPDATE_FAILED, or never processed. */
async function linesWithoutAUser(deps: EngineDeps, config: EngineConfig, state: AddToGroupsInput['state'], summary: ValidationSummary): Promise<LineSet> {
  const out = new LineSet(summary.physicalLines);
  const eachLine = async (key: string, fn: (o: UserOutcome) => void) => {
    const object = await deps.store.open(config.bucket, key);
    for await (const batch of readTextLineBatches(object.body)) for (const { text } of batch) if (text) fn(JSON.parse(text) as UserOutcome);
  };
  for (const part of state.parts ?? []) {
    const text = part.resultsKey ? await deps.store.getText(config.bucket, part.resultsKey) : undefined;
    if (!text) continue;
    const h = JSON.parse(text) as HarvestSummary;
    for (const line of h.unprocessedLines ?? []) out.add(line);
    await eachLine(h.usersKey, (o) => { if (o.outcome === 'FAILED') out.add(o.line); });
  }
  for (const key of state.update?.chunks ?? []) await eachLine(key, (o) => { if (o.outcome === 'UPDATE_FAILED') out.add(o.line); });
  return out;
}
