import { Readable } from 'node:stream';
import { readTextLineBatches } from '../../lambda/csv/line-reader';
import { parseCsvLine } from '../../lambda/csv/csv-fields';
import { copySelectedLines } from '../../lambda/report/failed-csv';
import { MemoryStore } from './helpers';

async function lines(text: string | Buffer, chunk = 3, max?: number) {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) chunks.push(buf.subarray(i, i + chunk));
  const out = [];
  for await (const batch of readTextLineBatches(Readable.from(chunks), max)) {
    for (const l of batch) out.push({ n: l.number, s: l.text, crlf: l.crlf, t: l.truncated });
  }
  return out;
}

describe('readTextLineBatches: physical lines with numbers', () => {
  test.each([
    ['LF', 'a\nb\n', [['a', false], ['b', false]]],
    ['CRLF', 'a\r\nb\r\n', [['a', true], ['b', true]]],
    ['no final newline', 'a\nb', [['a', false], ['b', false]]],
    ['blank line kept and numbered', 'a\n\nb\n', [['a', false], ['', false], ['b', false]]],
    ['CR inside a line is data', 'a\rb\n', [['a\rb', false]]],
    ['empty file', '', []],
  ])('%s', async (_name, text, expected) => {
    for (const chunk of [1, 2, 3, 100]) {
      const got = await lines(text as string, chunk);
      expect(got.map((l) => [l.s, l.crlf])).toEqual(expected);
      expect(got.map((l) => l.n)).toEqual((expected as unknown[]).map((_, i) => i + 1));
    }
  });

  test('a line longer than the cap is truncated, flagged, and does not shift later numbers', async () => {
    const got = await lines(`short\n${'x'.repeat(50)}\nlast\n`, 4, 10);
    expect(got[1]).toMatchObject({ n: 2, t: true });
    expect(got[1].s.length).toBe(10);
    expect(got[2]).toMatchObject({ n: 3, s: 'last', t: false });
  });

  test('multi-byte characters split across chunks survive', async () => {
    const got = await lines('名前,ü\nß\n', 1);
    expect(got.map((l) => l.s)).toEqual(['名前,ü', 'ß']);
  });
});

describe('parseCsvLine: Cognito dialect and RFC-4180 quotes', () => {
  test.each([
    ['plain', 'a,b,c', ['a', 'b', 'c'], 0, undefined],
    ['empty fields', ',,', ['', '', ''], 0, undefined],
    ['escaped comma', 'a\\,b,c', ['a,b', 'c'], 0, undefined],
    ['quoted comma', '"a,b",c', ['a,b', 'c'], 1, undefined],
    ['quoted doubled quote', '"say ""hi""",x', ['say "hi"', 'x'], 1, undefined],
    ['quote inside unquoted value is data', 'O"Brien,x', ['O"Brien', 'x'], 0, undefined],
    ['unterminated quote (a quoted newline or a stray quote)', '"abc,def', [], 1, 'unterminated-quote'],
    ['text after closing quote', '"ab"c,d', [], 1, 'malformed-quote'],
    ['quoted empty last', 'a,""', ['a', ''], 1, undefined],
  ])('%s', (_n, line, fields, quoted, error) => {
    const r = parseCsvLine(line as string);
    if (!error) expect(r.fields).toEqual(fields);
    expect(r.quotedFields).toBe(quoted);
    expect(r.error).toBe(error);
  });

});

describe('copySelectedLines (failed.csv)', () => {
  test('copies header and selected lines byte for byte, CRLF and quotes included', async () => {
    const src = 'h1,h2\r\n"a,1",x\r\nb,y\r\nc,z';
    const store = new MemoryStore(2);
    store.put('b', 'src', src);
    const w = store.writer('b', 'out');
    const n = await copySelectedLines((await store.open('b', 'src')).body, (l) => l === 2 || l === 4, w);
    await w.end();
    expect(n).toBe(2);
    expect(store.text('b', 'out')).toBe('h1,h2\r\n"a,1",x\r\nc,z');
  });
});
