import { isPadding, trimPadding } from '../csv/cognito-dialect';
import { checkPasswordHash } from './password-hash';
import { HeaderPlan } from './header-check';
import { AttributeRule, BOOLEAN_COLUMNS, MFA_COLUMN, PASSWORD_HASH_COLUMN, PoolRules, USERNAME_COLUMN } from './pool-rules';

/** Cognito's per-row limit. */
export const MAX_ROW_CHARACTERS = 16_000;

export interface RowProblem {
  readonly column?: string;
  readonly message: string;
}

export interface CheckedRow {
  /** Trimmed username as written to the part ('' when missing). */
  readonly username: string;
  /** Values in PoolRules.columns order, normalized. */
  readonly values: string[];
  readonly problems: RowProblem[];
  /** How many boolean values had their case normalized. */
  readonly booleansNormalized: number;
  /** 1 when a blank cognito:mfa_enabled was filled from the pool's MFA setting (ON → true, OFF and OPTIONAL → false). */
  readonly mfaFilled?: number;
  /** How many values had padding (spaces, tabs, control characters) at either end: written trimmed. */
  readonly valuesTrimmed: number;
}

// Cognito usernames: letters, marks, symbols, numbers, punctuation; no whitespace or control characters.
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
// Characters that render as nothing (U+FEFF, zero-width joiners and spaces, soft hyphen, Hangul fillers,
// variation selectors, …): letters or format characters to Unicode, but a username that holds one
// looks like another user's name. Rejected wherever they are (padding is only U+0000-U+0020).
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const INTEGER = /^-?\d+$/;
export const MAX_EPOCH_SECONDS = 253402300799; // 9999-12-31: larger values are milliseconds by mistake

/**
 * Every row rule of docs/csv-and-report.md#csv-format that can be decided from one row and the pool. Duplicate
 * usernames and row length need the whole line and the file so are checked by the caller.
 * Messages name columns and limits, never the values.
 */
export function checkRow(rules: PoolRules, plan: HeaderPlan, fields: readonly string[], rowLength?: number): CheckedRow {
  const c = compiled(rules);
  const problems: RowProblem[] = [];
  const booleansNormalized = 0;
  if (fields.length !== plan.sourceColumnCount) {
    problems.push({
      message: `row has ${fields.length} fields but the header has ${plan.sourceColumnCount} (a comma inside a value must be written \\, or quoted)`,
    });
    const usernameAt = c.username >= 0 ? plan.sourceIndex[c.username] : -1;
    const username = usernameAt >= 0 && usernameAt < fields.length ? trimPadding(fields[usernameAt]) : '';
    return { username: isUsername(username) ? username : '', values: [], problems, booleansNormalized, valuesTrimmed: 0 };
  }

  const sourceIndex = plan.sourceIndex;
  const values: string[] = new Array(sourceIndex.length);
  let valuesTrimmed = 0;
  for (let i = 0; i < sourceIndex.length; i++) {
    const at = sourceIndex[i];
    const value = at >= 0 ? trimPadding(fields[at]) : '';
    if (at >= 0 && value.length !== fields[at].length) valuesTrimmed += 1;
    values[i] = value;
  }
  return checkValues(rules, c, values, rowLength, valuesTrimmed);
}

/**
 * checkRow for a plain line (no quotes, no `\`, no CR, no padding around any value) short enough that
 * no length-only rule can fail, so it can be uploaded exactly as it is: only the columns some rule
 * reads are cut out of the line. `values` then holds only those (the others are ''), and only until
 * the next call: use it to check, not to rewrite. Returns undefined when the line does not qualify.
 */
export function checkPlainRow(rules: PoolRules, plan: HeaderPlan, line: string): CheckedRow | undefined {
  const c = compiled(rules);
  if (line.length > c.shortestMaxLength || line.indexOf('"') >= 0 || line.indexOf('\\') >= 0 || line.indexOf('\r') >= 0) return undefined;
  const wanted = wantedColumns(c, plan);
  // One scratch array per pool, not one per row: the plain path never hands `values` on to be written.
  // Only wanted columns are ever written here, and every row writes all of them: the rest stay ''.
  const values = c.scratch;
  // checkValues fills a blank cognito:mfa_enabled in place: when the file has no such column nothing
  // overwrites that slot, so it is cleared here or the next row would look filled already.
  if (c.mfa >= 0) values[c.mfa] = '';
  let start = 0;
  let field = 0;
  for (;;) {
    const comma = line.indexOf(',', start);
    const end = comma < 0 ? line.length : comma;
    // A padded value is written trimmed: the full path rewrites the row.
    if (end > start && (isPadding(line.charCodeAt(start)) || isPadding(line.charCodeAt(end - 1)))) return undefined;
    if (field < wanted.length) {
      const target = wanted[field];
      if (target >= 0) values[target] = line.slice(start, end);
    }
    field += 1;
    if (comma < 0) break;
    start = comma + 1;
  }
  if (field !== plan.sourceColumnCount) return undefined; // explained by the full path
  const checked = checkValues(rules, c, values, line.length);
  // checkValues fills a blank cognito:mfa_enabled into `values`; when the file lacks that column nothing
  // overwrites it, so clear it or the next row would read the fill as its own value.
  if (checked.mfaFilled) values[c.mfa] = '';
  return checked;
}

/** For each source column, the pool column some rule reads from it, or -1. Worked out once per file. */
function wantedColumns(c: CompiledRules, plan: HeaderPlan): Int32Array {
  const cached = wantedByPlan.get(plan);
  if (cached) return cached;
  const read = new Set<number>([c.username, c.email, c.phone, c.emailVerified, c.phoneVerified, c.mfa, c.birthdate, c.updatedAt, c.passwordHash,
    ...c.booleans, ...c.usernameAttributes, ...c.alwaysChecked.map((check) => check.index)]);
  const wanted = new Int32Array(plan.sourceColumnCount).fill(-1);
  plan.sourceIndex.forEach((source, column) => {
    if (source >= 0 && read.has(column)) wanted[source] = column;
  });
  wantedByPlan.set(plan, wanted);
  return wanted;
}
const wantedByPlan = new WeakMap<HeaderPlan, Int32Array>();

function checkValues(rules: PoolRules, c: CompiledRules, values: string[], rowLength?: number, valuesTrimmed = 0): CheckedRow {
  const problems: RowProblem[] = [];
  let booleansNormalized = 0;
  const get = (i: number) => (i >= 0 ? values[i] : '');

  for (const i of c.booleans) {
    const value = values[i];
    if (value === '' || value === 'true' || value === 'false') continue;
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === 'false') { values[i] = lower; booleansNormalized += 1; }
    else problems.push({ column: rules.columns[i], message: `${rules.columns[i]} must be true or false` });
  }

  const username = get(c.username);
  if (username === '') problems.push({ column: USERNAME_COLUMN, message: 'cognito:username is empty' });
  else if (!isUsername(username)) problems.push({ column: USERNAME_COLUMN, message: 'cognito:username contains whitespace, control or invisible characters (such as U+00A0, U+FEFF or zero-width characters)' });
  else if (username.length > 128 && codePoints(username) > 128) problems.push({ column: USERNAME_COLUMN, message: 'cognito:username is longer than 128 characters' });

  const email = get(c.email);
  const phone = get(c.phone);
  if (email !== '' && !isEmail(email)) problems.push({ column: 'email', message: 'email is not a valid email address' });
  if (phone !== '' && !isE164(phone)) problems.push({ column: 'phone_number', message: 'phone_number is not in E.164 format (+ and up to 15 digits)' });

  const birthdate = get(c.birthdate);
  if (birthdate !== '' && !isCalendarDate(birthdate)) problems.push({ column: 'birthdate', message: 'birthdate is not a date in mm/dd/yyyy format' });
  const updatedAt = get(c.updatedAt);
  if (updatedAt !== '' && (!isDigits(updatedAt) || Number(updatedAt) > MAX_EPOCH_SECONDS)) {
    problems.push({ column: 'updated_at', message: 'updated_at is not a time in epoch seconds' });
  }

  // At least one auto-verified attribute set to true, with its value present.
  let verified = false;
  const emailFlag = get(c.emailVerified);
  const phoneFlag = get(c.phoneVerified);
  if (emailFlag === 'true' && email === '') problems.push({ column: 'email_verified', message: 'email_verified is true but email is empty' });
  if (c.emailAutoVerified && emailFlag === 'true' && email !== '') verified = true;
  if (phoneFlag === 'true' && phone === '') problems.push({ column: 'phone_number_verified', message: 'phone_number_verified is true but phone_number is empty' });
  if (c.phoneAutoVerified && phoneFlag === 'true' && phone !== '') verified = true;
  if (!verified && rules.autoVerified.length > 0) problems.push({ message: c.noVerifiedMessage });

  const mfa = get(c.mfa);
  // A blank cognito:mfa_enabled is filled (docs/csv-and-report.md#mfa): MFA ON → true, OFF → false, as the
  // guide says a blank sets "the state required by the user pool"; OPTIONAL → false, which the guide does not
  // describe for a blank but which is valid under every reading of it.
  let mfaFilled = 0;
  if (mfa === '' && c.mfa >= 0) { values[c.mfa] = rules.mfa === 'ON' ? 'true' : 'false'; mfaFilled = 1; }
  if (mfa === 'true' && rules.mfa === 'OFF') problems.push({ column: MFA_COLUMN, message: 'cognito:mfa_enabled is true but the user pool has MFA off' });
  if (mfa === 'false' && rules.mfa === 'ON') problems.push({ column: MFA_COLUMN, message: 'cognito:mfa_enabled is false but the user pool requires MFA' });

  if (c.usernameAttributes.length > 0 && c.usernameAttributes.every((i) => get(i) === '')) {
    problems.push({ message: c.usernameAttributesMessage });
  }

  // One message per column: a value the standard rules already explained is not explained again by its schema type.
  const explained = problems.length > 0 ? new Set(problems.map((p) => p.column)) : undefined;
  // Length-only rules cannot fail on a row shorter than the smallest of those limits: most rows skip them.
  const checks = rowLength !== undefined && rowLength <= c.shortestMaxLength ? c.alwaysChecked : c.schemaChecks;
  for (const { index, column, rule } of checks) {
    if (explained?.has(column)) continue;
    const value = values[index];
    if (value === '') {
      if (rule.required) problems.push({ column, message: `${column} is required by the user pool` });
      continue;
    }
    if (rule.type === 'Number') {
      if (!INTEGER.test(value)) { problems.push({ column, message: `${column} must be an integer` }); continue; }
      const n = Number(value);
      if (rule.minValue !== undefined && n < rule.minValue) problems.push({ column, message: `${column} is below its minimum ${rule.minValue}` });
      if (rule.maxValue !== undefined && n > rule.maxValue) problems.push({ column, message: `${column} is above its maximum ${rule.maxValue}` });
      continue;
    }
    if (rule.type === 'String' || rule.type === 'DateTime') {
      // value.length counts UTF-16 units (≥ characters): count characters only when it matters.
      let length = value.length;
      const mayBeShort = rule.minLength !== undefined && length < rule.minLength * 2;
      const mayBeLong = rule.maxLength !== undefined && length > rule.maxLength;
      if (mayBeShort || mayBeLong) length = codePoints(value);
      if (rule.minLength !== undefined && length < rule.minLength) problems.push({ column, message: `${column} is shorter than ${rule.minLength} characters` });
      if (rule.maxLength !== undefined && length > rule.maxLength) problems.push({ column, message: `${column} is longer than ${rule.maxLength} characters` });
    }
  }

  if (rules.passwordHashingAlgorithm) {
    const problem = checkPasswordHash(rules.passwordHashingAlgorithm, get(c.passwordHash));
    if (problem) problems.push({ column: PASSWORD_HASH_COLUMN, message: problem });
  }

  return { username, values, problems, booleansNormalized, mfaFilled, valuesTrimmed };
}

/** Column positions and per-pool messages, worked out once per pool instead of once per row. */
interface CompiledRules {
  readonly username: number;
  readonly email: number;
  readonly phone: number;
  readonly emailVerified: number;
  readonly phoneVerified: number;
  readonly mfa: number;
  readonly birthdate: number;
  readonly updatedAt: number;
  readonly passwordHash: number;
  readonly booleans: readonly number[];
  readonly emailAutoVerified: boolean;
  readonly phoneAutoVerified: boolean;
  readonly noVerifiedMessage: string;
  readonly usernameAttributes: readonly number[];
  readonly usernameAttributesMessage: string;
  readonly schemaChecks: ReadonlyArray<{ index: number; column: string; rule: AttributeRule }>;
  /** The schema checks that are not just a maximum length. */
  readonly alwaysChecked: ReadonlyArray<{ index: number; column: string; rule: AttributeRule }>;
  /** The smallest maximum length among the length-only checks (Infinity when none). */
  readonly shortestMaxLength: number;
  /** Reused by checkPlainRow for each row's values. */
  readonly scratch: string[];
}

const compiledRules = new WeakMap<PoolRules, CompiledRules>();

function compiled(rules: PoolRules): CompiledRules {
  const cached = compiledRules.get(rules);
  if (cached) return cached;
  const at = (column: string) => rules.columns.indexOf(column);
  const booleans: number[] = [];
  const schemaChecks: Array<{ index: number; column: string; rule: AttributeRule }> = [];
  rules.columns.forEach((column, index) => {
    const rule = rules.attributes.get(column);
    if (BOOLEAN_COLUMNS.has(column) || rule?.type === 'Boolean') booleans.push(index);
    if (rule) schemaChecks.push({ index, column, rule });
  });
  const lengthOnly = (r: AttributeRule) => (r.type === 'String' || r.type === 'DateTime') && !r.required && !r.minLength && r.maxLength !== undefined;
  const alwaysChecked = schemaChecks.filter((check) => !lengthOnly(check.rule));
  const shortestMaxLength = Math.min(...schemaChecks.filter((check) => lengthOnly(check.rule)).map((check) => check.rule.maxLength!));
  const c: CompiledRules = {
    scratch: new Array<string>(rules.columns.length).fill(''),
    alwaysChecked,
    shortestMaxLength,
    username: at(USERNAME_COLUMN),
    email: at('email'),
    phone: at('phone_number'),
    emailVerified: at('email_verified'),
    phoneVerified: at('phone_number_verified'),
    mfa: at(MFA_COLUMN),
    birthdate: at('birthdate'),
    updatedAt: at('updated_at'),
    passwordHash: at(PASSWORD_HASH_COLUMN),
    booleans,
    emailAutoVerified: rules.autoVerified.includes('email'),
    phoneAutoVerified: rules.autoVerified.includes('phone_number'),
    noVerifiedMessage: `no verified attribute: the row needs ${rules.autoVerified.map((a) => `${a}_verified=true with ${a}`).join(' or ')}`,
    usernameAttributes: rules.usernameAttributes.map(at),
    usernameAttributesMessage: `the user pool signs users in with ${rules.usernameAttributes.join(' or ')}: the row must set it`,
    schemaChecks,
  };
  compiledRules.set(rules, c);
  return c;
}

/** Characters (code points), as Cognito counts them. */
function codePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch >= 0xd800 && ch <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    n += 1;
  }
  return n;
}

/**
 * Printable ASCII without a space passes at once; anything else goes through the Unicode classes, and
 * invisible characters are refused wherever they are (one rule, whatever surrounds them).
 */
export function isUsername(value: string): boolean {
  return isPrintableAscii(value) || (USERNAME.test(value) && !INVISIBLE.test(value));
}

function isCalendarDate(s: string): boolean {
  // mm/dd/yyyy, checked with arithmetic (a Date per row costs more than the rest of the row).
  if (s.length !== 10 || s.charCodeAt(2) !== 0x2f || s.charCodeAt(5) !== 0x2f) return false;
  const month = twoDigits(s, 0);
  const day = twoDigits(s, 3);
  const year = twoDigits(s, 6) * 100 + twoDigits(s, 8);
  if (month < 1 || month > 12 || day < 1 || year < 0) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : (month === 4 || month === 6 || month === 9 || month === 11) ? 30 : 31;
  return day <= days;
}

/** The number written by the two ASCII digits at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// Hand-written equivalents of the simple patterns, run on every row (a test keeps each equal to its pattern):
//   email  /^[^\s@]+@[^\s@]+\.[^\s@]+$/    phone  /^\+[1-9][0-9]{1,14}$/    digits /^\d+$/    /^[\x21-\x7e]+$/

/** `/^[^\s@]+@[^\s@]+\.[^\s@]+$/`: one @ with something before it, and a dot after it with something on both sides. */
export function isEmail(v: string): boolean {
  const at = v.indexOf('@');
  if (at <= 0 || v.indexOf('@', at + 1) >= 0) return false;
  let dot = v.lastIndexOf('.');
  if (dot === v.length - 1) dot = v.lastIndexOf('.', v.length - 2);
  if (dot <= at + 1) return false;
  for (let i = 0; i < v.length; i++) if (isSpace(v.charCodeAt(i))) return false;
  return true;
}

/** `/^\+[1-9][0-9]{1,14}$/`. */
export function isE164(v: string): boolean {
  const n = v.length;
  if (n < 3 || n > 16 || v.charCodeAt(0) !== 0x2b) return false;
  const first = v.charCodeAt(1);
  return first >= 0x31 && first <= 0x39 && everyCharIn(v, 2, 0x30, 0x39);
}

/** `/^\d+$/`. */
export function isDigits(v: string): boolean {
  return v.length > 0 && everyCharIn(v, 0, 0x30, 0x39);
}

/** `/^[\x21-\x7e]+$/`. */
export function isPrintableAscii(v: string): boolean {
  return v.length > 0 && everyCharIn(v, 0, 0x21, 0x7e);
}

/** Every UTF-16 unit of `v` from `from` on lies in [low, high]. */
function everyCharIn(v: string, from: number, low: number, high: number): boolean {
  for (let i = from; i < v.length; i++) {
    const ch = v.charCodeAt(i);
    if (ch < low || ch > high) return false;
  }
  return true;
}

/** What `\s` matches in a JavaScript regular expression. */
function isSpace(ch: number): boolean {
  if (ch < 0x80) return ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
  return ch === 0xa0 || ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200a) || ch === 0x2028 || ch === 0x2029
    || ch === 0x202f || ch === 0x205f || ch === 0x3000 || ch === 0xfeff;
}
