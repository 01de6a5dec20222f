import type { ImportReport, ReportOutput, ReportTotals } from '../shared/report';
import type { DeploymentData, DeploymentSettings } from './properties';

/** What the deployment knows about a finished import. */
export interface ImportOutcome {
  /** Report status (Succeeded | PartiallySucceeded | Failed | Rejected), or the execution's when there is no report. */
  readonly status: string;
  readonly jobIds: string[];
  readonly totals: ReportTotals;
  readonly reportUri: string;
  readonly failedCsvUri?: string;
  readonly reasons: string[];
  /** The workflow execution's own error (FAILED/TIMED_OUT/ABORTED), never user data. */
  readonly executionError?: string;
}

const EMPTY_TOTALS: ReportTotals = { rows: 0, imported: 0, skipped: 0, failed: 0, rejected: 0 };
/** How many reasons a failure message quotes, and how long each may be. */
export const MAX_REASONS = 5;
const MAX_REASON_CHARS = 200;
/** CloudFormation's whole response must stay under 4 KB; the framework adds a few lines of its own. */
export const MAX_MESSAGE_CHARS = 2000;

export function outcomeFromReportOutput(report: ReportOutput, bucket: string): ImportOutcome {
  return {
    status: report.status,
    jobIds: report.jobIds ?? [],
    totals: { ...EMPTY_TOTALS, ...report.totals },
    reportUri: report.reportUri,
    failedCsvUri: report.failedCsvKey ? `s3://${bucket}/${report.failedCsvKey}` : undefined,
    reasons: report.firstReasons ?? [],
  };
}

/** Reasons from the report document, in line order: rejected rows first, then users Cognito failed or skipped. */
export function reasonsFromReport(doc: ImportReport, max = MAX_REASONS): string[] {
  const rows: Array<{ line: number; text: string }> = [];
  for (const r of doc.rejected ?? []) {
    rows.push({ line: r.line, text: `line ${r.line}${r.username ? ` (${r.username})` : ''}${r.column ? ` [${r.column}]` : ''}: ${r.message}` });
  }
  for (const u of doc.users ?? []) {
    if (u.outcome === 'FAILED' || u.outcome === 'UPDATE_FAILED') rows.push({ line: u.line, text: `line ${u.line} (${u.username}): ${u.message}` });
  }
  rows.sort((a, b) => a.line - b.line);
  const reasons = rows.slice(0, max).map((r) => r.text);
  if (reasons.length < max) {
    for (const u of doc.users ?? []) {
      if (reasons.length >= max) break;
      if (u.outcome === 'SKIPPED') reasons.push(`line ${u.line} (${u.username}): skipped: ${u.message}`);
    }
  }
  if (reasons.length === 0 && doc.error) reasons.push(doc.error);
  for (const j of doc.jobs ?? []) {
    if (reasons.length >= max) break;
    if (j.completionMessage && !/^(Succeeded|Import Job Completed Successfully)/i.test(j.completionMessage)) {
      reasons.push(`job ${j.jobId}: ${j.completionMessage}`);
    }
  }
  return reasons;
}

export function outcomeFromReportDocument(doc: ImportReport, reportUri: string, failedCsvUri?: string): ImportOutcome {
  return {
    status: doc.status,
    jobIds: (doc.jobs ?? []).map((j) => j.jobId),
    totals: { ...EMPTY_TOTALS, ...doc.totals },
    reportUri,
    failedCsvUri,
    reasons: reasonsFromReport(doc),
  };
}

export function hasLineNumbers(reasons: string[]): boolean {
  return reasons.some((r) => /\bline\s+\d+/i.test(r));
}

export function toData(o: ImportOutcome): DeploymentData {
  return {
    JobId: o.jobIds.join(','),
    Status: o.status,
    ImportedUsers: String(o.totals.imported),
    SkippedUsers: String(o.totals.skipped),
    FailedUsers: String(o.totals.failed),
    RejectedRows: String(o.totals.rejected),
    ReportUri: o.reportUri,
  };
}

/** Why this outcome fails the deployment, or `undefined` when it passes. */
export function breach(o: ImportOutcome, s: Pick<DeploymentSettings, 'maxFailedUsers' | 'failOnSkipped'>): string | undefined {
  if (o.executionError !== undefined || o.status === 'Failed' || o.status === 'Rejected') {
    return o.status === 'Rejected' ? 'the file was rejected' : 'the import failed';
  }
  // An existing user whose update Cognito refused (existingUsers UPDATE) is a failed row too.
  const bad = o.totals.failed + o.totals.rejected + (o.totals.updateFailed ?? 0);
  if (bad > s.maxFailedUsers) {
    return `${bad} failed or rejected row(s), more than maxFailedUsers (${s.maxFailedUsers})`;
  }
  if (s.failOnSkipped && o.totals.skipped > 0) {
    return `${o.totals.skipped} user(s) skipped (already in the pool) and failOnSkipped is set`;
  }
  return undefined;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The message CloudFormation shows for a failed deployment: status, counts, first reasons, where the report is. */
export function failureMessage(o: ImportOutcome, why: string, executionArn: string): string {
  const t = o.totals;
  const head = `Cognito user import ${o.status}: ${why}. `
    + `Imported ${t.imported}, skipped ${t.skipped}, failed ${t.failed}, rejected ${t.rejected}`
    + `${t.updated !== undefined ? `, updated ${t.updated}, update failed ${t.updateFailed ?? 0}` : ''} of ${t.rows} row(s).`;
  const where = [
    o.reportUri ? `Report: ${o.reportUri}` : `No report was written; execution: ${executionArn}`,
    o.failedCsvUri ? `Rows to fix: ${o.failedCsvUri}` : '',
  ].filter(Boolean).join('. ');
  const error = o.executionError ? ` Workflow: ${clip(o.executionError, 300)}.` : '';
  let reasons = '';
  const picked = o.reasons.slice(0, MAX_REASONS).map((r) => clip(r.replace(/\s+/g, ' '), MAX_REASON_CHARS));
  if (picked.length > 0) {
    const more = o.reasons.length > picked.length ? '; …' : '';
    reasons = ` First reasons: ${picked.join('; ')}${more}.`;
  }
  const tail = ` ${where}.`;
  const room = MAX_MESSAGE_CHARS - head.length - error.length - tail.length;
  return `${head}${error}${clip(reasons, Math.max(room, 0))}${tail}`;
}
