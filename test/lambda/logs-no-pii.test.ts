import { Logger } from '@aws-lambda-powertools/logger';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateUserImportJobCommand, DescribeUserImportJobCommand, ListUserImportJobsCommand, StartUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { runStep } from '../../lambda/engine';
import { describe as describeJob, start } from '../../lambda/job/job-control';
import type { ReportOutput } from '../../lambda/shared/report';
import type { HarvestOutput, JobRef, ValidateOutput } from '../../lambda/shared/steps';
import { powertoolsLog } from '../../lambda/runtime/powertools-log';
import { BUCKET, config, testEnv } from './helpers';

/** Every email and phone number of the CSV, checked against everything written to stdout/stderr. */
const EMAILS = ['ann.secret@corp.example', 'bo@@broken', 'cy.private@corp.example', 'di@corp.example'];
const PHONES = ['+14155550101', '+14155550102', '555-0103'];
const CSV = [
  'cognito:username,email,email_verified,phone_number,phone_number_verified,name',
  `ann,${EMAILS[0]},true,${PHONES[0]},true,Ann Secretname`,
  `bo,${EMAILS[1]},true,${PHONES[1]},false,Bo`,
  `cy,${EMAILS[2]},true,${PHONES[2]},false,Cy`,
  `di,${EMAILS[3]},true,,,Di`,
].join('\n') + '\n';

test('a full validate→report→notify run with the real Powertools logger never logs emails, phones, values or URLs', async () => {
  const captured: string[] = [];
  const grab = (chunk: unknown) => { captured.push(String(chunk)); return true; };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(grab as never);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(grab as never);
  const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...a: unknown[]) => { captured.push(a.map(String).join(' ')); }));
  try {
    const env = testEnv();
    const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
    const deps = { ...env.deps, log: powertoolsLog(logger) };
    env.cognito.on(ListUserImportJobsCommand).resolves({ UserImportJobs: [] });
    env.cognito.on(CreateUserImportJobCommand).resolves({ UserImportJob: { JobId: 'import-1', JobName: 'n', Status: 'Created', PreSignedUrl: 'https://signed.example/upload?X-Amz-Credential=AKIA' } });
    env.cognito.on(StartUserImportJobCommand).resolves({ UserImportJob: { JobId: 'import-1', Status: 'Pending' } });
    env.cognito.on(DescribeUserImportJobCommand).resolves({ UserImportJob: { JobId: 'import-1', Status: 'Succeeded', ImportedUsers: 1, FailedUsers: 1 } });
    env.logs.on(GetLogEventsCommand).resolves({ events: [{ message: '[SUCCEEDED] Line Number 2 - ok' }, { message: '[FAILED] Line Number 3 - Invalid phone number.' }], nextForwardToken: 't' });
    env.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    env.setPut(async (_u, body) => { for await (const _ of body) { /* drain */ } return { status: 500, body: 'InternalError https://signed.example/upload' }; });

    const source = { bucket: BUCKET, key: 'incoming/users.csv', etag: '"e1"' };
    env.store.put(BUCKET, source.key, CSV);
    const validation = (await runStep(deps, config(), { action: 'validate', source, executionName: 'e1' })) as ValidateOutput;
    expect(validation.rejectedRows).toBe(2); // bo: bad email, cy: bad phone
    const part = validation.parts[0];
    // First upload fails every time (logs the failures), then succeeds on the step's retry.
    await expect(runStep(deps, config(), { action: 'createAndUpload', part })).rejects.toMatchObject({ name: 'UploadFailedError' });
    env.setPut(async (_u, body) => { for await (const _ of body) { /* drain */ } return { status: 200, body: '' }; });
    const ref = (await runStep(deps, config(), { action: 'createAndUpload', part })) as JobRef;
    let job = await start(deps, config(), ref);
    job = await describeJob(deps, config(), job);
    const harvested = (await runStep(deps, config(), { action: 'harvest', part, job })) as HarvestOutput;
    const report = (await runStep(deps, config(), { action: 'report', executionName: 'e1', startedAt: 't', state: { source, validation, parts: [harvested] } })) as ReportOutput;
    await runStep(deps, config(), { action: 'notify', source, report });
    expect(report.status).toBe('PartiallySucceeded');
  } finally {
    out.mockRestore();
    err.mockRestore();
    consoleSpies.forEach((s) => s.mockRestore());
  }
  const all = captured.join('\n');
  expect(all).toContain('validated'); // the capture works
  for (const secret of [...EMAILS, ...PHONES, 'Secretname', 'signed.example', 'AKIA', 'corp.example']) expect(all).not.toContain(secret);
});
