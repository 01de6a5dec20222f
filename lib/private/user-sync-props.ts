import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { WorkerEnv } from '../../lambda/shared/env';
import { ExistingUsersPolicy } from '../options';
import { ValidationError } from './errors';

/** The environment the worker reads for the existing-users policy and the groups column. */
export function userSyncEnvironment(existingUsers: ExistingUsersPolicy | undefined, groupsColumn: string | undefined): Record<string, string> {
  return {
    [WorkerEnv.EXISTING_USERS]: existingUsers ?? ExistingUsersPolicy.SKIP,
    ...(groupsColumn ? { [WorkerEnv.GROUPS_COLUMN]: groupsColumn } : {}),
  };
}

/**
 * The groups column must be a column name Cognito never uses: it is taken out of the file before
 * the upload, so it cannot be one of the pool's attributes or a `cognito:` column.
 */
export function validateGroupsColumn(scope: IConstruct, groupsColumn: string | undefined): void {
  if (groupsColumn === undefined || Token.isUnresolved(groupsColumn)) return;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(groupsColumn)) {
    throw new ValidationError(`CognitoUserImport: groupsColumn '${groupsColumn}' must be a plain column name (1-64 letters, digits, '_', '.', '-'), for example 'groups'.`, scope);
  }
  if (RESERVED.has(groupsColumn.toLowerCase())) {
    throw new ValidationError(`CognitoUserImport: groupsColumn '${groupsColumn}' is a column Cognito imports; name the groups column something else, for example 'groups'.`, scope);
  }
}

/** Standard attributes and Cognito's own columns (GetCSVHeader): never the groups column. */
const RESERVED = new Set([
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified',
  'address', 'updated_at', 'sub', 'password_hash',
]);
