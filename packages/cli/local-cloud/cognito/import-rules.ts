/**
 * How Cognito processes an import job's CSV: its dialect (`\,` is a literal comma, no quoting), the header
 * check, the per-row rules, and the result lines it writes to CloudWatch Logs. Variants read here:
 * `resultLineNumbers` (how `Line Number N` counts), `failUsernames` and `csvHeaderListsPasswordHash`.
 */
import { csvHeader, PoolDescription } from '../pool';
import { CognitoBehaviour } from './behaviour';
import { passwordHashFailure } from './password-hashes';

/** The column of password hashes: required when the job sets an algorithm, else accepted and ignored. */
export const PASSWORD_HASH_COLUMN = 'password_hash';

/**
 * Lines a real job's log stream begins with before any result (the engine must skip them): seen in
 * real streams, not documented.
 */
export const LOG_PREAMBLE = ['Cognito User Pools Import - Test Log'];

/** Splits a Cognito CSV line: `\,` is a literal comma; nothing else is special (no quoting). */
export function splitCognitoLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && line[i + 1] === ',') { cur += ','; i++; continue; }
    if (c === ',') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out.map((v) => v.trim());
}

export interface ImportInput {
  pool: PoolDescription;
  upload: Buffer | undefined;
  /** The job's PasswordHashingAlgorithm, if any (allows the password_hash column). */
  passwordHashing?: string;
  /** Rows processed: all (1) or the first part of them (a stop). */
  fraction: number;
  /** Whether the job stops before the next row, given the rows failed or skipped so far (job-runner.ts decides). */
  stopsAt?(failedOrSkipped: number, rows: number): boolean;
  behaviour: CognitoBehaviour;
  exists(username: string): boolean;
  create(username: string, attrs: Array<{ Name: string; Value: string }>, status: string): void;
}

export interface ImportResult { rows: number; imported: number; skipped: number; failed: number; lines: string[]; fileError?: string }

const BOOLEAN_COLUMNS = ['email_verified', 'phone_number_verified', 'cognito:mfa_enabled'];

/** Processes the uploaded CSV with Cognito's rules. */
export function runImport(input: ImportInput): ImportResult {
  const { pool, behaviour } = input;
  const text = input.upload?.toString('utf8') ?? '';
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  const res: ImportResult = { rows: Math.max(0, physical.length - 1), imported: 0, skipped: 0, failed: 0, lines: [...LOG_PREAMBLE] };
  if (physical.length === 0) { res.fileError = 'The CSV file is empty.'; return res; }
  const header = splitCognitoLine(physical[0]);
  const headerError = checkHeader(header, pool, input.passwordHashing, behaviour.csvHeaderListsPasswordHash);
  if (headerError) { res.fileError = headerError; return res; }
  const failNames = new Set(behaviour.failUsernames);
  const toProcess = Math.floor(res.rows * input.fraction);
  for (let i = 1; i <= toProcess; i++) {
    // The rows after a stop get no result line and are not imported.
    if (input.stopsAt?.(res.failed + res.skipped, res.rows)) break;
    // Physical line i + 1 of the file; which number Cognito prints is a variant.
    const lineNo = behaviour.resultLineNumbers === 'header-is-line-1' ? i + 1 : i;
    const raw = physical[i].endsWith('\r') ? physical[i].slice(0, -1) : physical[i];
    const fail = (msg: string) => { res.failed++; res.lines.push(`[FAILED] Line Number ${lineNo} - ${msg}`); };
    if (raw.length > 16000) { fail('The row exceeds the maximum length of 16000 characters.'); continue; }
    const values = splitCognitoLine(raw);
    if (values.length !== header.length) { fail(`The row has ${values.length} values; the header has ${header.length} columns.`); continue; }
    const row = new Map(header.map((h, k) => [h, values[k]]));
    const username = row.get('cognito:username') ?? '';
    if (!username) { fail('The username (cognito:username) is missing.'); continue; }
    if (/\s/.test(username) || username.length > 128) { fail('The username is not valid: it must be 1-128 characters without whitespace.'); continue; }
    const error = rowError(row, pool, i)
      ?? (input.passwordHashing ? passwordHashFailure(input.passwordHashing, row.get(PASSWORD_HASH_COLUMN) ?? '') : undefined)
      ?? (failNames.has(username) ? 'An internal error occurred while importing the user.' : undefined);
    if (error) { fail(error); continue; }
    if (input.exists(username)) { res.skipped++; res.lines.push(`[SKIPPED] Line Number ${lineNo} - The user already exists.`); continue; }
    const attrs = [...row.entries()]
      .filter(([k, v]) => v !== '' && !k.startsWith('cognito:') && k !== PASSWORD_HASH_COLUMN)
      .map(([Name, Value]) => ({ Name, Value }));
    // A hash makes the user CONFIRMED (they sign in with it); no hash, or no algorithm, RESET_REQUIRED.
    const hashed = input.passwordHashing && (row.get(PASSWORD_HASH_COLUMN) ?? '') !== '';
    input.create(username, attrs, hashed ? 'CONFIRMED' : 'RESET_REQUIRED');
    res.imported++;
    res.lines.push(`[SUCCEEDED] Line Number ${lineNo} - The import succeeded.`);
  }
  return res;
}

function checkHeader(header: string[], pool: PoolDescription, passwordHashing: string | undefined, listsHash: boolean): string | undefined {
  // The guide: "If your import job specifies a password hashing algorithm but your CSV file doesn't include a
  // password_hash column, the job fails." The console's template has the column whether or not hashes are used.
  if (passwordHashing && !header.includes(PASSWORD_HASH_COLUMN)) {
    return `The CSV file does not include a ${PASSWORD_HASH_COLUMN} column, which the job's password hashing algorithm requires.`;
  }
  const expected = [...csvHeader(pool), ...(listsHash ? [PASSWORD_HASH_COLUMN] : [])];
  const allowed = new Set([...expected, PASSWORD_HASH_COLUMN]);
  const unknown = header.filter((h) => !allowed.has(h));
  const missing = expected.filter((h) => !header.includes(h));
  const dup = header.filter((h, i) => header.indexOf(h) !== i);
  if (!unknown.length && !missing.length && !dup.length) return undefined;
  return `The CSV header is invalid: ${[
    unknown.length ? `unknown column(s) ${unknown.slice(0, 5).map((c) => JSON.stringify(c.slice(0, 40))).join(', ')}` : '',
    missing.length ? `missing column(s) ${missing.slice(0, 5).join(', ')}` : '',
    dup.length ? `duplicate column(s) ${dup.slice(0, 5).join(', ')}` : '',
  ].filter(Boolean).join('; ')}.`;
}

/** The first rule a row breaks, as Cognito words it in the log, or undefined. */
function rowError(row: Map<string, string>, pool: PoolDescription, index: number): string | undefined {
  // The guide's own sample writes TRUE/FALSE: booleans are read without regard to case.
  for (const col of BOOLEAN_COLUMNS) {
    const v = (row.get(col) ?? '').toLowerCase();
    if (v !== '' && v !== 'true' && v !== 'false') return `The value of ${col} must be true or false.`;
    if (v !== '') row.set(col, v);
  }
  const email = row.get('email') ?? '';
  const phone = row.get('phone_number') ?? '';
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return 'The email address is not valid.';
  if (phone && !/^\+[0-9]{4,15}$/.test(phone)) return 'The phone number is not valid: it must be in E.164 format (+ and digits).';
  const birthdate = row.get('birthdate') ?? '';
  if (birthdate && !/^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/\d{4}$/.test(birthdate)) return 'The birthdate is not valid: it must be mm/dd/yyyy.';
  const updated = row.get('updated_at') ?? '';
  if (updated && !/^\d+$/.test(updated)) return 'The updated_at value is not valid: it must be epoch seconds.';
  if (row.get('email_verified') === 'true' && !email) return 'email_verified is true but email is empty.';
  if (row.get('phone_number_verified') === 'true' && !phone) return 'phone_number_verified is true but phone_number is empty.';
  const autoVerified = pool.AutoVerifiedAttributes ?? [];
  if (!autoVerified.some((a) => row.get(`${a}_verified`) === 'true' && (row.get(a) ?? '') !== '')) {
    // Real logs word this both ways ("… to true" and "… to verified"): the engine must read neither.
    return `The user must have at least one auto-verified attribute (${autoVerified.join(' or ')}) set to ${index % 2 === 0 ? 'verified' : 'true'}.`;
  }
  const mfa = pool.MfaConfiguration ?? 'OFF';
  const mfaValue = row.get('cognito:mfa_enabled') ?? '';
  // The guide (2026): MFA required → true or blank; MFA off → false or blank ("a blank value sets imported
  // users' MFA-enabled status to the state required by the user pool"). A blank with optional MFA is not
  // described: refused here, the strict reading.
  if (mfaValue === '' && mfa === 'OPTIONAL') return 'The value of cognito:mfa_enabled is required.';
  if (mfa === 'OFF' && mfaValue === 'true') return 'cognito:mfa_enabled is true but MFA is turned off for the user pool.';
  if (mfa === 'ON' && mfaValue === 'false') return 'cognito:mfa_enabled is false but the user pool requires MFA.';
  return schemaError(row, pool);
}

function schemaError(row: Map<string, string>, pool: PoolDescription): string | undefined {
  for (const a of pool.SchemaAttributes) {
    const name = a.Name;
    if (name === 'sub' || !row.has(name)) continue;
    const v = row.get(name) ?? '';
    if (v === '') { if (a.Required) return `The required attribute ${name} is empty.`; continue; }
    if (a.AttributeDataType === 'String' && a.StringAttributeConstraints) {
      const max = Number(a.StringAttributeConstraints.MaxLength ?? 2048);
      const min = Number(a.StringAttributeConstraints.MinLength ?? 0);
      if (v.length > max || v.length < min) return `The value of ${name} must be ${min}-${max} characters long.`;
    }
    if (a.AttributeDataType === 'Number' && name !== 'updated_at') {
      const n = Number(v);
      const c = a.NumberAttributeConstraints ?? {};
      if (!/^-?\d+$/.test(v) || (c.MinValue !== undefined && n < Number(c.MinValue)) || (c.MaxValue !== undefined && n > Number(c.MaxValue))) {
        return `The value of ${name} is not a valid number for this attribute.`;
      }
    }
    if (a.AttributeDataType === 'Boolean' && !/^(true|false)$/i.test(v)) return `The value of ${name} must be true or false.`;
  }
  return undefined;
}
