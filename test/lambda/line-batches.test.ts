import { readLineBatches, readTextLineBatches, splitLines, textLineOf } from '../../lambda/csv/line-reader';
import { readLines } from './reference-line-reader';

/** Splits `data` into chunks of pseudo-random sizes (deterministic), as a network stream would. */
async function* chunks(data: Buffer, seed: number): AsyncGenerator<Buffer> {
  let x = seed;
  for (let i = 0; i < data.length;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % 37);
    yield data.subarray(i, i + n);
    i += n;
  }
}

async function viaBytes(data: Buffer, max: number) {
  const out: Array<Record<string, unknown>> = [];
  for await (const l of readLines(chunks(data, 7), max)) {
    let b = l.bytes;
    let bom = false;
    if (l.number === 1 && b.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) { b = b.subarray(3); bom = true; }
    let text = '';
    let invalidUtf8 = false;
    try { text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(l.truncated ? b.subarray(0, 0) : b); } catch { invalidUtf8 = true; }
    out.push({ number: l.number, text: l.truncated ? '<truncated>' : text, crlf: l.truncated ? false : l.crlf, truncated: l.truncated, invalidUtf8: l.truncated ? false : invalidUtf8, bom });
  }
  return out;
}

async function viaBatches(data: Buffer, max: number, seed: number) {
  const out: Array<Record<string, unknown>> = [];
  for await (const batch of readTextLineBatches(chunks(data, seed), max)) {
    for (const l of batch) {
      out.push({ number: l.number, text: l.truncated ? '<truncated>' : l.text, crlf: l.truncated ? false : l.crlf, truncated: l.truncated, invalidUtf8: l.truncated ? false : l.invalidUtf8, bom: l.bom });
    }
  }
  return out;
}

describe('readTextLineBatches gives the same lines as readLines, whatever the chunking', () => {
  const cases: Array<[string, Buffer]> = [
    ['plain', Buffer.from('a,b\n1,2\n3,4\n')],
    ['no final newline', Buffer.from('a,b\n1,2')],
    ['CRLF and BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\r\n1,2\r\n\r\n3,4\r\n')])],
    ['multi-byte characters', Buffer.from('name\nJosé\n東京\n😀x\n')],
    ['invalid UTF-8 in the middle', Buffer.concat([Buffer.from('a\nok\n'), Buffer.from([0x61, 0xe9, 0x62]), Buffer.from('\nfine\n')])],
    ['a long line past the cap', Buffer.from('h\n' + 'x'.repeat(300) + '\nafter\n')],
    ['a CR alone in a line', Buffer.from('a\rb\nc\n')],
    ['empty', Buffer.alloc(0)],
  ];
  test.each(cases)('%s', async (_name, data) => {
    const expected = await viaBytes(data, 100);
    for (const seed of [1, 2, 3, 99]) expect(await viaBatches(data, 100, seed)).toEqual(expected);
  });

  test('one big chunk (the fast path) gives the same lines', async () => {
    const data = Buffer.from('h\n' + Array.from({ length: 2000 }, (_, i) => `u${i},é${i}\r`).join('\n') + '\n');
    const batches: string[] = [];
    for await (const batch of readTextLineBatches((async function* () { yield data.subarray(0, 5); yield data.subarray(5); })())) {
      for (const l of batch) batches.push(`${l.number}:${l.text}:${l.crlf}`);
    }
    expect(batches).toHaveLength(2001);
    expect(batches[1]).toBe('2:u0,é0:true');
    expect(batches[2000]).toBe('2001:u1999,é1999:true');
  });
});

describe('readLineBatches (spans) gives the same lines as readTextLineBatches', () => {
  test('chunks of many lines (more than the reused span arrays first hold), CRLF and a long line across chunks', async () => {
    const lines: string[] = ['h1,h2'];
    for (let i = 0; i < 5_000; i++) lines.push(i % 97 === 0 ? `row${i},x\r` : i === 2_500 ? `long,${'y'.repeat(70_000)}` : `row${i},é${i}`);
    const data = Buffer.from(lines.join('\n') + '\n');
    async function* big(): AsyncGenerator<Buffer> {
      // 64 KiB chunks: ~2,000 short lines each, more than the span arrays' first 1,024.
      for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536);
    }
    const want: Array<[number, string, boolean]> = [];
    for await (const batch of readTextLineBatches(big())) for (const l of batch) want.push([l.number, l.text, l.crlf]);
    const got: Array<[number, string, boolean]> = [];
    for await (const batch of readLineBatches(big())) {
      if (Array.isArray(batch)) { for (const l of batch) got.push([l.number, l.text, l.crlf]); continue; }
      // Read now: the next batch reuses the span arrays.
      splitLines(batch);
      for (let k = 0; k < batch.count; k++) {
        const l = textLineOf(batch, k);
        got.push([l.number, l.text, batch.buf[batch.ends[k]] === 0x0d]);
      }
    }
    expect(got.map(([n, t]) => [n, t])).toEqual(want.map(([n, t]) => [n, t]));
    expect(got).toHaveLength(5_001);
  });
});
