/** User operations: ListUsers, AdminGetUser, and AdminCreateUser/AdminDeleteUser (test set-up). */
import { requireString } from '../../util';
import { InvalidParameterException, UsernameExistsException, UserNotFoundException, validationError } from '../exceptions';
import { CognitoBackend, decodeToken, encodeToken, User, userView } from '../model';

type Body = Record<string, any>;

export function adminGetUser(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const u = svc.findUser(p, requireString(body, 'Username', 'username'));
  if (!u) throw new UserNotFoundException();
  return { Username: u.Username, UserAttributes: u.Attributes, UserCreateDate: u.UserCreateDate, UserLastModifiedDate: u.UserLastModifiedDate, Enabled: u.Enabled, UserStatus: u.UserStatus };
}

export function adminCreateUser(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const name = requireString(body, 'Username', 'username');
  if (svc.findUser(p, name)) throw new UsernameExistsException();
  const u = svc.putUser(p, name, (body.UserAttributes ?? []) as Array<{ Name: string; Value: string }>, 'FORCE_CHANGE_PASSWORD');
  return { User: userView(u) };
}

export function adminDeleteUser(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const key = svc.userKey(p, requireString(body, 'Username', 'username'));
  if (!p.users.delete(key)) throw new UserNotFoundException();
  return {};
}

export function listUsers(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const limit = body.Limit === undefined ? 60 : Number(body.Limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > 60) throw validationError('limit', 'Member must have value less than or equal to 60');
  let users = [...p.users.values()];
  if (typeof body.Filter === 'string' && body.Filter.trim()) {
    const m = /^\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*$/.exec(body.Filter);
    if (!m) throw new InvalidParameterException('Error while parsing filter.');
    const [, attr, opr, value] = m;
    const get = (u: User) => (attr === 'username' ? u.Username : attr === 'status' ? (u.Enabled ? 'Enabled' : 'Disabled') : attr === 'cognito:user_status' ? u.UserStatus : u.Attributes.find((a) => a.Name === attr)?.Value);
    users = users.filter((u) => { const v = get(u); return v !== undefined && (opr === '=' ? v === value : v.startsWith(value)); });
  }
  let start = 0;
  if (body.PaginationToken !== undefined) {
    const n = Number(decodeToken(body.PaginationToken));
    if (!Number.isInteger(n) || n < 0) throw new InvalidParameterException('The pagination token is invalid.');
    start = n;
  }
  const attrs: string[] | undefined = body.AttributesToGet;
  const page = users.slice(start, start + limit).map((u) => userView(u, attrs));
  return { Users: page, ...(start + limit < users.length ? { PaginationToken: encodeToken(String(start + limit)) } : {}) };
}
