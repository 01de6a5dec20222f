/**
 * Behaviour variants: where AWS documents nothing precise, each key picks one plausible answer Cognito might
 * give, so the engine can be tested against every one of them (`--behaviour FILE`). Every variant is read
 * in exactly one place of the emulation (named beside each key).
 */
import { readFileSync } from 'fs';

export type ResultLineNumbers = 'header-is-line-1' | 'first-user-is-line-1';
export type ActiveJobError = 'InvalidParameterException' | 'LimitExceededException' | 'PreconditionNotMetException';
export type MaxPartBytes = 104857600 | 100000000;
export type PasswordHashImport = 'enabled' | 'not-enabled';

export interface CognitoBehaviour {
  /** How `Line Number N` in the job's CloudWatch lines counts (import-rules.ts). */
  resultLineNumbers: ResultLineNumbers;
  /** What StartUserImportJob answers while another job is active in the account (jobs.ts). */
  activeJobError: ActiveJobError;
  /** A job ends Failed ("Too many users…") when (failed + skipped) / rows exceeds this; null = never (jobs.ts). */
  failJobOverFailedOrSkipped: number | null;
  /**
   * Whether a job that crosses `failJobOverFailedOrSkipped` stops at that row: the rows after it get no
   * result line and are not imported (job-runner.ts). Otherwise every row is processed, then the job fails.
   */
  failedJobStops: boolean;
  /** GetLogEvents returns empty pages with fresh tokens before the last lines (logs.ts). */
  emptyLogPages: boolean;
  /** A job's result lines become visible this long after the job ends (jobs.ts → logs.ts). */
  logDelaySeconds: number;
  /** The upload size refused above (server/server.ts). */
  maxPartBytes: MaxPartBytes;
  /** Usernames whose rows Cognito FAILs whatever they hold (import-rules.ts). */
  failUsernames: string[];
  /**
   * Whether GetCSVHeader lists `password_hash` (pools.ts; its sample response does not, the console's
   * template does). When it does, the job's header must hold it like every listed column (import-rules.ts).
   */
  csvHeaderListsPasswordHash: boolean;
  /**
   * Whether the pool may import password hashes (import-jobs.ts): the guide ties it to "the modern Amazon
   * Cognito infrastructure" and names no error; `not-enabled` answers CreateUserImportJob with an algorithm
   * by OperationNotEnabledException, the likeliest answer.
   */
  passwordHashImport: PasswordHashImport;
}

/** Today's choices, where the docs allow them. */
export const DEFAULT_BEHAVIOUR: Readonly<CognitoBehaviour> = Object.freeze({
  resultLineNumbers: 'header-is-line-1',
  activeJobError: 'InvalidParameterException',
  failJobOverFailedOrSkipped: null,
  failedJobStops: false,
  emptyLogPages: false,
  logDelaySeconds: 0,
  maxPartBytes: 104857600,
  failUsernames: [],
  csvHeaderListsPasswordHash: false,
  passwordHashImport: 'enabled',
} as CognitoBehaviour);

/** A plausible message for each answer to "Start while another job is active" (none is documented). */
export const ACTIVE_JOB_MESSAGES: Readonly<Record<ActiveJobError, string>> = Object.freeze({
  InvalidParameterException: 'Another import job is already in progress for this account.',
  LimitExceededException: 'Only one user import job can run at a time in this account; wait until the running job completes.',
  PreconditionNotMetException: 'An import job is already in progress. Only one import job can run at a time.',
});

const KEYS: Array<keyof CognitoBehaviour> = ['resultLineNumbers', 'activeJobError', 'failJobOverFailedOrSkipped', 'failedJobStops', 'emptyLogPages', 'logDelaySeconds', 'maxPartBytes', 'failUsernames',
  'csvHeaderListsPasswordHash', 'passwordHashImport'];
const LINE_NUMBERS: ResultLineNumbers[] = ['header-is-line-1', 'first-user-is-line-1'];
const ACTIVE_ERRORS: ActiveJobError[] = ['InvalidParameterException', 'LimitExceededException', 'PreconditionNotMetException'];
const PART_BYTES: MaxPartBytes[] = [104857600, 100000000];

/** Checks a behaviour object (partial: missing keys keep their defaults); errors name `source`. */
export function parseBehaviour(value: unknown, source = 'behaviour'): CognitoBehaviour {
  const bad = (msg: string) => new Error(`${source}: ${msg}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('must be a JSON object.');
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !(KEYS as string[]).includes(k));
  if (unknown.length) throw bad(`unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; allowed keys: ${KEYS.join(', ')}.`);
  const out: CognitoBehaviour = { ...DEFAULT_BEHAVIOUR, failUsernames: [...DEFAULT_BEHAVIOUR.failUsernames] };
  const oneOf = <T>(key: keyof CognitoBehaviour, allowed: readonly T[]): T | undefined => {
    if (!(key in v)) return undefined;
    if (!allowed.includes(v[key] as T)) throw bad(`${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')} (got ${JSON.stringify(v[key])}).`);
    return v[key] as T;
  };
  out.resultLineNumbers = oneOf('resultLineNumbers', LINE_NUMBERS) ?? out.resultLineNumbers;
  out.activeJobError = oneOf('activeJobError', ACTIVE_ERRORS) ?? out.activeJobError;
  out.maxPartBytes = oneOf('maxPartBytes', PART_BYTES) ?? out.maxPartBytes;
  out.emptyLogPages = oneOf('emptyLogPages', [true, false]) ?? out.emptyLogPages;
  out.failedJobStops = oneOf('failedJobStops', [true, false]) ?? out.failedJobStops;
  out.csvHeaderListsPasswordHash = oneOf('csvHeaderListsPasswordHash', [true, false]) ?? out.csvHeaderListsPasswordHash;
  out.passwordHashImport = oneOf('passwordHashImport', ['enabled', 'not-enabled'] as PasswordHashImport[]) ?? out.passwordHashImport;
  if ('failJobOverFailedOrSkipped' in v) {
    const f = v.failJobOverFailedOrSkipped;
    if (f !== null && (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f > 1)) throw bad(`failJobOverFailedOrSkipped must be null or a number from 0 to 1 (got ${JSON.stringify(f)}).`);
    out.failJobOverFailedOrSkipped = f as number | null;
  }
  if ('logDelaySeconds' in v) {
    const d = v.logDelaySeconds;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0 || d > 3600) throw bad(`logDelaySeconds must be a number of seconds from 0 to 3600 (got ${JSON.stringify(d)}).`);
    out.logDelaySeconds = d;
  }
  if ('failUsernames' in v) {
    const u = v.failUsernames;
    if (!Array.isArray(u) || u.some((n) => typeof n !== 'string' || n.length === 0)) throw bad('failUsernames must be an array of non-empty strings.');
    out.failUsernames = [...u] as string[];
  }
  return out;
}

/** Reads and checks a behaviour file; every error names the file. */
export function loadBehaviourFile(path: string): CognitoBehaviour {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new Error(`Behaviour file ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new Error(`Behaviour file ${path}: not valid JSON (${(e as Error).message}).`); }
  return parseBehaviour(json, `Behaviour file ${path}`);
}
