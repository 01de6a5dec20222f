/** User pool operations: CreateUserPool, DeleteUserPool, DescribeUserPool, ListUserPools, GetCSVHeader. */
import { csvHeader, mergeSchema, PoolDescription } from '../../pool';
import { PASSWORD_HASH_COLUMN } from '../import-rules';
import { requireString } from '../../util';
import { UserImportInProgressException, validationError } from '../exceptions';
import type { CognitoBackend } from '../model';

type Body = Record<string, any>;

export function createUserPool(svc: CognitoBackend, body: Body): unknown {
  const name = requireString(body, 'PoolName', 'poolName');
  const desc: PoolDescription = {
    Id: svc.newPoolId(),
    Name: name,
    SchemaAttributes: mergeSchema(Array.isArray(body.Schema) ? body.Schema : []),
    AutoVerifiedAttributes: body.AutoVerifiedAttributes ?? [],
    MfaConfiguration: body.MfaConfiguration ?? 'OFF',
    ...(body.UsernameAttributes ? { UsernameAttributes: body.UsernameAttributes } : {}),
    UsernameConfiguration: body.UsernameConfiguration ?? { CaseSensitive: true },
    UserPoolTier: body.UserPoolTier ?? 'ESSENTIALS',
  };
  return { UserPool: svc.addPool(desc) };
}

export function describeUserPool(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  return { UserPool: { ...p.desc, EstimatedNumberOfUsers: p.users.size } };
}

export function listUserPools(svc: CognitoBackend, body: Body): unknown {
  const max = Number(body.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 60) throw validationError('maxResults', 'Member must have value between 1 and 60');
  return {
    UserPools: [...svc.pools.values()].slice(0, max)
      .map((p) => ({ Id: p.desc.Id, Name: p.desc.Name, CreationDate: p.desc.CreationDate, LastModifiedDate: p.desc.LastModifiedDate })),
  };
}

export function getCsvHeader(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  // Whether the column of password hashes is listed is undocumented: the `csvHeaderListsPasswordHash` variant.
  return { UserPoolId: p.desc.Id, CSVHeader: [...csvHeader(p.desc), ...(svc.behaviour.csvHeaderListsPasswordHash ? [PASSWORD_HASH_COLUMN] : [])] };
}

export function deleteUserPool(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  svc.pools.delete(p.desc.Id);
  return {};
}

/** Only the settings an import depends on; Cognito refuses pool updates while one of its imports runs. */
export function updateUserPool(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  if (p.jobs.some((j) => j.Status === 'Pending' || j.Status === 'InProgress' || j.Status === 'Stopping')) {
    throw new UserImportInProgressException('A user import job is in progress for this user pool; update the pool after the import completes.');
  }
  if (body.MfaConfiguration !== undefined) {
    if (!['OFF', 'ON', 'OPTIONAL'].includes(body.MfaConfiguration)) throw validationError('mfaConfiguration', 'Member must satisfy enum value set: [OFF, ON, OPTIONAL]', body.MfaConfiguration);
    p.desc.MfaConfiguration = body.MfaConfiguration;
  }
  if (Array.isArray(body.AutoVerifiedAttributes)) p.desc.AutoVerifiedAttributes = body.AutoVerifiedAttributes;
  p.desc.LastModifiedDate = svc.now() / 1000;
  return {};
}
