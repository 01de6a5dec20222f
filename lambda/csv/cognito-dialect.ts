/**
 * Cognito's CSV dialect: the one definition the engine writes parts with and reads them back with
 * (validate, harvest). What Cognito documents (see docs/csv-and-report.md, CSV format and Cognito's dialect):
 *
 * - fields are separated by `,`; values are not quoted (a `"` is an ordinary character);
 * - a comma inside a value is written `\,`; a `\` followed by anything else is itself;
 * - leading and trailing spaces are trimmed.
 *
 * Consequences for writing, so that a value reads back exactly as it was validated:
 * - commas become `\,` (`\` then `,` in the value becomes `\\,`, which reads back as `\,`);
 * - a value ending in `\` cannot be followed by a separator (`\` + `,` reads as an escaped comma):
 *   it can only be the row's last field, otherwise the row cannot be written faithfully;
 * - values are written already trimmed, so what Cognito reads does not depend on which characters it
 *   trims (only characters up to U+0020 count as padding here: U+00A0, U+FEFF, zero-width and other
 *   invisible characters are part of the value).
 */

export const COMMA = 0x2c;
export const BACKSLASH = 0x5c;

/** Splits one line of a part as Cognito reads it (no trimming: parts are written trimmed). */
export function readCognitoFields(line: string): string[] {
  if (line.indexOf('\\') < 0) return line.split(',');
  const fields: string[] = [];
  let value = '';
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === BACKSLASH && line.charCodeAt(i + 1) === COMMA) {
      value += line.slice(from, i) + ',';
      i += 1;
      from = i + 1;
    } else if (ch === COMMA) {
      fields.push(value + line.slice(from, i));
      value = '';
      from = i + 1;
    }
  }
  fields.push(value + line.slice(from));
  return fields;
}

/** The field at `index` of a part line as Cognito reads it, without splitting the rest of the line. */
export function readCognitoField(line: string, index: number): string | undefined {
  if (line.indexOf('\\') >= 0) return readCognitoFields(line)[index];
  let start = 0;
  for (let k = 0; k < index; k++) {
    const comma = line.indexOf(',', start);
    if (comma < 0) return undefined;
    start = comma + 1;
  }
  const end = line.indexOf(',', start);
  return line.slice(start, end < 0 ? line.length : end);
}

/** A character Cognito may trim from either end of a value (and that parts never carry there). */
export function isPadding(ch: number): boolean {
  return ch <= 0x20;
}

/** `value` without the padding at either end (`String.prototype.trim` would also take U+00A0, U+FEFF, …). */
export function trimPadding(value: string): string {
  const n = value.length;
  if (n === 0 || (value.charCodeAt(0) > 0x20 && value.charCodeAt(n - 1) > 0x20)) return value;
  let start = 0;
  let end = n;
  while (start < end && value.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end -= 1;
  return value.slice(start, end);
}

/** Whether `value` can be written before a separator and still read back as itself. */
export function canPrecedeSeparator(value: string): boolean {
  return value.length === 0 || value.charCodeAt(value.length - 1) !== BACKSLASH;
}

/** Whether a trimmed value can be written at all: no line break inside (a part line is one physical line). */
export function isWritable(value: string): boolean {
  return value.indexOf('\n') < 0 && value.indexOf('\r') < 0;
}

/** A value as written in a part: never quoted, a comma written `\,`. */
export function formatCognitoValue(value: string): string {
  return value.indexOf(',') < 0 ? value : value.replace(/,/g, '\\,');
}

/**
 * The index of the first value (in `order`) that cannot be written faithfully at its place in the
 * row, or -1 when the whole row can. Values must already be trimmed.
 */
export function firstUnwritable(values: readonly string[], order: readonly number[]): number {
  const last = order.length - 1;
  for (let k = 0; k <= last; k++) {
    const value = values[order[k]];
    if (!isWritable(value) || (k < last && !canPrecedeSeparator(value))) return order[k];
  }
  return -1;
}

/** One part line from trimmed values, in `order` (check firstUnwritable first). */
export function formatCognitoRow(values: readonly string[], order: readonly number[]): string {
  let out = '';
  for (let k = 0; k < order.length; k++) {
    if (k > 0) out += ',';
    out += formatCognitoValue(values[order[k]]);
  }
  return out;
}
