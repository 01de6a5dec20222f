import type { PartDescriptor } from '../shared/steps';
import { jobNameFor } from '../runtime/job-name';
import type { ObjectStore, ObjectWriter } from '../runtime/object-store';
import { lineMapKey, partKey } from '../runtime/work-files';

/** Rows are written to the part in pieces of about this size. */
const FLUSH_BYTES = 1024 * 1024;
/** Room for one more row past FLUSH_BYTES: rows over 16,000 characters never get here, and 4 bytes a character is the most. */
const MAX_ROW_BYTES = 256 * 1024;

export interface PartWriterOptions {
  readonly store: ObjectStore;
  readonly bucket: string;
  readonly workPrefix: string;
  readonly sourceKey: string;
  readonly executionToken: string;
  readonly headerLine: string;
  readonly maxRows: number;
  readonly maxBytes: number;
}

/**
 * Writes normalized rows into parts of ≤ maxRows rows and ≤ maxBytes bytes (header included),
 * streaming each to S3 (bounded memory), and records for each part which source line each of
 * its lines came from, so results can be mapped back whatever was split or dropped.
 */
export class PartWriter {
  private readonly parts: Omit<PartDescriptor, 'partCount'>[] = [];
  private current?: { writer: ObjectWriter; rows: number; bytes: number; lines: LineRuns; n: number };
  private readonly header: Buffer;
  // Rows are encoded straight into one reused buffer: no joined strings, no per-flush garbage.
  private readonly out = Buffer.allocUnsafe(FLUSH_BYTES + MAX_ROW_BYTES);
  private pendingBytes = 0;

  constructor(private readonly o: PartWriterOptions) {
    this.header = Buffer.from(o.headerLine + '\n', 'utf8');
    if (this.header.length >= o.maxBytes) throw new Error('part byte limit is smaller than the header');
  }

  /**
   * Appends one normalized row (no newline) that came from `sourceLine`. Rows are gathered and
   * written ~1 MiB at a time; a promise is returned only when something had to be written (await it).
   */
  add(row: string, sourceLine: number): Promise<void> | undefined {
    const size = Buffer.byteLength(row) + 1;
    const c = this.current;
    if (!c || c.rows >= this.o.maxRows || c.bytes + size > this.o.maxBytes) return this.addToNextPart(row, size, sourceLine);
    this.append(c, row, size, sourceLine);
    if (this.pendingBytes >= FLUSH_BYTES) return this.flush(c);
    return undefined;
  }

  /**
   * add() for a row that is `prefix` + the bytes `buf[start, end)` (valid UTF-8): copied without
   * making a string of it.
   */
  addBytes(prefix: Buffer, buf: Buffer, start: number, end: number, sourceLine: number): Promise<void> | undefined {
    const size = prefix.length + (end - start) + 1;
    const c = this.current;
    if (!c || c.rows >= this.o.maxRows || c.bytes + size > this.o.maxBytes || size > MAX_ROW_BYTES) {
      return this.add(prefix.toString('utf8') + buf.toString('utf8', start, end), sourceLine);
    }
    let at = this.pendingBytes;
    if (prefix.length > 0) at += prefix.copy(this.out, at);
    at += buf.copy(this.out, at, start, end);
    this.out[at++] = 0x0a;
    this.pendingBytes = at;
    c.rows += 1;
    c.bytes += size;
    c.lines.add(sourceLine);
    if (this.pendingBytes >= FLUSH_BYTES) return this.flush(c);
    return undefined;
  }

  /**
   * add() for `count` consecutive rows copied as they are: `buf[start, end)` is those rows, each
   * ending in LF (no CR), the first from `firstLine`, the others from the lines after it. One copy
   * for the whole run instead of one per row (a per-row copy was ~9% of validating). A run that
   * would cross into the next part, or that does not fit the buffer, goes row by row.
   */
  addRun(buf: Buffer, start: number, end: number, firstLine: number, count: number): Promise<void> | undefined {
    const size = end - start;
    const c = this.current;
    if (!c || c.rows + count > this.o.maxRows || c.bytes + size > this.o.maxBytes || this.pendingBytes + size > this.out.length) {
      return this.addRowByRow(buf, start, end, firstLine);
    }
    this.pendingBytes += buf.copy(this.out, this.pendingBytes, start, end);
    c.rows += count;
    c.bytes += size;
    c.lines.addRun(firstLine, count);
    if (this.pendingBytes >= FLUSH_BYTES) return this.flush(c);
    return undefined;
  }

  private async addRowByRow(buf: Buffer, start: number, end: number, firstLine: number): Promise<void> {
    const none = Buffer.alloc(0);
    let line = firstLine;
    for (let from = start; from < end; line++) {
      const nl = buf.indexOf(0x0a, from);
      const pending = this.addBytes(none, buf, from, nl, line);
      if (pending) await pending;
      from = nl + 1;
    }
  }

  private async addToNextPart(row: string, size: number, sourceLine: number): Promise<void> {
    if (this.current) await this.close();
    await this.open();
    this.append(this.current!, row, size, sourceLine);
  }

  private append(c: NonNullable<PartWriter['current']>, row: string, size: number, sourceLine: number): void {
    if (size > MAX_ROW_BYTES) throw new Error(`a row of ${size} bytes is longer than any row Cognito accepts`);
    this.pendingBytes += this.out.write(row, this.pendingBytes, 'utf8');
    this.out[this.pendingBytes++] = 0x0a;
    c.rows += 1;
    c.bytes += size;
    c.lines.add(sourceLine); // part line c.rows + 1 (the header is part line 1)
  }

  private async flush(c: NonNullable<PartWriter['current']>): Promise<void> {
    if (this.pendingBytes === 0) return;
    // The writer copies what it keeps before it resolves; the buffer is reused after that.
    await c.writer.write(this.out.subarray(0, this.pendingBytes));
    this.pendingBytes = 0;
  }

  async finish(): Promise<PartDescriptor[]> {
    if (this.current) await this.close();
    const partCount = this.parts.length;
    return this.parts.map((p) => ({ ...p, partCount }));
  }

  async abort(): Promise<void> {
    this.pendingBytes = 0;
    await this.current?.writer.abort();
    this.current = undefined;
  }

  private async open() {
    const n = this.parts.length + 1;
    const writer = this.o.store.writer(this.o.bucket, partKey(this.o.workPrefix, n), 'text/csv');
    await writer.write(this.header);
    const lines = new LineRuns();
    lines.add(1); // the header
    this.current = { writer, rows: 0, bytes: this.header.length, lines, n };
  }

  private async close() {
    const c = this.current!;
    await this.flush(c);
    this.current = undefined;
    const bytes = await c.writer.end();
    const mapKey = lineMapKey(this.o.workPrefix, c.n);
    await writeLineMap(this.o.store, this.o.bucket, mapKey, c.lines);
    this.parts.push({
      partNumber: c.n,
      key: partKey(this.o.workPrefix, c.n),
      rows: c.rows,
      bytes,
      lineMapKey: mapKey,
      jobName: jobNameFor(this.o.sourceKey, c.n, this.o.executionToken),
    });
  }
}

/**
 * Source line numbers of a part's lines, kept as runs of consecutive numbers: a part of 500,000
 * rows with a few left-out rows is a handful of runs in memory, not 500,000 numbers.
 */
export class LineRuns {
  private readonly starts: number[] = [];
  private readonly counts: number[] = [];

  add(line: number): void {
    const last = this.starts.length - 1;
    if (last >= 0 && this.starts[last] + this.counts[last] === line) this.counts[last] += 1;
    else { this.starts.push(line); this.counts.push(1); }
  }

  /** add() for `count` consecutive numbers from `first`. */
  addRun(first: number, count: number): void {
    const last = this.starts.length - 1;
    if (last >= 0 && this.starts[last] + this.counts[last] === first) this.counts[last] += count;
    else { this.starts.push(first); this.counts.push(count); }
  }

  /** The runs of consecutive numbers, in order, as [start, count]. */
  runs(): Array<[number, number]> {
    return this.starts.map((start, r) => [start, this.counts[r]]);
  }
}

/** The line map is written in pieces of about this size. */
const LINE_MAP_PIECE_BYTES = 64 * 1024;

/**
 * The map as a JSON array (index = part line - 1), its digits encoded straight into one reused
 * buffer: no string or array per number, and consecutive numbers counted up in place.
 * (Joining slices of 50,000 numbers made ~30 MB of short-lived strings for a 774,000-row part,
 * all at once at the end of validation: the largest growth of the worker's peak memory with file
 * size, before it was written this way.)
 */
async function writeLineMap(store: ObjectStore, bucket: string, key: string, lines: LineRuns) {
  const w = store.writer(bucket, key, 'application/json');
  // Room for one more number (≤ 16 digits and a comma) past the piece size.
  const buf = Buffer.allocUnsafe(LINE_MAP_PIECE_BYTES + 32);
  const digits = new Digits();
  buf[0] = 0x5b; // [
  let at = 1;
  let first = true;
  for (const [start, count] of lines.runs()) {
    digits.set(start);
    // The numbers are encoded by a plain loop (encodeRun) a piece at a time; only writing awaits.
    for (let left = count; left > 0;) {
      const r = encodeRun(digits, left, first, buf, at, LINE_MAP_PIECE_BYTES);
      left -= r.numbers;
      at = r.at;
      first = false;
      if (at >= LINE_MAP_PIECE_BYTES) { await w.write(buf.subarray(0, at)); at = 0; }
    }
  }
  buf[at++] = 0x5d; // ]
  await w.write(buf.subarray(0, at));
  await w.end();
}

/** A decimal number's digits, counted up in place: consecutive numbers need no division. */
class Digits {
  readonly bytes = Buffer.alloc(20);
  len = 0;
  set(n: number): void { this.len = this.bytes.write(String(n), 'latin1'); }
  /** The number plus one. */
  next(): void { this.len = increment(this.bytes, this.len); }
}

/**
 * Writes up to `count` consecutive numbers from `d` (then counted past them) into `buf` from `at`,
 * each after a comma except the file's first, until `at` reaches `limit`. A synchronous loop (in
 * the async writer it was ~5% of validating 500,000 rows).
 */
function encodeRun(d: Digits, count: number, first: boolean, buf: Buffer, at: number, limit: number): { numbers: number; at: number } {
  const bytes = d.bytes;
  let k = 0;
  for (; k < count && at < limit; k++) {
    if (k > 0) d.next();
    if (!(first && k === 0)) buf[at++] = 0x2c; // ,
    const len = d.len;
    for (let i = 0; i < len; i++) buf[at++] = bytes[i];
  }
  // The next number to write is the one after the last written.
  if (k < count) d.next();
  return { numbers: k, at };
}

/** Adds one to the decimal number in `digits[0, len)`; returns its new length. */
function increment(digits: Buffer, len: number): number {
  let i = len - 1;
  while (i >= 0 && digits[i] === 0x39) digits[i--] = 0x30;
  if (i >= 0) { digits[i] += 1; return len; }
  // 9…9 + 1: a one and len zeros.
  digits[0] = 0x31;
  digits.fill(0x30, 1, len + 1);
  return len + 1;
}
