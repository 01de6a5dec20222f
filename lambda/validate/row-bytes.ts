import { HeaderPlan } from './header-check';
import { BOOLEAN_COLUMNS, MFA_COLUMN, PoolRules, USERNAME_COLUMN } from './pool-rules';
import { MAX_EPOCH_SECONDS } from './row-validator';

/**
 * The validate step's fast path, on the line's bytes: decides that a row passes every rule and can be
 * uploaded exactly as it is, without making a string for any field. It only ever says "passes"; a row
 * it cannot decide (non-ASCII in a field a rule reads, a quote, a backslash, padding, a CR, a value to
 * normalize, any problem) is handed to the string path (row-validator.ts), which explains or fixes it.
 * A differential test keeps "passes here" ⇒ "no problem and nothing to fix there".
 */

const enum Kind { Ignore, Username, Email, Phone, Bool, Birthdate, UpdatedAt }
const enum Flag { Empty = 0, True = 1, False = 2 }

interface FieldRule {
  readonly kind: Kind;
  /** For Bool: which flag slot (0 email_verified, 1 phone_number_verified, 2 mfa, 3+ others). */
  readonly slot: number;
  readonly required: boolean;
  readonly number: boolean;
  readonly minLength: number;
  readonly maxLength: number; // checked only when not length-only (those are covered by the line length)
  readonly minValue: number;
  readonly maxValue: number;
}

export interface BytePlan {
  readonly fields: readonly FieldRule[];
  /** Indices of the fields with any rule to check; the others (most columns) are only split out. */
  readonly checked: Int32Array;
  readonly fieldCount: number;
  /** Longest line (bytes) for which no length-only rule can fail (bytes ≥ characters). */
  readonly maxLineBytes: number;
  readonly emailAuto: boolean;
  readonly phoneAuto: boolean;
  readonly autoVerified: boolean;
  readonly mfa: PoolRules['mfa'];
  /** Source field index of each username attribute (email/phone_number), -1 when not in the file. */
  readonly usernameAttributes: readonly number[];
  readonly foldCase: boolean;
  readonly hasUsername: boolean;
  /** The pool has cognito:mfa_enabled: a blank one is filled (a fix), so only rows that set it pass here. */
  readonly mfaColumn: boolean;
}

/** The plan for one file, or undefined when the fast path cannot be used (password hashes). */
export function bytePlan(rules: PoolRules, plan: HeaderPlan, maxRowCharacters: number): BytePlan | undefined {
  if (rules.passwordHashingAlgorithm) return undefined;
  const fields: FieldRule[] = [];
  let shortest = maxRowCharacters;
  let otherBools = 3;
  for (let s = 0; s < plan.sourceColumnCount; s++) {
    const column = rules.columns[plan.sourceIndex.indexOf(s)];
    const rule = column === undefined ? undefined : rules.attributes.get(column);
    let kind = Kind.Ignore;
    let slot = 0;
    if (column === USERNAME_COLUMN) kind = Kind.Username;
    else if (column === 'email') kind = Kind.Email;
    else if (column === 'phone_number') kind = Kind.Phone;
    else if (column === 'birthdate') kind = Kind.Birthdate;
    else if (column === 'updated_at') kind = Kind.UpdatedAt;
    else if (column !== undefined && (BOOLEAN_COLUMNS.has(column) || rule?.type === 'Boolean')) {
      kind = Kind.Bool;
      slot = column === 'email_verified' ? 0 : column === 'phone_number_verified' ? 1 : column === MFA_COLUMN ? 2 : otherBools++;
    }
    const lengthOnly = rule !== undefined && (rule.type === 'String' || rule.type === 'DateTime') && !rule.required && !rule.minLength && rule.maxLength !== undefined;
    if (lengthOnly) shortest = Math.min(shortest, rule.maxLength!);
    const checked = rule !== undefined && !lengthOnly;
    fields.push({
      kind, slot,
      required: checked && rule.required,
      number: checked && rule.type === 'Number',
      minLength: checked && (rule.type === 'String' || rule.type === 'DateTime') ? rule.minLength ?? 0 : 0,
      maxLength: checked && (rule.type === 'String' || rule.type === 'DateTime') ? rule.maxLength ?? Infinity : Infinity,
      minValue: checked ? rule.minValue ?? -Infinity : -Infinity,
      maxValue: checked ? rule.maxValue ?? Infinity : Infinity,
    });
  }
  const checked = fields.flatMap((r, f) => (r.kind !== Kind.Ignore || r.required || r.number || r.minLength > 0 || r.maxLength !== Infinity ? [f] : []));
  return {
    fields,
    checked: Int32Array.from(checked),
    fieldCount: plan.sourceColumnCount,
    maxLineBytes: shortest,
    emailAuto: rules.autoVerified.includes('email'),
    phoneAuto: rules.autoVerified.includes('phone_number'),
    autoVerified: rules.autoVerified.length > 0,
    mfa: rules.mfa,
    usernameAttributes: rules.usernameAttributes.map((c) => plan.sourceIndex[rules.columns.indexOf(c)] ?? -1),
    foldCase: !rules.usernameCaseSensitive,
    hasUsername: plan.sourceIndex[rules.columns.indexOf(USERNAME_COLUMN)] >= 0,
    mfaColumn: rules.columns.includes(MFA_COLUMN),
  };
}

/** Per-row scratch, reused (no allocation per row). */
const flags = new Uint8Array(3);
const starts = new Int32Array(512);
const ends = new Int32Array(512);

/** Whether `buf[start, end)` holds a quote, a backslash or a CR (checked once per region when it can be). */
export function hasSpecialBytes(buf: Buffer, start = 0, end = buf.length): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === 0x22 || b === 0x5c || b === 0x0d) return true;
  }
  return false;
}

/**
 * Whether the row in `buf[start, end)` passes every rule and needs no fix. When it does, `hash` holds
 * the username's 64-bit hash (as UsernameSet.hash64 computes it) for the duplicate check. `clean`: the
 * caller already knows the row has no quote, backslash or CR.
 */
export function rowPassesOnBytes(p: BytePlan, buf: Buffer, start: number, end: number, hash: Uint32Array, clean = false): boolean {
  if (end - start > p.maxLineBytes || p.fieldCount > starts.length) return false;
  // Quotes, backslashes, CRs and padding go to the string path.
  if (!clean && hasSpecialBytes(buf, start, end)) return false;
  let field = 0;
  let from = start;
  for (;;) {
    let i = from;
    while (i < end && buf[i] !== 0x2c) i++;
    if (field >= p.fieldCount) return false;
    if (i > from && (buf[from] <= 0x20 || buf[i - 1] <= 0x20)) return false;
    starts[field] = from;
    ends[field] = i;
    field += 1;
    if (i >= end) break;
    from = i + 1;
  }
  if (field !== p.fieldCount) return false;

  flags[0] = Flag.Empty;
  flags[1] = Flag.Empty;
  flags[2] = Flag.Empty;
  let emailSet = false;
  let phoneSet = false;
  let usernameStart = -1;
  let usernameEnd = -1;
  const checked = p.checked;
  for (let c = 0; c < checked.length; c++) {
    const f = checked[c];
    const r = p.fields[f];
    const s = starts[f];
    const e = ends[f];
    const n = e - s;
    if (n === 0) {
      if (r.required) return false;
      continue;
    }
    switch (r.kind) {
      case Kind.Ignore: break;
      case Kind.Username:
        if (n > 128 || !allIn(buf, s, e, 0x21, 0x7e)) return false;
        usernameStart = s; usernameEnd = e;
        break;
      case Kind.Email: if (!isEmailBytes(buf, s, e)) return false; emailSet = true; break;
      case Kind.Phone:
        if (n < 3 || n > 16 || buf[s] !== 0x2b || buf[s + 1] < 0x31 || buf[s + 1] > 0x39 || !allIn(buf, s + 2, e, 0x30, 0x39)) return false;
        phoneSet = true;
        break;
      case Kind.Bool: {
        const flag = isWord(buf, s, e, TRUE) ? Flag.True : isWord(buf, s, e, FALSE) ? Flag.False : -1;
        if (flag < 0) return false; // to normalize or to explain
        if (r.slot < 3) flags[r.slot] = flag;
        break;
      }
      case Kind.Birthdate: if (!isCalendarDateBytes(buf, s, e)) return false; break;
      case Kind.UpdatedAt: if (n > 12 || !allIn(buf, s, e, 0x30, 0x39) || digits(buf, s, e) > MAX_EPOCH_SECONDS) return false; break;
    }
    if (r.number) {
      const neg = buf[s] === 0x2d;
      if (n > 15 || (neg && n === 1) || !allIn(buf, neg ? s + 1 : s, e, 0x30, 0x39)) return false;
      const v = neg ? -digits(buf, s + 1, e) : digits(buf, s, e);
      if (v < r.minValue || v > r.maxValue) return false;
    } else if (r.minLength > 0 || r.maxLength !== Infinity) {
      // Lengths in characters: only ASCII is counted here.
      if (!allIn(buf, s, e, 0x20, 0x7e) || n < r.minLength || n > r.maxLength) return false;
    }
  }
  if (!p.hasUsername || usernameStart < 0) return false;
  const ev = flags[0];
  const pv = flags[1];
  if ((ev === Flag.True && !emailSet) || (pv === Flag.True && !phoneSet)) return false;
  const verified = (p.emailAuto && ev === Flag.True && emailSet) || (p.phoneAuto && pv === Flag.True && phoneSet);
  if (!verified && p.autoVerified) return false;
  if ((flags[2] === Flag.True && p.mfa === 'OFF') || (flags[2] === Flag.False && p.mfa === 'ON')) return false;
  if (p.mfaColumn && flags[2] === Flag.Empty) return false;
  if (p.usernameAttributes.length > 0 && p.usernameAttributes.every((at) => at < 0 || starts[at] === ends[at])) return false;
  hashBytes(buf, usernameStart, usernameEnd, p.foldCase, hash);
  return true;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

function isWord(buf: Buffer, s: number, e: number, word: Buffer): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word[i]) return false;
  return true;
}

function allIn(buf: Buffer, s: number, e: number, low: number, high: number): boolean {
  for (let i = s; i < e; i++) { const b = buf[i]; if (b < low || b > high) return false; }
  return true;
}

function digits(buf: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (buf[i] - 0x30);
  return v;
}

/** row-validator's isEmail, for ASCII bytes: one @ with something before it, a dot after it with something on both sides, no white space. */
function isEmailBytes(buf: Buffer, s: number, e: number): boolean {
  let at = -1;
  let dot = -1;
  let dotBefore = -1;
  for (let i = s; i < e; i++) {
    const b = buf[i];
    if (b >= 0x80 || b <= 0x20 || b === 0x7f) return false; // non-ASCII: the string path decides
    if (b === 0x40) { if (at >= 0) return false; at = i; }
    if (b === 0x2e) { dotBefore = dot; dot = i; }
  }
  if (at <= s) return false;
  if (dot === e - 1) dot = dotBefore;
  return dot > at + 1;
}

function isCalendarDateBytes(buf: Buffer, s: number, e: number): boolean {
  if (e - s !== 10 || buf[s + 2] !== 0x2f || buf[s + 5] !== 0x2f) return false;
  const d2 = (i: number) => {
    const a = buf[s + i] - 48;
    const b = buf[s + i + 1] - 48;
    return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
  };
  const month = d2(0);
  const day = d2(3);
  const hi = d2(6);
  const lo = d2(8);
  if (month < 1 || month > 12 || day < 1 || hi < 0 || lo < 0) return false;
  const year = hi * 100 + lo;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : (month === 4 || month === 6 || month === 9 || month === 11) ? 30 : 31;
  return day <= days;
}

/** username-set.ts's hash64 over ASCII bytes (a byte is its character code), into `out` [hi, lo]. */
function hashBytes(buf: Buffer, s: number, e: number, foldCase: boolean, out: Uint32Array): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = s; i < e; i++) {
    let ch = buf[i];
    if (foldCase && ch >= 65 && ch <= 90) ch += 32;
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
}
