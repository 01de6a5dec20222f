/**
 * Routing (moto's "responses" role): operation name → handler. To add a Cognito operation, write it in its
 * own file under `operations/` and register it here with one line.
 */
import { createUserImportJob, describeUserImportJob, listUserImportJobs, startUserImportJob, stopUserImportJob } from './operations/import-jobs';
import { createUserPool, deleteUserPool, describeUserPool, getCsvHeader, listUserPools, updateUserPool } from './operations/pools';
import { adminCreateUser, adminDeleteUser, adminGetUser, listUsers } from './operations/users';
import * as groups from './operations/groups';
import { adminUpdateUserAttributes } from './operations/user-attributes';
import { TooManyRequestsException, UnknownOperationException } from './exceptions';
import type { CognitoBackend } from './model';

export type Operation = (svc: CognitoBackend, body: Record<string, any>) => unknown;

export const OPERATIONS: Record<string, Operation> = {
  CreateUserPool: createUserPool,
  DeleteUserPool: deleteUserPool,
  UpdateUserPool: updateUserPool,
  DescribeUserPool: describeUserPool,
  ListUserPools: listUserPools,
  GetCSVHeader: getCsvHeader,
  CreateUserImportJob: createUserImportJob,
  DescribeUserImportJob: describeUserImportJob,
  ListUserImportJobs: listUserImportJobs,
  StartUserImportJob: startUserImportJob,
  StopUserImportJob: stopUserImportJob,
  ListUsers: listUsers,
  AdminGetUser: adminGetUser,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  CreateGroup: groups.createGroup, GetGroup: groups.getGroup, DeleteGroup: groups.deleteGroup, ListGroups: groups.listGroups,
  AdminAddUserToGroup: groups.adminAddUserToGroup, AdminRemoveUserFromGroup: groups.adminRemoveUserFromGroup,
  AdminListGroupsForUser: groups.adminListGroupsForUser, ListUsersInGroup: groups.listUsersInGroup,
};

/** Routes one `AWSCognitoIdentityProviderService.<op>` call (a throttling fault answers before the operation). */
export function handleCognito(backend: CognitoBackend, op: string, body: Record<string, any>): unknown {
  if (backend.opts.faults.shouldThrottle(op)) throw new TooManyRequestsException();
  const operation = OPERATIONS[op];
  if (!operation) throw new UnknownOperationException(op);
  return operation(backend, body);
}
