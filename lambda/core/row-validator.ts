import { checkPasswordHash } from './password-hash';
import { HeaderPlan } from './header-check';
import { BOOLEAN_COLUMNS, MFA_COLUMN, PASSWORD_HASH_COLUMN, PoolRules, USERNAME_COLUMN } from './pool-rules';

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
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9][0-9]{1,14}$/;
const BIRTHDATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
// Cognito usernames: letters, marks, symbols, numbers, punctuation; no whitespace or control characters.
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
const MAX_EPOCH_SECONDS = 253402300799; // 9999-12-31: larger values are milliseconds by mistake

/**
 * Every row rule of DESIGN §4/§5 that can be decided from one row and the pool. Duplicate
 * usernames and row length need the whole line and the file so are checked by the caller.
 * Messages name columns and limits, never the values.
 */
export function checkRow(rules: PoolRules, plan: HeaderPlan, fields: readonly string[]): CheckedRow {
  const problems: RowProblem[] = [];
  let booleansNormalized = 0;
  if (fields.length !== plan.sourceColumnCount) {
    problems.push({
      message: `row has ${fields.length} fields but the header has ${plan.sourceColumnCount} (a comma inside a value must be written \\, or quoted)`,
    });
    const usernameAt = plan.sourceIndex[rules.columns.indexOf(USERNAME_COLUMN)];
    const username = usernameAt >= 0 && usernameAt < fields.length ? fields[usernameAt].trim() : '';
    return { username: USERNAME.test(username) ? username : '', values: [], problems, booleansNormalized };
  }

  const values = plan.sourceIndex.map((i) => (i >= 0 ? fields[i].trim() : ''));
  const get = (column: string) => {
    const i = rules.columns.indexOf(column);
    return i >= 0 ? values[i] : '';
  };

  rules.columns.forEach((column, i) => {
    const rule = rules.attributes.get(column);
    if (BOOLEAN_COLUMNS.has(column) || rule?.type === 'Boolean') {
      const lower = values[i].toLowerCase();
      if (lower === 'true' || lower === 'false') {
        if (lower !== values[i]) { values[i] = lower; booleansNormalized += 1; }
      } else if (values[i] !== '') {
        problems.push({ column, message: `${column} must be true or false` });
      }
    }
  });

  const username = get(USERNAME_COLUMN);
  if (username === '') problems.push({ column: USERNAME_COLUMN, message: 'cognito:username is empty' });
  else if (!USERNAME.test(username)) problems.push({ column: USERNAME_COLUMN, message: 'cognito:username contains whitespace or control characters' });
  else if ([...username].length > 128) problems.push({ column: USERNAME_COLUMN, message: 'cognito:username is longer than 128 characters' });

  const email = get('email');
  const phone = get('phone_number');
  if (email !== '' && !EMAIL.test(email)) problems.push({ column: 'email', message: 'email is not a valid email address' });
  if (phone !== '' && !E164.test(phone)) problems.push({ column: 'phone_number', message: 'phone_number is not in E.164 format (+ and up to 15 digits)' });

  const birthdate = get('birthdate');
  if (birthdate !== '' && !isCalendarDate(birthdate)) problems.push({ column: 'birthdate', message: 'birthdate is not a date in mm/dd/yyyy format' });
  const updatedAt = get('updated_at');
  if (updatedAt !== '' && (!/^\d+$/.test(updatedAt) || Number(updatedAt) > MAX_EPOCH_SECONDS)) {
    problems.push({ column: 'updated_at', message: 'updated_at is not a time in epoch seconds' });
  }

  // At least one auto-verified attribute set to true, with its value present.
  let verified = false;
  for (const attr of ['email', 'phone_number'] as const) {
    const flag = get(`${attr}_verified`);
    const value = attr === 'email' ? email : phone;
    if (flag === 'true' && value === '') problems.push({ column: `${attr}_verified`, message: `${attr}_verified is true but ${attr} is empty` });
    if (rules.autoVerified.includes(attr) && flag === 'true' && value !== '') verified = true;
  }
  if (!verified && rules.autoVerified.length > 0) {
    const options = rules.autoVerified.map((a) => `${a}_verified=true with ${a}`).join(' or ');
    problems.push({ message: `no verified attribute: the row needs ${options}` });
  }

  const mfa = get(MFA_COLUMN);
  if (mfa === 'true' && rules.mfa === 'OFF') problems.push({ column: MFA_COLUMN, message: 'cognito:mfa_enabled is true but the user pool has MFA off' });
  if (mfa === 'false' && rules.mfa === 'ON') problems.push({ column: MFA_COLUMN, message: 'cognito:mfa_enabled is false but the user pool requires MFA' });

  if (rules.usernameAttributes.length > 0 && rules.usernameAttributes.every((a) => get(a) === '')) {
    problems.push({ message: `the user pool signs users in with ${rules.usernameAttributes.join(' or ')}: the row must set it` });
  }

  // One message per column: a value the standard rules already explained is not explained again by its schema type.
  const explained = new Set(problems.map((p) => p.column));
  rules.columns.forEach((column, i) => {
    const rule = rules.attributes.get(column);
    if (!rule || explained.has(column)) return;
    const value = values[i];
    if (value === '') {
      if (rule.required) problems.push({ column, message: `${column} is required by the user pool` });
      return;
    }
    if (rule.type === 'Number') {
      if (!/^-?\d+$/.test(value)) { problems.push({ column, message: `${column} must be an integer` }); return; }
      const n = Number(value);
      if (rule.minValue !== undefined && n < rule.minValue) problems.push({ column, message: `${column} is below its minimum ${rule.minValue}` });
      if (rule.maxValue !== undefined && n > rule.maxValue) problems.push({ column, message: `${column} is above its maximum ${rule.maxValue}` });
      return;
    }
    if (rule.type === 'String' || rule.type === 'DateTime') {
      const length = [...value].length;
      if (rule.minLength !== undefined && length < rule.minLength) problems.push({ column, message: `${column} is shorter than ${rule.minLength} characters` });
      if (rule.maxLength !== undefined && length > rule.maxLength) problems.push({ column, message: `${column} is longer than ${rule.maxLength} characters` });
    }
  });

  if (rules.passwordHashingAlgorithm) {
    const problem = checkPasswordHash(rules.passwordHashingAlgorithm, get(PASSWORD_HASH_COLUMN));
    if (problem) problems.push({ column: PASSWORD_HASH_COLUMN, message: problem });
  }

  return { username, values, problems, booleansNormalized };
}

function isCalendarDate(s: string): boolean {
  const m = BIRTHDATE.exec(s);
  if (!m) return false;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
