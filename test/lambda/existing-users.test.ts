import { planLookup, userKeys } from '../../lambda/users/existing-users';
import { forEachConcurrent, pacer } from '../../lambda/users/paced-calls';
import { UsernameSet } from '../../lambda/validate/username-set';

describe('planLookup: the cheaper of AdminGetUser per row and a ListUsers scan', () => {
  test('a small file against a big pool asks per row', () => {
    const p = planLookup(1_000, 5_000_000, 50, 10);
    expect(p).toMatchObject({ mode: 'get', getRequests: 1_000, scanRequests: Math.ceil(5_000_000 / 60) });
  });
  test('a big file against a small pool scans the pool', () => {
    const p = planLookup(500_000, 100_000, 50, 10);
    expect(p.mode).toBe('scan');
    expect(p.scanRequests).toBe(1667);
  });
  test('the cross-over follows the rates: scan while pool/60/listRps <= rows/readRps', () => {
    // 100,000 rows at 50/s = 2,000 s; a scan at 10/s reads 1,200,000 users in 2,000 s.
    expect(planLookup(100_000, 1_200_000, 50, 10).mode).toBe('scan');
    expect(planLookup(100_000, 1_200_060, 50, 10).mode).toBe('get');
  });
  test('an empty pool is one ListUsers request', () => {
    expect(planLookup(10, 0, 50, 10)).toMatchObject({ mode: 'scan', scanRequests: 1 });
  });
});

describe('userKeys: what a listed user can match in the file', () => {
  test('a plain pool: the username', () => {
    expect(userKeys({ Username: 'alice', Attributes: [] }, [])).toEqual(['alice']);
  });
  test('an email-as-username pool lists the sub as Username: the email matches too', () => {
    const keys = userKeys({ Username: '1b2c-sub', Attributes: [{ Name: 'email', Value: 'a@example.com' }] }, ['email']);
    expect(keys).toEqual(['1b2c-sub', 'a@example.com']);
  });
  test('attributes that are not username attributes are not keys', () => {
    expect(userKeys({ Username: 'bob', Attributes: [{ Name: 'email', Value: 'b@example.com' }] }, [])).toEqual(['bob']);
  });
  test('case-insensitive matching through the username set', () => {
    const folded = new UsernameSet();
    folded.addOrGet('Alice', 7, true);
    expect(folded.lineOf('ALICE', true)).toBe(7);
    const exact = new UsernameSet();
    exact.addOrGet('Alice', 7, false);
    expect(exact.lineOf('Alice', false)).toBe(7);
    expect(exact.lineOf('alice', false)).toBeUndefined();
  });
});

describe('pacer', () => {
  test('spaces calls at the rate and retries throttling', async () => {
    let t = 0;
    const p = pacer({ requestsPerSecond: 10, now: () => t, sleep: async (ms) => { t += ms; } });
    let calls = 0;
    const fn = async () => {
      calls += 1;
      if (calls === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      return calls;
    };
    for (let i = 0; i < 5; i++) await p.call(fn);
    expect(p.requests).toBe(6);
    expect(p.throttles).toBe(1);
    // 6 requests at 10/s with one backoff: at least 500 ms of (virtual) time.
    expect(t).toBeGreaterThanOrEqual(500);
  });
  test('gives up with a Throttled step error after repeated throttling', async () => {
    const p = pacer({ requestsPerSecond: 100, now: () => 0, sleep: async () => undefined, maxThrottleRetries: 2 });
    await expect(p.call(async () => { throw Object.assign(new Error('x'), { name: 'TooManyRequestsException' }); }))
      .rejects.toMatchObject({ name: 'ThrottledError' });
  });
  test('other errors are not retried', async () => {
    const p = pacer({ requestsPerSecond: 100, now: () => 0, sleep: async () => undefined });
    await expect(p.call(async () => { throw Object.assign(new Error('no'), { name: 'NotAuthorizedException' }); })).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(p.requests).toBe(1);
  });
});

test('forEachConcurrent stops starting items when told and reports how many it completed', async () => {
  async function* items() { for (let i = 0; i < 100; i++) yield i; }
  const done: number[] = [];
  const r = await forEachConcurrent(items(), 4, async (i) => { done.push(i); }, () => done.length >= 10);
  expect(r.stopped).toBe(true);
  expect(r.completed).toBe(done.length);
  expect(done.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: done.length }, (_, i) => i));
});
