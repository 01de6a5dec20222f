import { App, Errors, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CognitoUserImport, CognitoUserImportProps, ExistingUsersPolicy, ImportSource, UserImportDeployment } from '../../lib';
import { breach } from '../../lambda/deployment/outcome';

const env = { account: '111122223333', region: 'eu-west-1' };

function build(props: Partial<CognitoUserImportProps> = {}) {
  const stack = new Stack(new App(), 'S', { env });
  const userPool = new cognito.UserPool(stack, 'Pool');
  const importer = new CognitoUserImport(stack, 'Import', { userPool, ...props });
  return { stack, importer, t: () => Template.fromStack(stack) };
}

/** The worker: the function whose environment names the pool and the existing-users policy. */
function workerEnv(t: Template): Record<string, unknown> {
  const fns = Object.values(t.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Environment?.Variables ?? {});
  const worker = fns.find((v) => 'EXISTING_USERS' in v);
  expect(worker).toBeDefined();
  return worker!;
}

function cognitoActions(t: Template): string[] {
  const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  return statements.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('cognito-idp:'));
}

function states(t: Template): string[] {
  const sm = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0] as any;
  const body = JSON.stringify(sm.Properties.DefinitionString);
  return ['FindExisting', 'ApplyExisting', 'UpdateExisting', 'AddToGroups'].filter((s) => body.includes(`\\"${s}\\"`));
}

test('by default existing users are skipped: the lookup runs, no update or groups pass, no update permissions', () => {
  const { t } = build();
  const template = t();
  expect(workerEnv(template)).toMatchObject({ EXISTING_USERS: 'SKIP' });
  expect(workerEnv(template)).not.toHaveProperty('GROUPS_COLUMN');
  expect(states(template)).toEqual(['FindExisting', 'ApplyExisting']);
  const actions = cognitoActions(template);
  expect(actions).toEqual(expect.arrayContaining(['cognito-idp:AdminGetUser', 'cognito-idp:ListUsers']));
  expect(actions).not.toContain('cognito-idp:AdminUpdateUserAttributes');
  expect(actions).not.toContain('cognito-idp:AdminAddUserToGroup');
});

test('existingUsers UPDATE and a groups column add their passes and exactly their permissions', () => {
  const { t } = build({ existingUsers: ExistingUsersPolicy.UPDATE, groupsColumn: 'groups' });
  const template = t();
  expect(workerEnv(template)).toMatchObject({ EXISTING_USERS: 'UPDATE', GROUPS_COLUMN: 'groups' });
  expect(states(template)).toEqual(['FindExisting', 'ApplyExisting', 'UpdateExisting', 'AddToGroups']);
  expect(cognitoActions(template)).toEqual(expect.arrayContaining([
    'cognito-idp:AdminUpdateUserAttributes', 'cognito-idp:ListGroups', 'cognito-idp:AdminAddUserToGroup',
  ]));
  expect(cognitoActions(template).some((a) => a.includes('*'))).toBe(false);
});

test.each([
  ['a name with a comma', 'my,groups', /must be a plain column name/],
  ['an empty name', '', /must be a plain column name/],
  ['a standard attribute', 'email', /is a column Cognito imports/],
])('groupsColumn: %s is refused with a message that says what to do', (_what, groupsColumn, message) => {
  let error: unknown;
  try { build({ groupsColumn }); } catch (e) { error = e; }
  expect(Errors.isValidationError(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).toContain("for example 'groups'");
});

test('UserImportDeployment runs its importer\'s workflow, so it updates existing users when the importer says so', () => {
  const { stack, importer, t } = build({ existingUsers: ExistingUsersPolicy.UPDATE });
  const bucket = new s3.Bucket(stack, 'Seeds');
  new UserImportDeployment(stack, 'Seed', { importer, source: ImportSource.fromBucket(bucket, 'users-2026-11-22.csv') });
  expect(states(t())).toContain('UpdateExisting');
});

test('a deployment counts users whose update failed against maxFailedUsers', () => {
  const outcome = { status: 'PartiallySucceeded', jobIds: [], reportUri: 's3://b/r.json', reasons: [], totals: { rows: 3, imported: 1, skipped: 0, failed: 0, rejected: 0, updated: 1, updateFailed: 1 } };
  expect(breach(outcome, { maxFailedUsers: 0, failOnSkipped: false })).toMatch(/1 failed or rejected row/);
  expect(breach({ ...outcome, totals: { ...outcome.totals, updateFailed: 0 } }, { maxFailedUsers: 0, failOnSkipped: false })).toBeUndefined();
});
