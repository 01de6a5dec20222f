import { describeProgress, parseDuration } from '../../packages/cli/local-cloud/commands/drop';

describe('drop: --timeout durations', () => {
  test.each([['90s', 90_000], ['30m', 1_800_000], ['2h', 7_200_000], ['1h30m', 5_400_000]])('%s', (raw, ms) => {
    expect(parseDuration(raw, '--timeout')).toBe(ms);
  });
  test.each(['', 'soon', '10', '0s', '1d', '-5m'])('refuses %p with a message naming the option', (raw) => {
    expect(() => parseDuration(raw, '--timeout')).toThrow(/--timeout must be/);
  });
});

describe('drop: progress lines', () => {
  const base = { progressVersion: 1 as const, updatedAt: '2026-01-01T00:00:00Z' };
  test('phases, positions, ids and counts', () => {
    expect(describeProgress({ ...base, phase: 'queued', queuePosition: 2 })).toBe('waiting in the import queue (position 2: 2 file(s) ahead)');
    expect(describeProgress({ ...base, phase: 'queued', queuePosition: 0 })).toBe('waiting in the import queue (position 0: next)');
    expect(describeProgress({ ...base, phase: 'uploading', part: 1, parts: 1, total: 40 })).toBe('uploading to Cognito (40 users)');
    expect(describeProgress({ ...base, phase: 'importing', part: 2, parts: 3, total: 40, jobId: 'import-1', jobStatus: 'InProgress', imported: 7, skipped: 1, failed: 2 }))
      .toBe('importing part 2 of 3: 10 of 40 users (job import-1 InProgress; imported 7, skipped 1, failed 2)');
    expect(describeProgress({ ...base, phase: 'validating' })).toBe('validating');
  });
});
