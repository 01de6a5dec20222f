import { isUtf8 } from 'node:buffer';
import { GcPacer } from '../runtime/gc-pacer';
/** Cognito allows 16,000 characters per row (≤ 64,000 UTF-8 bytes); anything longer is rejected anyway. */
export const DEFAULT_MAX_LINE_BYTES = 128 * 1024;


/** A physical line as text (the validate step's view): decoded, without LF and trailing CR. */
export interface TextLine {
  readonly number: number;
  /** The decoded line; '' when `invalidUtf8`. Only its first `maxLineBytes` bytes when `truncated`. */
  readonly text: string;
  readonly crlf: boolean;
  readonly truncated: boolean;
  readonly invalidUtf8: boolean;
  /** The line's bytes started with a UTF-8 BOM (only reported for line 1; the BOM is not in `text`). */
  readonly bom: boolean;
}


/**
 * A region of complete lines of valid UTF-8, left as bytes. Its lines are found when asked for: a
 * consumer calls splitLines(), or, when it reads every line's bytes anyway (the validate step's byte
 * path), records each line itself with addSpan() as it goes, so that no byte is scanned twice. Once
 * split (`count` ≥ 0), line k (k < count) is `buf[starts[k], ends[k])` (no LF, no trailing CR),
 * numbered `firstNumber + k`. Lines may be longer than the cap: see textLineOf. The span arrays
 * are reused by the next batch: use them before asking for it.
 */
export interface SpanBatch {
  readonly buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  /** Lines found so far; -1 until the region is split. */
  count: number;
  readonly firstNumber: number;
  /** How many of these lines ended in CRLF. */
  crlf: number;
}

/** Finds the region's lines (one native search per line), unless they were found already. */
export function splitLines(b: SpanBatch): SpanBatch {
  if (b.count >= 0) return b;
  const buf = b.buf;
  let n = 0;
  let crlf = 0;
  let start = 0;
  for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
    let end = nl;
    if (end > start && buf[end - 1] === 0x0d) { crlf += 1; end -= 1; }
    addSpan(b, n, start, end);
    n += 1;
    start = nl + 1;
  }
  b.count = n;
  b.crlf = crlf;
  return b;
}

/** Records line k as `buf[start, end)` (for a consumer that finds the lines itself; it then sets `count` and `crlf`). */
export function addSpan(b: SpanBatch, k: number, start: number, end: number): void {
  if (k === b.starts.length) {
    const starts = new Int32Array(k * 2);
    const ends = new Int32Array(k * 2);
    starts.set(b.starts);
    ends.set(b.ends);
    b.starts = starts;
    b.ends = ends;
  }
  b.starts[k] = start;
  b.ends[k] = end;
}

/** One line of a SpanBatch as a TextLine (decoded; capped like the reader caps lines). */
export function textLineOf(b: SpanBatch, k: number, maxLineBytes = DEFAULT_MAX_LINE_BYTES): TextLine {
  const start = b.starts[k];
  const end = b.ends[k];
  const truncated = end - start > maxLineBytes;
  const text = truncated
    ? trimPartialCharacter(b.buf.subarray(start, start + maxLineBytes)).toString('utf8')
    : b.buf.toString('utf8', start, end);
  return { number: b.firstNumber + k, text, crlf: false, truncated, invalidUtf8: false, bom: false };
}

/**
 * Splits a byte stream into physical lines (LF-terminated), numbered from 1, decoded, handed out a
 * chunk at a time: one native UTF-8 check and
 * one decode per chunk instead of per line, and no await per line. Memory stays one chunk plus one
 * (capped) partial line. A region that is not valid UTF-8 is decoded line by line to name the bad lines.
 */
export function readTextLineBatches(
  source: AsyncIterable<Buffer | string>,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<TextLine[]> {
  return lineBatches(source, maxLineBytes, false) as AsyncGenerator<TextLine[]>;
}

/**
 * readTextLineBatches, but a region of complete lines that is valid UTF-8 comes as a SpanBatch (no
 * string made for any line): the validate step checks most rows on their bytes.
 */
export function readLineBatches(
  source: AsyncIterable<Buffer | string>,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<TextLine[] | SpanBatch> {
  return lineBatches(source, maxLineBytes, true);
}

async function* lineBatches(
  source: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
  spans: boolean,
): AsyncGenerator<TextLine[] | SpanBatch> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let carryRaw = 0; // bytes of the partial line seen, including those dropped past the cap
  let lineNo = 0;
  let spanStarts: Int32Array = new Int32Array(1024);
  let spanEnds: Int32Array = new Int32Array(1024);
  // What was read is garbage once its lines are handled: collected as it goes (see gc-pacer).
  const gc = new GcPacer();

  /** `bytes`: the line (capped, maybe with a trailing CR); `raw`: its full length as it was, CR included. */
  const lineOf = (bytes: Buffer, raw: number): TextLine => {
    lineNo += 1;
    let b = bytes;
    let r = raw;
    let crlf = false;
    if (b.length === r && r > 0 && b[r - 1] === 0x0d) { crlf = true; b = b.subarray(0, r - 1); r -= 1; }
    let bom = false;
    if (lineNo === 1 && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) { b = b.subarray(3); r -= 3; bom = true; }
    const truncated = r > maxLineBytes;
    if (b.length > maxLineBytes) b = b.subarray(0, maxLineBytes);
    // A line cut at the cap may end inside a character: only the complete part is decoded.
    const whole = truncated ? trimPartialCharacter(b) : b;
    const valid = isUtf8(whole);
    return { number: lineNo, text: valid ? whole.toString('utf8') : '', crlf, truncated, invalidUtf8: !valid, bom };
  };

  const region = (buf: Buffer, out: TextLine[]): SpanBatch | undefined => {
    if (spans && lineNo > 0 && isUtf8(buf)) {
      // Numbered once the consumer has split it (see the loop below).
      return { buf, starts: spanStarts, ends: spanEnds, count: -1, firstNumber: lineNo + 1, crlf: 0 };
    }
    // Fast path: the whole region (complete lines only) is valid UTF-8 and has no line past the cap.
    if (lineNo > 0 && isUtf8(buf)) {
      const text = buf.toString('utf8');
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        let end = nl;
        let crlf = false;
        if (end > start && text.charCodeAt(end - 1) === 0x0d) { crlf = true; end -= 1; }
        const line = text.slice(start, end);
        if (line.length * 3 > maxLineBytes && Buffer.byteLength(line) > maxLineBytes) {
          lineNo += 1;
          const capped = trimPartialCharacter(Buffer.from(line).subarray(0, maxLineBytes)).toString('utf8');
          out.push({ number: lineNo, text: capped, crlf: false, truncated: true, invalidUtf8: false, bom: false });
        } else {
          lineNo += 1;
          out.push({ number: lineNo, text: line, crlf, truncated: false, invalidUtf8: false, bom: false });
        }
        start = nl + 1;
      }
      return undefined;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      out.push(lineOf(buf.subarray(start, nl), nl - start));
      start = nl + 1;
    }
    return undefined;
  };

  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    gc.moved(buf.length);
    const lastNl = buf.lastIndexOf(0x0a);
    const out: TextLine[] = [];
    let spanned: SpanBatch | undefined;
    if (lastNl < 0) {
      // No line ends here: keep (up to the cap) and go on.
      carryRaw += buf.length;
      const room = maxLineBytes + 1 - carryLen;
      if (room > 0) { const s = buf.subarray(0, Math.min(room, buf.length)); carry.push(Buffer.from(s)); carryLen += s.length; }
      continue;
    }
    const firstNl = buf.indexOf(0x0a);
    if (carryLen > 0 || carryRaw > 0) {
      // The carried partial line ends at the first LF of this chunk.
      const head = buf.subarray(0, firstNl);
      const room = maxLineBytes + 1 - carryLen;
      if (room > 0) { const s = head.subarray(0, Math.min(room, head.length)); carry.push(s); carryLen += s.length; }
      const raw = carryRaw + head.length;
      const joined = Buffer.concat(carry, carryLen);
      out.push(lineOf(joined, raw));
      carry = []; carryLen = 0; carryRaw = 0;
      if (lastNl > firstNl) spanned = region(buf.subarray(firstNl + 1, lastNl + 1), out);
    } else {
      spanned = region(buf.subarray(0, lastNl + 1), out);
    }
    const tail = buf.subarray(lastNl + 1);
    if (tail.length > 0) {
      carryRaw = tail.length;
      const s = tail.subarray(0, Math.min(tail.length, maxLineBytes + 1));
      carry = [Buffer.from(s)]; carryLen = s.length;
    }
    // In line order: the carried line (in `out`) before the region's spans.
    if (out.length > 0) yield out;
    if (spanned) {
      yield spanned;
      // The consumer has split it (or not: then here); the span arrays, maybe grown, are reused.
      lineNo += splitLines(spanned).count;
      spanStarts = spanned.starts;
      spanEnds = spanned.ends;
    }
  }
  if (carryRaw > 0) {
    const joined = Buffer.concat(carry, carryLen);
    yield [lineOf(joined, carryRaw)];
  }
}

/** Drops an incomplete UTF-8 sequence at the end (a line cut at the byte cap). */
function trimPartialCharacter(b: Buffer): Buffer {
  let i = b.length - 1;
  let continuation = 0;
  while (i >= 0 && (b[i] & 0xc0) === 0x80 && continuation < 3) { i -= 1; continuation += 1; }
  if (i < 0) return b;
  const lead = b[i];
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > continuation ? b.subarray(0, i) : b;
}

