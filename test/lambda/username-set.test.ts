import { hash64, UsernameSet } from '../../lambda/validate/username-set';

describe('UsernameSet (duplicate usernames in one file)', () => {
  test('returns the first line of a duplicate, exact match when case matters', () => {
    const set = new UsernameSet(4);
    expect(set.addOrGet('alice', 2)).toBeUndefined();
    expect(set.addOrGet('Alice', 3)).toBeUndefined();
    expect(set.addOrGet('alice', 9)).toBe(2);
  });

  test('folds case when the pool is case-insensitive, ASCII and beyond', () => {
    const set = new UsernameSet(4);
    expect(set.addOrGet('Alice', 2, true)).toBeUndefined();
    expect(set.addOrGet('ALICE', 5, true)).toBe(2);
    expect(set.addOrGet('Émile', 6, true)).toBeUndefined();
    expect(set.addOrGet('émile', 7, true)).toBe(6);
    expect(hash64('ÉMILE', true)).toEqual(hash64('émile'));
  });

  test('stays exact through growth: 200,000 distinct names, then each again', () => {
    const set = new UsernameSet(16);
    for (let i = 0; i < 200_000; i++) expect(set.addOrGet(`user${i}`, i + 2)).toBeUndefined();
    expect(set.size).toBe(200_000);
    for (let i = 0; i < 200_000; i += 997) expect(set.addOrGet(`user${i}`, 1_000_000)).toBe(i + 2);
  });
});

describe('UsernameSet memory', () => {
  test('15–23 bytes a user, grown a shard at a time', () => {
    const set = new UsernameSet();
    let largestStep = 0;
    let before = set.bytes;
    for (let i = 0; i < 300_000; i++) {
      set.addOrGet(`user${i}@example.com`, i + 2);
      const after = set.bytes;
      largestStep = Math.max(largestStep, after - before);
      before = after;
    }
    expect(set.bytes / 300_000).toBeGreaterThanOrEqual(15);
    expect(set.bytes / 300_000).toBeLessThanOrEqual(23);
    // One growth adds one shard's worth (1/64 of the table), never a whole second table.
    expect(largestStep).toBeLessThanOrEqual(set.bytes / 32);
  });

  test('sized up front for the expected users, it does not grow to hold them', () => {
    const set = new UsernameSet(100_000);
    const sized = set.bytes;
    for (let i = 0; i < 100_000; i++) set.addOrGet(`u${i}`, i + 2);
    expect(set.bytes).toBe(sized);
    expect(sized / 100_000).toBeLessThanOrEqual(32);
  });
});

test('reserve() makes room once, keeps what is in, and never shrinks', () => {
  const set = new UsernameSet();
  for (let i = 0; i < 1000; i++) set.addOrGet(`early${i}`, i + 2);
  set.reserve(200_000);
  const reserved = set.bytes;
  expect(reserved / 200_000).toBeLessThanOrEqual(32);
  for (let i = 0; i < 1000; i += 37) expect(set.addOrGet(`EARLY${i}`.toLowerCase(), 5_000_000)).toBe(i + 2);
  for (let i = 0; i < 199_000; i++) set.addOrGet(`later${i}`, 10_000 + i);
  expect(set.bytes).toBe(reserved);
  set.reserve(10);
  expect(set.bytes).toBe(reserved);
  expect(set.size).toBe(200_000);
});
