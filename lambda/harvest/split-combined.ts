/**
 * Splits a combined job's harvested results per file (see lambda/queue/queue-coalesce.ts): each member's
 * users and rows without a result, mapped to the member's own physical lines, with counts of its own rows
 * only. Deterministic and idempotent: the distribute step and, on the error path, the report step of any
 * member call it and get the same per-file results.
 */
import type { HarvestOutput, DescribeOutput } from '../shared/steps';
import type { CoalescedMember } from '../shared/queue-steps';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { readTextLineBatches } from '../csv/line-reader';
import { HarvestSummary, resultsKey, resultsSummaryKey, UserOutcome } from '../runtime/work-files';

/** Each member's results (by ticket), written under the member's own part. */
export async function splitCombined(
  deps: EngineDeps, config: EngineConfig, members: CoalescedMember[], summary: HarvestSummary, job: DescribeOutput,
): Promise<Map<string, HarvestOutput>> {
  const totalRows = members.reduce((n, m) => n + m.part.rows, 0);
  // Without any result line, per-file counts are known only when the job imported every row.
  const allImported = !summary.logGroupFound && job.importedUsers === totalRows;

  // Users and unprocessed lines are in combined-line order, members are contiguous: one pass.
  const users = await deps.store.open(config.bucket, summary.usersKey);
  const iterator = readTextLineBatches(users.body)[Symbol.asyncIterator]();
  let pending: UserOutcome[] = [];
  const nextUsers = async (): Promise<UserOutcome[] | undefined> => {
    const r = await iterator.next();
    return r.done ? undefined : r.value.filter((l) => l.text).map((l) => JSON.parse(l.text) as UserOutcome);
  };
  const unprocessed = [...summary.unprocessedLines].sort((a, b) => a - b);
  let u = 0;
  const out = new Map<string, HarvestOutput>();
  for (const m of [...members].sort((a, b) => a.firstLine - b.firstLine)) {
    const last = m.firstLine + m.part.rows - 1;
    const lineMap = JSON.parse((await deps.store.getText(config.bucket, m.part.lineMapKey)) ?? '[]') as number[];
    const toSource = (combinedLine: number) => { const partLine = combinedLine - m.firstLine + 2; return lineMap[partLine - 1] ?? partLine; };
    const usersKey = resultsKey(m.part, job.jobId);
    const w = deps.store.writer(config.bucket, usersKey, 'application/x-ndjson');
    let skipped = 0, failed = 0;
    const mineUnprocessed: number[] = [];
    for (;;) {
      if (pending.length === 0) { const more = await nextUsers(); if (!more) break; pending = more; continue; }
      const e = pending[0];
      if (e.line > last) break;
      pending.shift();
      if (e.line < m.firstLine) continue;
      // A row without a result is counted once, with the unprocessed lines below.
      if (!e.unknownFate) { if (e.outcome === 'SKIPPED') skipped += 1; else failed += 1; }
      await w.write(Buffer.from(JSON.stringify({ ...e, line: toSource(e.line) }) + '\n'));
    }
    await w.end();
    while (u < unprocessed.length && unprocessed[u] <= last) { if (unprocessed[u] >= m.firstLine) mineUnprocessed.push(toSource(unprocessed[u])); u += 1; }
    if (!summary.logGroupFound && !allImported && mineUnprocessed.length === 0) {
      for (let l = m.firstLine; l <= last; l++) mineUnprocessed.push(toSource(l));
    }
    const imported = Math.max(0, m.part.rows - skipped - failed - mineUnprocessed.length);
    const own: HarvestSummary = {
      partNumber: 1, jobId: job.jobId, succeeded: imported, skipped, failed, unprocessedLines: mineUnprocessed, usersKey,
      logGroupFound: summary.logGroupFound, withoutResult: mineUnprocessed.length,
    };
    const key = resultsSummaryKey(m.part, job.jobId);
    await deps.store.putText(config.bucket, key, JSON.stringify(own), 'application/json');
    out.set(m.ticket, { partNumber: 1, job: { ...job, importedUsers: imported, skippedUsers: skipped, failedUsers: failed }, resultsKey: key });
  }
  return out;
}
