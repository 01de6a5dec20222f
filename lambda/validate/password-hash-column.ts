import { parseCsvLine } from '../csv/csv-fields';
import { cut } from '../users/groups-column';
import { PASSWORD_HASH_COLUMN } from './pool-rules';

/** How many line numbers the rejection message lists before it says "and N more". */
const LINES_NAMED = 5;

/**
 * The validate step's seam for a `password_hash` column in a file whose importer sets no
 * passwordHashingAlgorithm. The console's CSV template carries the column, mostly empty, even when no
 * hashes are imported: it is cut out of the header and of every row before any other check (Cognito never
 * sees it). A row with a hash in it is another matter: importing it would drop that user's password
 * without a word, so the file is rejected and the message says to set the algorithm.
 */
export class UnusedPasswordHashColumn {
  private index = -1;
  /** Rows whose password_hash value is not empty. */
  hashedRows = 0;
  private readonly lines: number[] = [];

  /** True once the header has the column. */
  get present(): boolean { return this.index >= 0; }

  /** The header without the column (unchanged when the file has none). */
  header(text: string): string {
    this.index = parseCsvLine(text).fields.findIndex((f) => f.trim() === PASSWORD_HASH_COLUMN);
    if (this.index < 0) return text;
    return cut(text, this.index)?.text ?? text;
  }

  /** The row without the column; notes the line when it holds a hash. */
  row(text: string, line: number): string {
    if (this.index < 0) return text;
    // A row too short, or with a quote that does not close, is left whole to the normal checks, which report it.
    const c = cut(text, this.index);
    if (!c) return text;
    if ((parseCsvLine(c.field).fields[0] ?? '').trim() !== '') {
      this.hashedRows += 1;
      if (this.lines.length < LINES_NAMED) this.lines.push(line);
    }
    return c.text;
  }

  /** The file-level problem when any row holds a hash, else undefined. */
  problem(): { line: number; column: string; message: string } | undefined {
    if (this.hashedRows === 0) return undefined;
    const more = this.hashedRows > this.lines.length ? ` and ${this.hashedRows - this.lines.length} more` : '';
    return {
      line: this.lines[0],
      column: PASSWORD_HASH_COLUMN,
      message: `${this.hashedRows} row(s) have a password_hash value (line ${this.lines.join(', ')}${more}) but the importer sets no `
        + 'passwordHashingAlgorithm: nothing is imported, so that no user loses their password. Set passwordHashingAlgorithm '
        + '(BCRYPT, SCRYPT, ARGON2ID or PBKDF2_SHA256) to the algorithm of the hashes, or empty the column',
    };
  }
}
