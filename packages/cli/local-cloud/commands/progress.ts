/** Progress lines on stderr (stdout carries only results). Job ids, statuses and counts only: never user data. */
import type { LocalCloud } from '../index';

export const err = (line: string): void => { process.stderr.write(`${line}\n`); };

export function watchProgress(cloud: LocalCloud, label: () => string): void {
  cloud.cognito.on('job', (j: { JobId: string; Status: string; ImportedUsers: number; SkippedUsers: number; FailedUsers: number }) => {
    const counts = ['Succeeded', 'Failed', 'Stopped'].includes(j.Status) ? ` (imported ${j.ImportedUsers}, skipped ${j.SkippedUsers}, failed ${j.FailedUsers})` : '';
    err(`  ${label()}: job ${j.JobId} ${j.Status}${counts}`);
  });
  cloud.stepFunctions.on('execution', () => err(`  ${label()}: workflow execution started`));
  cloud.stepFunctions.on('executionDone', (e: { status: string }) => err(`  ${label()}: workflow execution ${e.status}`));
}
