/**
 * Before a report is written, every part of the file is matched with what Cognito did with it, whatever
 * step failed and however often: a part the workflow harvested keeps its results; for any other part the
 * report finds the job from the file's own work markers (createAndUpload's job marker, or the combined job
 * its rows rode in), describes it, harvests it when it ran (the harvest step's own code) and splits a
 * combined job's results to this file's rows. A part whose job never started is not imported; one whose
 * fate cannot be known (its job still running, Cognito unreachable) says so.
 */
import type { HarvestOutput, PartDescriptor } from '../shared/steps';
import type { CoalescedMember } from '../shared/queue-steps';
import { ACTIVE_JOB_STATUSES } from '../shared/job-status';
import type { EngineConfig, EngineDeps } from '../runtime/deps';
import { errorMessage } from '../runtime/errors';
import { combinedMarkerKey, HarvestSummary, jobMarkerKey, readJson, resultsSummaryKey } from '../runtime/work-files';
import { describeJob, toDescribeOutput } from '../job/job-control';
import { harvest } from '../harvest/harvest';
import { splitCombined } from '../harvest/split-combined';

/** How long the report step waits, at most, for a job a failed workflow left running (then: fate unknown). */
export const RECONCILE_WAIT_MS = 5 * 60 * 1000;

export interface PartResult { readonly out: HarvestOutput; readonly summary?: HarvestSummary }
/** A part with no results: `unknown` when its rows may have been imported (its job's outcome is not known). */
export interface PartWithoutResult {
  readonly part: PartDescriptor; readonly reason: string; readonly unknown: boolean;
  /** The job the part got, when it got one (listed in the report with what Cognito said of it). */
  readonly job?: { readonly jobId: string; readonly jobName: string; readonly status: string };
}

/** The results of every part: those the workflow harvested, and the rest reconciled with Cognito. */
export async function reconcile(
  deps: EngineDeps, config: EngineConfig, parts: PartDescriptor[], harvested: HarvestOutput[], waitMs = RECONCILE_WAIT_MS,
): Promise<{ results: PartResult[]; without: PartWithoutResult[] }> {
  const results: PartResult[] = [];
  const without: PartWithoutResult[] = [];
  const deadline = deps.now().getTime() + waitMs;
  for (const part of parts) {
    const own = ownResult(part, harvested);
    if (own) {
      results.push({ out: own, summary: await readJson<HarvestSummary>(deps, config, own.resultsKey) });
      continue;
    }
    try {
      const found = await fromCognito(deps, config, part, deadline);
      if ('reason' in found) without.push(found);
      else results.push(found);
    } catch (err) {
      deps.log.warn('could not reconcile a part with Cognito', { partNumber: part.partNumber, error: errorMessage(err).split('\n')[0].slice(0, 200) });
      without.push({ part, unknown: true, reason: 'its import job could not be checked with Cognito when the report was written' });
    }
  }
  return { results, without };
}

/** The part's own results among the workflow's: a combined job's whole results (Distribute never ran) are not. */
export function ownResult(part: PartDescriptor, harvested: HarvestOutput[]): HarvestOutput | undefined {
  return harvested.find((h) => h?.partNumber === part.partNumber && h.job && h.resultsKey === resultsSummaryKey(part, h.job.jobId));
}

async function fromCognito(deps: EngineDeps, config: EngineConfig, part: PartDescriptor, deadline: number): Promise<PartResult | PartWithoutResult> {
  // The part's own job, or the combined job its rows rode in (a file with its own job was never combined).
  const marker = await readJson<{ jobId: string; jobName: string }>(deps, config, jobMarkerKey(part));
  const combined = marker ? undefined : await readJson<{ part: PartDescriptor; members: CoalescedMember[] }>(deps, config, combinedMarkerKey(part));
  const jobPart = combined?.part ?? part;
  const job = marker ?? await readJson<{ jobId: string; jobName: string }>(deps, config, jobMarkerKey(jobPart));
  if (!job) return { part, unknown: false, reason: 'not imported: the import stopped before a job was created for these rows; re-drop them' };

  let described = await describeJob(deps, config, job.jobId);
  for (let pause = 1000; ACTIVE_JOB_STATUSES.has(described.Status ?? '') && deps.now().getTime() < deadline; pause = Math.min(pause * 2, 15_000)) {
    await deps.sleep(pause);
    described = await describeJob(deps, config, job.jobId);
  }
  const status = described.Status ?? 'Unknown';
  const seen = { jobId: job.jobId, jobName: job.jobName, status };
  if (status === 'Created' || status === 'Expired') {
    return { part, job: seen, unknown: false, reason: 'not imported: the import stopped before its job was started; re-drop them' };
  }
  if (ACTIVE_JOB_STATUSES.has(status)) {
    return { part, job: seen, unknown: true, reason: `fate unknown: its import job ${job.jobId} was still running when the report was written; see the job in Cognito` };
  }
  const describeOut = toDescribeOutput(described, job, 0, config.maxPollIntervalSeconds);
  const summaryKey = resultsSummaryKey(jobPart, job.jobId);
  // A harvest that ran (even in a step whose answer was lost) left its summary: its results are final.
  const harvestedOut = (await readJson<HarvestSummary>(deps, config, summaryKey))
    ? { partNumber: jobPart.partNumber, job: describeOut, resultsKey: summaryKey }
    : await harvest(deps, config, { action: 'harvest', part: jobPart, job: describeOut });
  deps.log.info('part reconciled with Cognito', { partNumber: part.partNumber, jobId: job.jobId, status, combined: !!combined });
  if (!combined) return { out: harvestedOut, summary: await readJson<HarvestSummary>(deps, config, harvestedOut.resultsKey) };

  const whole = await readJson<HarvestSummary>(deps, config, harvestedOut.resultsKey);
  if (!whole) return { part, unknown: true, reason: `fate unknown: the results of the combined job ${job.jobId} could not be read` };
  const split = await splitCombined(deps, config, combined.members, whole, harvestedOut.job);
  const me = combined.members.find((m) => m.part.key === part.key);
  const out = me ? split.get(me.ticket) : undefined;
  if (!out) return { part, unknown: true, reason: `fate unknown: these rows are not among the combined job ${job.jobId}'s files` };
  return { out: { ...out, partNumber: part.partNumber }, summary: await readJson<HarvestSummary>(deps, config, out.resultsKey) };
}
