/**
 * Group operations as the AWS CLI calls them: CreateGroup, GetGroup, ListGroups, DeleteGroup,
 * AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup.
 * Groups and memberships are kept beside each pool (memberships by the user's key, so they follow
 * the pool's username case rule).
 */
import { AwsError, epochSeconds, requireString } from '../../util';
import { InvalidParameterException, ResourceNotFoundException, UserNotFoundException, validationError } from '../exceptions';
import { CognitoBackend, decodeToken, encodeToken, Pool, userView } from '../model';

type Body = Record<string, any>;

interface Group {
  GroupName: string;
  UserPoolId: string;
  Description?: string;
  RoleArn?: string;
  Precedence?: number;
  CreationDate: number;
  LastModifiedDate: number;
  members: Set<string>;
}

const GROUPS = new WeakMap<Pool, Map<string, Group>>();
function groupsOf(p: Pool): Map<string, Group> {
  let g = GROUPS.get(p);
  if (!g) { g = new Map(); GROUPS.set(p, g); }
  return g;
}

/** Group names of one user (the export and tests read them). */
export function groupNamesOf(svc: CognitoBackend, poolId: string, username: string): string[] {
  const p = svc.pool(poolId);
  const key = svc.userKey(p, username);
  return [...groupsOf(p).values()].filter((g) => g.members.has(key)).map((g) => g.GroupName);
}

function groupView(g: Group): Record<string, unknown> {
  return {
    GroupName: g.GroupName, UserPoolId: g.UserPoolId,
    ...(g.Description !== undefined ? { Description: g.Description } : {}),
    ...(g.RoleArn !== undefined ? { RoleArn: g.RoleArn } : {}),
    ...(g.Precedence !== undefined ? { Precedence: g.Precedence } : {}),
    CreationDate: g.CreationDate, LastModifiedDate: g.LastModifiedDate,
  };
}

function groupName(body: Body): string {
  const name = requireString(body, 'GroupName', 'groupName');
  if (name.length > 128) throw validationError('groupName', 'Member must have length less than or equal to 128', name);
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u.test(name)) throw validationError('groupName', 'Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+', name);
  return name;
}

function findGroup(p: Pool, name: string): Group {
  const g = groupsOf(p).get(name);
  if (!g) throw new ResourceNotFoundException('Group not found.');
  return g;
}

/** `Limit` 0–60 (default 60) and an opaque `NextToken`, as the group list operations take them. */
function page<T>(items: T[], body: Body): { items: T[]; next?: string } {
  const limit = body.Limit === undefined ? 60 : Number(body.Limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > 60) throw validationError('limit', 'Member must have value less than or equal to 60', body.Limit);
  let start = 0;
  if (body.NextToken !== undefined) {
    start = Number(decodeToken(body.NextToken));
    if (!Number.isInteger(start) || start < 0) throw new InvalidParameterException('The pagination token is invalid.');
  }
  const end = start + (limit === 0 ? 60 : limit);
  return { items: items.slice(start, end), ...(end < items.length ? { next: encodeToken(String(end)) } : {}) };
}

export function createGroup(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const name = groupName(body);
  const groups = groupsOf(p);
  if (groups.has(name)) throw new AwsError('GroupExistsException', `A group with the name ${name} already exists.`);
  if (body.Precedence !== undefined && (!Number.isInteger(body.Precedence) || body.Precedence < 0)) {
    throw validationError('precedence', 'Member must have value greater than or equal to 0', body.Precedence);
  }
  const t = epochSeconds(svc.now());
  const g: Group = {
    GroupName: name, UserPoolId: p.desc.Id, CreationDate: t, LastModifiedDate: t, members: new Set(),
    ...(typeof body.Description === 'string' ? { Description: body.Description } : {}),
    ...(typeof body.RoleArn === 'string' ? { RoleArn: body.RoleArn } : {}),
    ...(body.Precedence !== undefined ? { Precedence: body.Precedence } : {}),
  };
  groups.set(name, g);
  return { Group: groupView(g) };
}

export function getGroup(svc: CognitoBackend, body: Body): unknown {
  return { Group: groupView(findGroup(svc.pool(body.UserPoolId), groupName(body))) };
}

export function deleteGroup(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  findGroup(p, groupName(body));
  groupsOf(p).delete(body.GroupName);
  return {};
}

export function listGroups(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const { items, next } = page([...groupsOf(p).values()], body);
  return { Groups: items.map(groupView), ...(next ? { NextToken: next } : {}) };
}

function member(svc: CognitoBackend, body: Body): { p: Pool; key: string; g: Group } {
  const p = svc.pool(body.UserPoolId);
  const username = requireString(body, 'Username', 'username');
  const g = findGroup(p, groupName(body));
  if (!svc.findUser(p, username)) throw new UserNotFoundException();
  return { p, key: svc.userKey(p, username), g };
}

export function adminAddUserToGroup(svc: CognitoBackend, body: Body): unknown {
  const { g, key } = member(svc, body);
  g.members.add(key); // already a member: Cognito answers success too
  return {};
}

export function adminRemoveUserFromGroup(svc: CognitoBackend, body: Body): unknown {
  const { g, key } = member(svc, body);
  g.members.delete(key);
  return {};
}

export function adminListGroupsForUser(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const username = requireString(body, 'Username', 'username');
  if (!svc.findUser(p, username)) throw new UserNotFoundException();
  const key = svc.userKey(p, username);
  const { items, next } = page([...groupsOf(p).values()].filter((g) => g.members.has(key)), body);
  return { Groups: items.map(groupView), ...(next ? { NextToken: next } : {}) };
}

export function listUsersInGroup(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const g = findGroup(p, groupName(body));
  // Members deleted from the pool since are not listed.
  const users = [...g.members].map((k) => p.users.get(k)).filter((u) => u !== undefined);
  const { items, next } = page(users, body);
  return { Users: items.map((u) => userView(u!)), ...(next ? { NextToken: next } : {}) };
}
