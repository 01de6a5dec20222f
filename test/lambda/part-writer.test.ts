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
