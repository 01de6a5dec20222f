import type { ObjectWriter } from '../runtime/object-store';

const FLUSH_BYTES = 1024 * 1024;

/**
 * Copies the header and the selected physical lines of the dropped file byte for byte (CRLF, BOM,
 * quoting and all), so the failed.csv is the user's own rows, ready to fix and re-drop. Streams:
 * even a multi-GB line is never held whole. Returns how many data lines were copied.
 */
export async function copySelectedLines(
  source: AsyncIterable<Buffer | string>,
  include: (line: number) => boolean,
  out: ObjectWriter,
): Promise<number> {
  let line = 1;
  let copied = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const emit = async (b: Buffer) => {
    if (b.length === 0) return;
    pending.push(Buffer.from(b));
    pendingBytes += b.length;
    if (pendingBytes >= FLUSH_BYTES) {
      await out.write(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    }
  };
  let lineHasBytes = false;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl < 0 ? buf.length : nl + 1;
      if (line === 1 || include(line)) {
        await emit(buf.subarray(start, end));
        if (line > 1 && !lineHasBytes) copied += 1;
        lineHasBytes = true;
      }
      if (nl < 0) break;
      line += 1;
      lineHasBytes = false;
      start = end;
    }
  }
  if (pendingBytes > 0) await out.write(Buffer.concat(pending, pendingBytes));
  return copied;
}
