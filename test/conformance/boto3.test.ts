/** The same flow with python3 + boto3 (+ requests for the PUT, as the developer guide does). */
import { join } from 'path';
import { LocalCloud, startLocalCloud } from '../../packages/cli/local-cloud';
import { cognitoCsv, user } from '../local-cloud/helpers';
import { run } from './run';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, workflow: false, cognitoTimings: { pendingMs: 50, minRunMs: 300 } });
});
afterAll(async () => { await cloud.stop(); });

test('boto3: header, create, PUT, start, describe, list pages, errors, stop, users', async () => {
  const r = await run(cloud, 'python3', [join(__dirname, 'boto3_flow.py')], cognitoCsv([user(1), user(2)]));
  if (r.code !== 0) throw new Error(r.stderr);
  const out = JSON.parse(r.stdout);
  expect(out.header.slice(-1)).toEqual(['cognito:username']);
  expect(out.put_status).toBe(200);
  expect(out.start_status).toBe('Pending');
  expect(out.final).toEqual({ Status: 'Succeeded', ImportedUsers: 2, SkippedUsers: 0, FailedUsers: 0 });
  expect(out.creation_date_type).toBe('datetime');
  expect(out.pages[0]).toHaveLength(1);
  expect(out.pages[1]).toHaveLength(1);
  expect(out.pages[0][0]).not.toBe(out.pages[1][0]);
  expect(out.not_found).toBe('ResourceNotFoundException');
  expect(out.restart).toBe('InvalidParameterException');
  expect(out.stopped.Status).toBe('Stopped');
  expect(out.stopped.CompletionMessage).toBeTruthy();
  expect(out.users).toEqual(['user1', 'user2']);
  expect(out.user_status).toBe('RESET_REQUIRED');
});
