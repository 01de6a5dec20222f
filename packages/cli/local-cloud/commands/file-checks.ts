/**
 * Up-front checks of the files a command is given, so a mistake is reported before a local cloud starts:
 * the file exists and is a regular file, a CSV is text (not an image or a spreadsheet), a pool file is
 * JSON of the shape `aws cognito-idp describe-user-pool` prints. Messages name the file; they never quote
 * its content (a CSV holds user data).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'fs';
import { UsageError } from './command';

function checkRegularFile(path: string, what: string): void {
  if (!existsSync(path)) throw new UsageError(`${what} not found: ${path}`);
  const s = statSync(path);
  if (s.isDirectory()) throw new UsageError(`${what} ${path} is a directory; give a file`);
  if (!s.isFile()) throw new UsageError(`${what} ${path} is not a regular file`);
}

/** Leading bytes of binary formats people drop by mistake. */
const MAGIC: Array<{ bytes: number[]; kind: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], kind: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], kind: 'a ZIP archive (an .xlsx workbook? export it as CSV UTF-8)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], kind: 'an old Office document (an .xls workbook? export it as CSV UTF-8)' },
  { bytes: [0x1f, 0x8b], kind: 'a gzip file (decompress it first)' },
  { bytes: [0x42, 0x5a, 0x68], kind: 'a bzip2 file (decompress it first)' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], kind: 'an xz file (decompress it first)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], kind: 'a zstd file (decompress it first)' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], kind: 'a 7-Zip archive' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], kind: 'an SQLite database' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], kind: 'an executable (ELF)' },
];

/**
 * Share of the leading bytes that text never holds (C0 controls other than tab, LF, CR; DEL) above which a
 * file is not text at all. A CSV with a control character in a value or two is far below it: it goes
 * through and gets the engine's verdict (that row rejected by line), as it would in the bucket.
 */
const NOT_TEXT_SHARE = 0.1;

function controlShare(head: Buffer): number {
  let n = 0;
  for (const b of head) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) n += 1;
  return head.length === 0 ? 0 : n / head.length;
}

function leadingBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally { closeSync(fd); }
}

/**
 * A CSV to import: a regular file that is text by its content. Refused only when it is not a CSV by
 * content (a known binary signature, or mostly control bytes); everything else is the engine's to judge,
 * so `run-local`, `drop` and an import on AWS agree on every file.
 */
export function checkCsvFile(path: string): void {
  checkRegularFile(path, 'CSV file');
  const head = leadingBytes(path, 4096);
  const magic = MAGIC.find((m) => m.bytes.every((b, i) => head[i] === b));
  if (magic) throw new UsageError(`${path} is not a CSV file: it looks like ${magic.kind}`);
  // UTF-16 text has NULs too; leave its verdict to the import (the report says what is wrong).
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const share = controlShare(head);
  if (!utf16 && share > NOT_TEXT_SHARE) {
    throw new UsageError(`${path} is not a CSV file: it contains binary data (${Math.round(share * 100)}% of its first ${head.length} bytes are control bytes)`);
  }
}

/** Why a parsed pool JSON has the wrong shape, or undefined when it is usable. */
export function poolShapeProblem(json: unknown): string | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return 'expected a JSON object';
  const root = json as Record<string, unknown>;
  const pool = 'UserPool' in root ? root.UserPool : root;
  if (!pool || typeof pool !== 'object' || Array.isArray(pool)) return 'UserPool must be an object';
  const p = pool as Record<string, unknown>;
  const known = ['Id', 'Name', 'PoolName', 'SchemaAttributes', 'Schema'];
  if (!('UserPool' in root) && !known.some((k) => k in p)) {
    return 'expected the output of `aws cognito-idp describe-user-pool` ({"UserPool": {...}}) or a pool object with Id, Name or SchemaAttributes';
  }
  for (const key of ['SchemaAttributes', 'Schema']) {
    if (!(key in p)) continue;
    const list = p[key];
    if (!Array.isArray(list)) return `${key} must be an array`;
    const bad = list.findIndex((a) => !a || typeof a !== 'object' || typeof (a as any).Name !== 'string');
    if (bad >= 0) return `${key}[${bad}] must be an object with a string Name`;
  }
  for (const key of ['Id', 'Name', 'PoolName']) {
    if (key in p && typeof p[key] !== 'string') return `${key} must be a string`;
  }
  if ('AutoVerifiedAttributes' in p && !Array.isArray(p.AutoVerifiedAttributes)) return 'AutoVerifiedAttributes must be an array';
  if ('UsernameAttributes' in p && !Array.isArray(p.UsernameAttributes)) return 'UsernameAttributes must be an array';
  if ('MfaConfiguration' in p && !['OFF', 'ON', 'OPTIONAL'].includes(p.MfaConfiguration as string)) {
    return 'MfaConfiguration must be OFF, ON or OPTIONAL';
  }
  return undefined;
}

/** `--pool FILE`: a regular file holding pool JSON of the right shape. Returns the path. */
export function parsePoolFile(path: string, flag: string): string {
  checkRegularFile(path, `${flag} file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${flag} file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const problem = poolShapeProblem(json);
  if (problem) throw new UsageError(`${flag} file ${path} is not a user pool description: ${problem}`);
  return path;
}

/** `--out DIR`: a directory (created when missing), not an existing file. */
export function parseOutDir(path: string, flag: string): string {
  if (existsSync(path) && !statSync(path).isDirectory()) throw new UsageError(`${flag} ${path} exists and is not a directory`);
  return path;
}
