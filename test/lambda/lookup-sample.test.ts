import { existingShareBound, sampleIndices, shouldSample } from '../../lambda/users/lookup-sample';

describe('existingShareBound: what a clean random sample says about the rows not looked up', () => {
  test('0 of n puts the share under 1 - 0.05^(1/n) at 95% (≈ 3/n): 0.1% for 3,000 rows', () => {
    const b = existingShareBound(3_000);
    expect(b).toBeCloseTo(0.000998, 6);
    // At that share, a sample of 3,000 misses every existing row 5% of the time, exactly.
    expect(Math.pow(1 - b, 3_000)).toBeCloseTo(0.05, 10);
    expect(existingShareBound(3_000, 0.99)).toBeGreaterThan(b);
  });
  test('more rows, a tighter bound; no rows, no bound', () => {
    expect(existingShareBound(6_000)).toBeLessThan(existingShareBound(3_000));
    expect(existingShareBound(0)).toBe(1);
  });
  test('holds by simulation: a file with that share of existing rows passes a clean sample ≤ 5% of the time', () => {
    const n = 200;
    const rows = 20_000;
    const existing = Math.ceil(existingShareBound(n) * rows);
    let clean = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      // Existing rows are the first `existing` indices; a clean sample picks none of them.
      if (sampleIndices(rows, n, `trial-${t}`)[0] >= existing) clean += 1;
    }
    expect(clean / trials).toBeLessThan(0.09); // 5% expected; room for sampling noise
  });
});

describe('sampleIndices', () => {
  test('n distinct indices in range, sorted, the same for the same seed', () => {
    const a = sampleIndices(500_000, 3_000, 'work/exec-1/');
    expect(a).toHaveLength(3_000);
    expect(new Set(a).size).toBe(3_000);
    expect(a.every((i, k) => Number.isInteger(i) && i >= 0 && i < 500_000 && (k === 0 || a[k - 1] < i))).toBe(true);
    expect(sampleIndices(500_000, 3_000, 'work/exec-1/')).toEqual(a);
    expect(sampleIndices(500_000, 3_000, 'work/exec-2/')).not.toEqual(a);
  });
  test('spread over the whole file (not its start): each tenth holds about a tenth', () => {
    const a = sampleIndices(1_000_000, 5_000, 'spread');
    const tenths = new Array(10).fill(0);
    for (const i of a) tenths[Math.floor(i / 100_000)] += 1;
    for (const c of tenths) expect(Math.abs(c - 500)).toBeLessThan(100);
  });
  test('a sample as big as the file is the whole file', () => {
    expect(sampleIndices(5, 10, 's')).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('shouldSample', () => {
  test('only when the full lookup would take longer than the sample', () => {
    // 500,000 rows into 10 million users: 10,000 s of AdminGetUser at 50/s against 60 s of sample.
    expect(shouldSample(500_000, 10_000, 3_000, 50, 'SKIP')).toBe(true);
    // An empty pool: one ListUsers request beats any sample.
    expect(shouldSample(500_000, 0.1, 3_000, 50, 'SKIP')).toBe(false);
    // A file no bigger than the sample is looked up whole.
    expect(shouldSample(3_000, 1_000, 3_000, 50, 'SKIP')).toBe(false);
  });
  test('never with existingUsers UPDATE (every existing row must be found to update it), nor with 0 rows', () => {
    expect(shouldSample(500_000, 10_000, 3_000, 50, 'UPDATE')).toBe(false);
    expect(shouldSample(500_000, 10_000, 0, 50, 'SKIP')).toBe(false);
  });
});
