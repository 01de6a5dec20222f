import type { HarvestOutput, PartDescriptor, ValidateOutput } from '../shared/steps';
import type { LookupFallback, LookupSample } from '../shared/report';
import type { EngineConfig, EngineDeps } from './deps';

/**
 * Names and shapes of the files steps leave for later steps under `WORK_PREFIX<execution>/`.
 * Lists that grow with the file (rejected rows, per-user outcomes) are JSON Lines so they are
 * written and read one entry at a time.
 */
export const workPrefixFor = (workPrefix: string, executionName: string) => `${workPrefix}${executionName}/`;
export const partKey = (prefix: string, n: number) => `${prefix}part-${n}.csv`;
export const lineMapKey = (prefix: string, n: number) => `${prefix}part-${n}.lines.json`;
export const validationKey = (prefix: string) => `${prefix}validation.json`;
export const rejectedKey = (prefix: string) => `${prefix}rejected.jsonl`;
/** Line numbers (one a line) of the valid rows that carry a password hash: their users import CONFIRMED. */
export const hashedLinesKey = (prefix: string) => `${prefix}hashed-lines.txt`;
/** Marker a createAndUpload leaves after a successful PUT: a retried step reuses its job. */
export const jobMarkerKey = (part: Pick<PartDescriptor, 'key'>) => part.key.replace(/\.csv$/, '') + '.job.json';
/** Written for each file combined into one job (queue-coalesce.ts): the combined part and its members. */
export const combinedMarkerKey = (part: Pick<PartDescriptor, 'key'>) => part.key.replace(/\.csv$/, '') + '.combined-into.json';
export const resultsKey = (part: Pick<PartDescriptor, 'key'>, jobId: string) => `${part.key.replace(/\.csv$/, '')}.${jobId}.results.jsonl`;
export const resultsSummaryKey = (part: Pick<PartDescriptor, 'key'>, jobId: string) => `${part.key.replace(/\.csv$/, '')}.${jobId}.results.json`;

export interface RejectedEntry {
  line: number;
  username?: string;
  column?: string;
  message: string;
}

/** `validation.json`. */
export interface ValidationSummary {
  outcome: ValidateOutput['outcome'];
  /** Data rows (non-blank lines after the header). */
  rows: number;
  /** Rows that will not be imported because of validation (all rows when the file is rejected). */
  rejectedRows: number;
  /** Physical lines in the file, header included. */
  physicalLines: number;
  fixes: Record<string, number>;
  /** Key of the JSON Lines file of RejectedEntry, in line order. */
  rejectedKey: string;
  /** How many RejectedEntry lines it holds. */
  rejectedEntries: number;
  /** File-level errors (also in rejectedKey); non-empty means the file was rejected. */
  fileErrors: RejectedEntry[];
  parts: PartDescriptor[];
  /** JSON Lines of GroupsEntry (valid rows with groups), when the importer has a groups column. */
  groupsKey?: string;
  /** With a password hashing algorithm: the valid rows with a hash (hashedLinesKey) and how many. */
  hashedLinesKey?: string;
  hashedRows?: number;
  /** Set once the rows of existing users were taken out of the parts. */
  existing?: ExistingSummary;
  /**
   * Set by planFallback (lambda/users/sample-fallback.ts): `parts` are then the retried rows, and these are
   * the first attempt's results; of the failed jobs' (`failedJobIds`) only their SUCCEEDED rows count.
   */
  fallback?: FallbackSummary;
}

/** The first attempt of a file whose sample-mode lookup fell back to the full lookup. */
export interface FallbackSummary extends LookupFallback {
  /** Every part's results of the first attempt, as the workflow had them (`$.parts`). */
  results: HarvestOutput[];
}

export interface UserOutcome {
  line: number;
  username: string;
  outcome: 'SKIPPED' | 'FAILED' | 'UPDATED' | 'UPDATE_FAILED' | 'UNKNOWN';
  message: string;
  /** No result line from Cognito: counted as failed, but whether the user was imported is not known. */
  unknownFate?: true;
}

/** Rows found to exist in the pool before the upload (never sent to Cognito). */
export const lookupChunkKey = (prefix: string, invocation: number) => `${prefix}existing/lookup-${invocation}.json`;
export const existingOutcomesKey = (prefix: string) => `${prefix}existing/skipped.jsonl`;
/** Where the existing users' rows go for the update step (one CSV + its line map, PartWriter names). */
export const existingRowsPrefix = (prefix: string) => `${prefix}existing/rows-`;
export const filteredPrefix = (prefix: string) => `${prefix}filtered/`;
/** The rows a failed job did not import, written again for the full lookup and a new job (planFallback). */
export const fallbackPrefix = (prefix: string) => `${prefix}fallback/`;

/** `validation.json`'s note of the existing users found (set by applyExisting). */
export interface ExistingSummary {
  mode: 'get' | 'scan' | 'sample';
  /** The random sample looked up first, when there was one. */
  sample?: LookupSample;
  poolSizeEstimate: number;
  requests: number;
  invocations: number;
  /** Rows whose user exists. */
  rows: number;
  /** JSON Lines of UserOutcome (SKIPPED "already exists") when existingUsers is SKIP. */
  outcomesKey?: string;
  /** CSV (header + rows) of the existing users' rows and its line map, when existingUsers is UPDATE. */
  rowsKey?: string;
  linesKey?: string;
}

/** `<part>.<jobId>.results.json`: what harvest learned; users are in the .jsonl next to it. */
export interface HarvestSummary {
  partNumber: number;
  jobId: string;
  succeeded: number;
  skipped: number;
  failed: number;
  /** Source lines of this part with no result line (job stopped or failed midway). */
  unprocessedLines: number[];
  usersKey: string;
  logGroupFound: boolean;
  /** Rows of the part with no result (they are in `unprocessedLines` and, as FAILED with unknownFate, in users). */
  withoutResult?: number;
  /** How Cognito's line numbers were mapped to the part's lines, and on what evidence. */
  lineNumbering?: { numbering: 'header-is-line-1' | 'first-user-is-line-1'; decidedBy: string; detail: string };
}

/** A work file's JSON, or undefined when it is not there. */
export async function readJson<T>(deps: EngineDeps, config: EngineConfig, key: string): Promise<T | undefined> {
  const text = await deps.store.getText(config.bucket, key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
