import { PartWriter } from '../../lambda/csv/part-writer';
import { BUCKET, MemoryStore } from './helpers';

function writer(store: MemoryStore, maxRows = 1_000_000) {
  return new PartWriter({
    store, bucket: BUCKET, workPrefix: 'work/x/', sourceKey: 'incoming/users.csv', executionToken: 'abcd1234',
    headerLine: 'cognito:username,email', maxRows, maxBytes: 100_000_000,
  });
}

describe('PartWriter line maps', () => {
  test('map every part line to its source line through gaps, digit counts and many pieces', async () => {
    const store = new MemoryStore();
    const w = writer(store);
    // Source lines 2..120,001 with every 7th left out (rejected rows): ~700 KB of JSON, many 64 KiB pieces,
    // numbers of 1 to 6 digits.
    const kept: number[] = [];
    for (let line = 2; line <= 120_001; line++) {
      if (line % 7 === 0) continue;
      kept.push(line);
      const pending = w.add(`user${line},u${line}@example.com`, line);
      if (pending) await pending;
    }
    const [part] = await w.finish();
    const map = JSON.parse(store.text(BUCKET, part.lineMapKey)!) as number[];
    expect(map).toEqual([1, ...kept]);
    expect(part.rows).toBe(kept.length);
  });

  test('a part per maxRows, each map starting with its header', async () => {
    const store = new MemoryStore();
    const w = writer(store, 3);
    for (const line of [2, 3, 5, 9, 10, 11, 1_000_000]) await w.add(`u${line},u${line}@example.com`, line);
    const parts = await w.finish();
    expect(parts.map((p) => JSON.parse(store.text(BUCKET, p.lineMapKey)!))).toEqual([[1, 2, 3, 5], [1, 9, 10, 11], [1, 1_000_000]]);
  });
});

describe('PartWriter runs of rows (addRun)', () => {
  const rowsOf = (lines: number[]) => lines.map((l) => `u${l},u${l}@example.com\n`).join('');

  test.each([
    ['maxRows', 4, 100_000_000],
    ['maxBytes', 1_000_000, 'cognito:username,email\n'.length + 3 * 'u10,u10@example.com\n'.length],
  ])('a run that crosses %s is split row by row into parts that hold the same rows and map the same lines', async (_limit, maxRows, maxBytes) => {
    const store = new MemoryStore();
    const w = new PartWriter({
      store, bucket: BUCKET, workPrefix: 'work/x/', sourceKey: 'incoming/users.csv', executionToken: 'abcd1234',
      headerLine: 'cognito:username,email', maxRows, maxBytes,
    });
    await w.add('u10,u10@example.com', 10);
    // Lines 12..19 as one run of bytes, then line 25 alone.
    const run = Buffer.from(`xx${rowsOf([12, 13, 14, 15, 16, 17, 18, 19])}yy`);
    await w.addRun(run, 2, run.length - 2, 12, 8);
    await w.add('u25,u25@example.com', 25);
    const parts = await w.finish();
    const lines = parts.flatMap((p) => (JSON.parse(store.text(BUCKET, p.lineMapKey)!) as number[]).slice(1));
    expect(lines).toEqual([10, 12, 13, 14, 15, 16, 17, 18, 19, 25]);
    const bodies = parts.map((p) => store.text(BUCKET, p.key)!);
    expect(bodies.map((b) => b.split('\n').slice(1).join('\n')).join('')).toBe(rowsOf([10, 12, 13, 14, 15, 16, 17, 18, 19, 25]));
    for (const [i, p] of parts.entries()) {
      expect(bodies[i].startsWith('cognito:username,email\n')).toBe(true);
      expect(p.rows).toBeLessThanOrEqual(maxRows);
      expect(p.bytes).toBeLessThanOrEqual(maxBytes);
      expect(p.rows).toBe(bodies[i].split('\n').length - 2);
    }
    expect(parts.length).toBeGreaterThan(1);
  });

  test('a run inside one part is copied as it is and its lines join the map as one run', async () => {
    const store = new MemoryStore();
    const w = writer(store);
    await w.add('u2,u2@example.com', 2);
    const run = Buffer.from(rowsOf([3, 4, 5]));
    await w.addRun(run, 0, run.length, 3, 3);
    const [part] = await w.finish();
    expect(store.text(BUCKET, part.key)).toBe(`cognito:username,email\n${rowsOf([2, 3, 4, 5])}`);
    expect(JSON.parse(store.text(BUCKET, part.lineMapKey)!)).toEqual([1, 2, 3, 4, 5]);
    expect(part.rows).toBe(4);
  });
});
