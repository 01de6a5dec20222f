import { hash64, UsernameSet } from '../../lambda/core/username-set';

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
