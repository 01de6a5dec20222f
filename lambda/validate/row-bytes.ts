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
  /** The row check written for this file's columns (see compileRowEnd). */
  readonly rowEnd: RowEnd;
  /** Per source field, what its bytes are checked for while they are scanned (a Kind). */
  readonly kinds: Uint8Array;
  /** Per source field: 1 when a generic rule (required, number, length) applies after the scan. */
  readonly ruled: Uint8Array;
  /**
   * Per source field: how many plain fields (no rule reads them) start there in a row, the last
   * field not counted (it ends the row, not at a comma); 0 for a field a rule reads.
   */
  readonly plainRuns: Uint8Array;
  readonly fields: readonly FieldRule[];
  readonly fieldCount: number;
  /** Longest line (bytes) for which no length-only rule can fail (bytes ≥ characters). */
  readonly maxLineBytes: number;
  readonly emailAuto: boolean;
  readonly phoneAuto: boolean;
  readonly autoVerified: boolean;
  readonly mfa: PoolRules['mfa'];
  /** Sign-in with email / phone_number (UsernameAttributes): a row needs one of them set. */
  readonly usernameByEmail: boolean;
  readonly usernameByPhone: boolean;
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
  const kinds = Uint8Array.from(fields, (r) => r.kind);
  const ruled = Uint8Array.from(fields, (r) => (r.required || r.number || r.minLength > 0 || r.maxLength !== Infinity ? 1 : 0));
  const plainRuns = new Uint8Array(fields.length);
  for (let f = fields.length - 2; f >= 0; f--) {
    if (kinds[f] === Kind.Ignore && ruled[f] === 0) plainRuns[f] = Math.min(255, plainRuns[f + 1] + 1);
  }
  const checks = {
    kinds,
    ruled,
    plainRuns,
    fields,
    fieldCount: plan.sourceColumnCount,
    maxLineBytes: shortest,
    emailAuto: rules.autoVerified.includes('email'),
    phoneAuto: rules.autoVerified.includes('phone_number'),
    autoVerified: rules.autoVerified.length > 0,
    mfa: rules.mfa,
    usernameByEmail: rules.usernameAttributes.includes('email'),
    usernameByPhone: rules.usernameAttributes.includes('phone_number'),
    foldCase: !rules.usernameCaseSensitive,
    hasUsername: plan.sourceIndex[rules.columns.indexOf(USERNAME_COLUMN)] >= 0,
    mfaColumn: rules.columns.includes(MFA_COLUMN),
  };
  return { ...checks, rowEnd: compileRowEnd(checks) };
}

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
  // Quotes, backslashes, CRs and padding go to the string path.
  if (!clean && hasSpecialBytes(buf, start, end)) return false;
  // The row must end where its line does (the check reads up to a byte that ends it).
  if (end < buf.length && buf[end] !== 0x0a && buf[end] !== 0x0d) return false;
  return passingRowEnd(p, buf, start, end, hash) === end;
}

/**
 * The byte path's inner loop: reads the row that starts at `start` and ends at the next LF (or at
 * `limit`), and returns where it ends (the LF's index, or `limit`) when it passes every rule and needs
 * no fix, else -1 (the row is then found and explained by the caller). The caller knows the bytes up
 * to `limit` hold no quote, backslash or CR. When it passes, `hash` holds the username's 64-bit hash
 * (as UsernameSet.hash64 computes it) for the duplicate check.
 */
export function passingRowEnd(p: BytePlan, buf: Buffer, start: number, limit: number, hash: Uint32Array): number {
  return p.rowEnd(buf, start, limit, hash, p.fields);
}

/** passingRowEnd for one file's columns (the pool's bounds in `fields`). */
export type RowEnd = (buf: Buffer, start: number, limit: number, hash: Uint32Array, fields: readonly FieldRule[]) => number;

/**
 * Row checks already written, by their code: a warm worker given files with the same columns reuses
 * one (and the machine code it was optimized into) instead of warming up a new one. Bounded.
 */
const written = new Map<string, RowEnd>();
const MAX_WRITTEN = 32;

/** What the compiled row check calls; nothing else is in its scope. */
const HELPERS = { passesRule, isTrue, isFalse, allIn, digitsValue, isCalendarDateBytes, MAX_EPOCH_SECONDS };

/**
 * Writes the row check for one file's columns as a function of its own, field after field: one pass
 * over the row's bytes, where each field is checked for its kind while it is scanned for the byte that
 * ends it (the username hashed, an email's @ and dots found on the way, runs of fields no rule reads
 * skipped in one loop), and the row's end found by the same scan. Most rows of a file take this path,
 * so it is most of the validate step's time (item 2 of BENCHMARKS.md); written out for the file's
 * columns, it does no per-field lookup of what to check, which measured 25% faster than a loop
 * reading the plan (240 → 180 ms for 500,000 rows).
 *
 * No text from the file or the pool is written into the code: only whole numbers (field positions,
 * kinds, the longest row no length rule can fail), checked here, booleans, fixed code and calls of
 * HELPERS; a column's own bounds are read from `fields` when it runs.
 */
function compileRowEnd(p: Omit<BytePlan, 'rowEnd'>): RowEnd {
  const int = (n: number): string => {
    if (!Number.isSafeInteger(n)) throw new Error(`row check: ${n} is not a whole number`);
    return String(n);
  };
  const bool = (b: boolean): string => (b ? 'true' : 'false');
  const flagOf = ['ev', 'pv', 'mfa'];
  const code: string[] = [
    'let i = start, s = 0, n = 0, b = 0, ev = 0, pv = 0, mfa = 0, at = -1, dot = -1, dotBefore = -1;',
    'let emailSet = false, phoneSet = false, usernameSet = false, h1 = 0xdeadbeef | 0, h2 = 0x41c6ce57 | 0;',
  ];
  const last = p.fieldCount - 1;
  for (let f = 0; f <= last; f++) {
    const run = p.plainRuns[f];
    if (run > 0) {
      // Each ends at a comma; only the bytes at or below the comma are looked at twice. The LF or
      // `limit` (always a byte at or below the comma: see rowPassesOnBytes) ends the row too early.
      code.push(
        `for (let r = 0; r < ${int(run)}; r++) {`,
        '  s = i;',
        '  for (;;) { b = buf[i]; if (b > 0x2c) { i++; continue; } if (b === 0x2c) break; if (b === 0x0a || i >= limit) return -1; i++; }',
        '  if (i > s && (buf[s] <= 0x20 || buf[i - 1] <= 0x20)) return -1;',
        '  i++;',
        '}',
      );
      f += run - 1;
      continue;
    }
    code.push('s = i;');
    switch (p.kinds[f]) {
      case Kind.Username:
        code.push(
          'for (; i < limit; i++) {',
          '  let ch = buf[i];',
          '  if (ch <= 0x2c) { if (ch === 0x2c || ch === 0x0a) break; if (ch < 0x21) return -1; }',
          '  else if (ch > 0x7e) return -1;',
          p.foldCase ? '  else if (ch >= 65 && ch <= 90) ch += 32;' : '',
          '  h1 = Math.imul(h1 ^ ch, 2654435761); h2 = Math.imul(h2 ^ ch, 1597334677);',
          '}',
          'if (i - s > 128) return -1;',
          'usernameSet = i > s;',
        );
        break;
      case Kind.Email:
        // row-validator's isEmail, for ASCII bytes: one @ with something before it, a dot after it
        // with something on both sides, no white space; non-ASCII goes to the string path.
        code.push(
          'at = -1; dot = -1; dotBefore = -1;',
          'for (; i < limit; i++) {',
          '  b = buf[i];',
          '  if (b > 0x40) { if (b >= 0x7f) return -1; }',
          '  else if (b === 0x40) { if (at >= 0) return -1; at = i; }',
          '  else if (b === 0x2e) { dotBefore = dot; dot = i; }',
          '  else if (b === 0x2c || b === 0x0a) break;',
          '  else if (b <= 0x20) return -1;',
          '}',
          'if (i > s) { if (at <= s) return -1; if (dot === i - 1) dot = dotBefore; if (dot <= at + 1) return -1; emailSet = true; }',
        );
        break;
      default: {
        code.push(
          'for (; i < limit; i++) { b = buf[i]; if (b <= 0x2c && (b === 0x2c || b === 0x0a)) break; }',
          'n = i - s;',
        );
        let check = '';
        switch (p.kinds[f]) {
          case Kind.Phone:
            check = 'if (n < 3 || n > 16 || buf[s] !== 0x2b || buf[s + 1] < 0x31 || buf[s + 1] > 0x39 || !allIn(buf, s + 2, i, 0x30, 0x39)) return -1; phoneSet = true;';
            break;
          case Kind.Bool: {
            // Only `true` and `false` pass as they are; anything else is normalized or explained.
            const slot = p.fields[f].slot;
            const into = slot < flagOf.length ? flagOf[slot] : 'b';
            check = `if (isTrue(buf, s, n)) ${into} = ${Flag.True}; else if (isFalse(buf, s, n)) ${into} = ${Flag.False}; else return -1;`;
            break;
          }
          case Kind.Birthdate: check = 'if (!isCalendarDateBytes(buf, s, i)) return -1;'; break;
          case Kind.UpdatedAt: check = 'if (n > 12 || digitsValue(buf, s, i) > MAX_EPOCH_SECONDS) return -1;'; break;
        }
        code.push(`if (n > 0) { if (buf[s] <= 0x20 || buf[i - 1] <= 0x20) return -1; ${check} }`);
      }
    }
    if (p.ruled[f] === 1) code.push(`if (!passesRule(fields[${int(f)}], buf, s, i)) return -1;`);
    // A field other than the last ends at a comma; the last one at the LF or `limit`.
    code.push(f === last ? 'if (i < limit && buf[i] !== 0x0a) return -1;' : 'if (i >= limit || buf[i] !== 0x2c) return -1; i++;');
  }
  code.push(
    // A bound that is not a whole number (a pool's odd MaxLength) sends every row to the string path.
    `if (i - start > ${int(Number.isSafeInteger(p.maxLineBytes) ? p.maxLineBytes : 0)}) return -1;`,
    `if (!${bool(p.hasUsername)} || !usernameSet) return -1;`,
    `if ((ev === ${Flag.True} && !emailSet) || (pv === ${Flag.True} && !phoneSet)) return -1;`,
    `const verified = (${bool(p.emailAuto)} && ev === ${Flag.True} && emailSet) || (${bool(p.phoneAuto)} && pv === ${Flag.True} && phoneSet);`,
    `if (!verified && ${bool(p.autoVerified)}) return -1;`,
    `if ((mfa === ${Flag.True} && ${bool(p.mfa === 'OFF')}) || (mfa === ${Flag.False} && ${bool(p.mfa === 'ON')})) return -1;`,
    `if (${bool(p.mfaColumn)} && mfa === ${Flag.Empty}) return -1;`,
    `if (${bool(p.usernameByEmail || p.usernameByPhone)} && !(${bool(p.usernameByEmail)} && emailSet) && !(${bool(p.usernameByPhone)} && phoneSet)) return -1;`,
    // hash64's finish (username-set.ts).
    'h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);',
    'h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);',
    'hash[0] = h1 >>> 0; hash[1] = h2 >>> 0;',
    'return i;',
  );
  const scope = `const { ${Object.keys(HELPERS).join(', ')} } = h;`;
  const body = `'use strict';\n${scope}\nreturn function rowEnd(buf, start, limit, hash, fields) {\n${code.filter((l) => l !== '').join('\n')}\n};`;
  let rowEnd = written.get(body);
  if (!rowEnd) {
    if (written.size >= MAX_WRITTEN) written.clear();
    rowEnd = writeFunction(body);
    written.set(body, rowEnd);
  }
  return rowEnd;
}

/**
 * The function `body` returns. Where code cannot be made from text (Node started with
 * --disallow-code-generation-from-strings), no row passes on its bytes: every row then takes the
 * string path, which gives the same verdicts, only slower.
 */
function writeFunction(body: string): RowEnd {
  try {
    return new Function('h', body)(HELPERS) as RowEnd;
  } catch (err) {
    if (err instanceof EvalError) return () => -1;
    throw err;
  }
}

/** The pool's generic rules for one field (required, number and its bounds, length in characters). */
function passesRule(r: FieldRule, buf: Buffer, s: number, e: number): boolean {
  const n = e - s;
  if (n === 0) return !r.required;
  if (r.number) {
    const neg = buf[s] === 0x2d;
    if (n > 15 || (neg && n === 1)) return false;
    const magnitude = digitsValue(buf, neg ? s + 1 : s, e);
    if (magnitude === Infinity) return false;
    const v = neg ? -magnitude : magnitude;
    return v >= r.minValue && v <= r.maxValue;
  }
  if (r.minLength === 0 && r.maxLength === Infinity) return true;
  // Lengths in characters: only ASCII is counted here.
  return allIn(buf, s, e, 0x20, 0x7e) && n >= r.minLength && n <= r.maxLength;
}

/** `true`, byte by byte (the only spelling that needs no normalizing). */
function isTrue(buf: Buffer, s: number, n: number): boolean {
  return n === 4 && buf[s] === 0x74 && buf[s + 1] === 0x72 && buf[s + 2] === 0x75 && buf[s + 3] === 0x65;
}

/** `false`, byte by byte. */
function isFalse(buf: Buffer, s: number, n: number): boolean {
  return n === 5 && buf[s] === 0x66 && buf[s + 1] === 0x61 && buf[s + 2] === 0x6c && buf[s + 3] === 0x73 && buf[s + 4] === 0x65;
}

function allIn(buf: Buffer, s: number, e: number, low: number, high: number): boolean {
  for (let i = s; i < e; i++) { const b = buf[i]; if (b < low || b > high) return false; }
  return true;
}

/** The ASCII digits `buf[s, e)` as a number (one pass), or Infinity when any byte is not a digit. */
function digitsValue(buf: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return Infinity;
    v = v * 10 + d;
  }
  return v;
}

function isCalendarDateBytes(buf: Buffer, s: number, e: number): boolean {
  if (e - s !== 10 || buf[s + 2] !== 0x2f || buf[s + 5] !== 0x2f) return false;
  const month = twoDigits(buf, s);
  const day = twoDigits(buf, s + 3);
  const hi = twoDigits(buf, s + 6);
  const lo = twoDigits(buf, s + 8);
  if (month < 1 || month > 12 || day < 1 || hi < 0 || lo < 0) return false;
  const year = hi * 100 + lo;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : (month === 4 || month === 6 || month === 9 || month === 11) ? 30 : 31;
  return day <= days;
}

/** The two ASCII digits at `i` as a number, or -1. */
function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i] - 48;
  const b = buf[i + 1] - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
