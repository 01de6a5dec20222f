/**
 * One CSV line → field values, accepting both Cognito's dialect (unquoted, `\,` for a comma in a
 * value) and RFC-4180 quoted fields (rewritten, a counted fix). Embedded newlines cannot be seen
 * here (lines are physical): an unterminated quote means the field ran into the next line.
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

/** A value in Cognito's dialect: never quoted, a comma written `\,`. */
export function formatCognitoValue(value: string): string {
  return value.indexOf(',') < 0 ? value : value.replace(/,/g, '\\,');
}

export function formatCognitoLine(values: readonly string[]): string {
  return values.map(formatCognitoValue).join(',');
}
