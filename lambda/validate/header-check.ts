import { trimPadding } from '../csv/cognito-dialect';
import { PoolRules, USERNAME_COLUMN, PASSWORD_HASH_COLUMN } from './pool-rules';

/** How the dropped file's columns map onto the part's columns. */
export interface HeaderPlan {
  /** For each part column (PoolRules.columns order), the index in the source row, or -1 (filled empty). */
  readonly sourceIndex: readonly number[];
  readonly sourceColumnCount: number;
  /** Part columns the file lacks (added empty: a counted fix). */
  readonly missing: readonly string[];
  /** File-level problems: the file is rejected when any. */
  readonly errors: readonly { column?: string; message: string }[];
}

/** Unknown columns named in the one message about them; the rest are counted. */
const UNKNOWN_NAMED = 10;
/** A column name is quoted up to this many characters. */
const NAME_SHOWN = 64;
const shorten = (name: string) => (name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN)}…` : name);

/**
 * The header must only hold columns GetCSVHeader knows (order free), each once; missing columns
 * are added empty unless no row could then be valid (username, required attributes).
 */
export function planHeader(rules: PoolRules, header: readonly string[]): HeaderPlan {
  const errors: { column?: string; message: string }[] = [];
  const names = header.map(trimPadding);
  const seen = new Map<string, number>();
  // A first line that holds a column the pool knows is a header: its cells are column names and an unknown
  // one is named. Otherwise the line may be a user's data (a file without a header puts its first user's
  // email and phone here), so unknown cells are named by position only.
  const evidentHeader = names.some((name) => rules.columns.includes(name) || name === USERNAME_COLUMN);
  const unknown: string[] = [];
  names.forEach((name, i) => {
    const known = rules.columns.includes(name);
    if (name === '') {
      // In a line that is not a header an empty cell is just an empty value: one more position.
      if (evidentHeader) errors.push({ message: `header column ${i + 1} is empty` });
      else unknown.push(String(i + 1));
      return;
    }
    if (seen.has(name)) {
      if (known) errors.push({ column: name, message: `header column ${name} appears more than once (columns ${seen.get(name)! + 1} and ${i + 1})` });
      else unknown.push(evidentHeader ? `${shorten(name)} (again)` : String(i + 1));
      return;
    }
    seen.set(name, i);
    if (!known) unknown.push(evidentHeader ? shorten(name) : String(i + 1));
  });
  // One file-level entry for all unknown columns, however many (the list capped, the rest counted).
  if (unknown.length > 0) {
    const listed = unknown.slice(0, UNKNOWN_NAMED);
    const more = unknown.length > listed.length ? ` and ${unknown.length - listed.length} more` : '';
    const one = unknown.length === 1;
    errors.push({
      message: evidentHeader
        ? `header column${one ? '' : 's'} ${listed.join(', ')}${more} ${one ? 'is not an attribute' : 'are not attributes'} of the user pool (GetCSVHeader): rename ${one ? 'it' : 'them'} to the pool's attribute names or remove ${one ? 'it' : 'them'}`
        : `header column${one ? '' : 's'} ${listed.join(', ')}${more} ${one ? 'is not an attribute' : 'are not attributes'} of the user pool (GetCSVHeader); is the header line missing?`,
    });
  }
  if (rules.autoVerified.length === 0) {
    errors.push({ message: 'the user pool has no auto-verified attribute (email or phone_number): Cognito cannot import into it' });
  }
  const missing = rules.columns.filter((c) => !seen.has(c));
  for (const column of missing) {
    if (column === USERNAME_COLUMN) {
      errors.push({ column, message: 'header has no cognito:username column' });
    } else if (column === PASSWORD_HASH_COLUMN && rules.passwordHashingAlgorithm) {
      // Cognito fails the whole job when the algorithm is set and the column is missing (the guide).
      errors.push({ column, message: `header has no password_hash column, which the importer's passwordHashingAlgorithm (${rules.passwordHashingAlgorithm}) requires: add the column (an empty value imports that user without a password)` });
    } else if (rules.attributes.get(column)?.required) {
      errors.push({ column, message: `header has no ${column} column, which the user pool requires` });
    }
  }
  return {
    sourceIndex: rules.columns.map((c) => (seen.has(c) ? seen.get(c)! : -1)),
    sourceColumnCount: names.length,
    missing,
    errors,
  };
}
