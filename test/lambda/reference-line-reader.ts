import { DEFAULT_MAX_LINE_BYTES } from '../../lambda/csv/line-reader';

// The first, line-at-a-time reader of physical lines, kept here as the plain reference the
// chunk-wise readTextLineBatches is checked against.

/**
 * Splits a byte stream into physical lines (LF-terminated), numbered from 1, without ever holding
 * more than one line (capped) in memory. LF never occurs inside a UTF-8 multi-byte sequence, so
 * each line can be decoded on its own.
 */
export interface PhysicalLine {
  /** 1-based physical line number in the source (header = 1). */
  readonly number: number;
  /** Line bytes without the LF and without a trailing CR; truncated to `maxLineBytes` when `truncated`. */
  readonly bytes: Buffer;
  /** The line ended with CRLF. */
  readonly crlf: boolean;
  /** The line was longer than `maxLineBytes`: only its beginning is in `bytes`. */
  readonly truncated: boolean;
  /** Full length in bytes of the line as it was (without LF). */
  readonly rawBytes: number;
}

export async function* readLines(
  source: AsyncIterable<Buffer | string>,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<PhysicalLine> {
  let parts: Buffer[] = [];
  let kept = 0; // bytes of the current line kept in `parts`
  let raw = 0; // bytes of the current line seen
  let lineNo = 0;

  const take = (buf: Buffer) => {
    raw += buf.length;
    const room = maxLineBytes + 1 - kept; // keep one extra byte so a trailing CR can be seen
    if (room > 0) {
      const slice = buf.length > room ? buf.subarray(0, room) : buf;
      // Copy: the source may reuse its chunk buffers.
      parts.push(Buffer.from(slice));
      kept += slice.length;
    }
  };

  const emit = (): PhysicalLine => {
    let bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, kept);
    let rawBytes = raw;
    let crlf = false;
    const truncated = raw > kept || kept > maxLineBytes;
    if (!truncated && bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) {
      crlf = true;
      bytes = bytes.subarray(0, bytes.length - 1);
      rawBytes -= 1;
    }
    if (bytes.length > maxLineBytes) bytes = bytes.subarray(0, maxLineBytes);
    lineNo += 1;
    parts = [];
    kept = 0;
    raw = 0;
    return { number: lineNo, bytes, crlf, truncated, rawBytes };
  };

  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) {
        if (start < buf.length) take(buf.subarray(start));
        break;
      }
      take(buf.subarray(start, nl));
      yield emit();
      start = nl + 1;
    }
  }
  // A last line without LF; a file ending in LF has no extra empty line.
  if (raw > 0) yield emit();
}
