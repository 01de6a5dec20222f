/**
 * One line of the DROPPED file → field values (untrimmed), accepting both Cognito's dialect
 * (unquoted, `\,` for a comma in a value: read as in cognito-dialect.ts) and RFC-4180 quoted fields
 * (rewritten, a counted fix). Lines are physical: an unterminated quote is reported for this row only
 * (a quoted newline, or a stray quote), never for the file. Parts are written and read with
 * cognito-dialect.ts, never with this reader.
 */
export interface ParsedLine {
  readonly fields: string[];
  /** How many RFC-4180 quoted fields were read (they are rewritten in Cognito's dialect). */
  readonly quotedFields: number;
  readonly error?: 'unterminated-quote' | 'malformed-quote';
}

export function parseCsvLine(line: string): ParsedLine {
  // Most lines have neither quotes nor escapes: a native split is all they need.
  if (line.indexOf('"') < 0 && line.indexOf('\\') < 0) return { fields: line.split(','), quotedFields: 0 };
  const fields: string[] = [];
  let quotedFields = 0;
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line.charCodeAt(i) === 0x22 /* " */) {
      quotedFields += 1;
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const ch = line[j];
        if (ch === '"') {
          if (line[j + 1] === '"') { value += '"'; j += 2; continue; }
          closed = true;
          j += 1;
          break;
        }
        value += ch;
        j += 1;
      }
      if (!closed) return { fields, quotedFields, error: 'unterminated-quote' };
      // Tolerate spaces between the closing quote and the comma; anything else is malformed.
      while (j < n && line[j] === ' ') j += 1;
      if (j < n && line[j] !== ',') return { fields, quotedFields, error: 'malformed-quote' };
      fields.push(value);
      if (j >= n) break;
      i = j + 1;
      continue;
    }
    let value = '';
    let j = i;
    while (j < n) {
      const ch = line[j];
      if (ch === '\\' && line[j + 1] === ',') { value += ','; j += 2; continue; }
      if (ch === ',') break;
      value += ch;
      j += 1;
    }
    fields.push(value);
    if (j >= n) break;
    i = j + 1;
  }
  return { fields, quotedFields };
}
