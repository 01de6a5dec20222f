/**
 * AdminUpdateUserAttributes as the AWS CLI calls it. The pool's schema decides: unknown attributes
 * and immutable ones (`sub`, any attribute created with Mutable false) are refused; changing
 * `email` or `phone_number` clears its verified flag unless the same call sets that flag
 * (Cognito's documented behaviour for admin updates). In pools where email or phone number is an
 * alias or the sign-in name, a verified value another user already holds is refused (AliasExistsException).
 */
import { AwsError, epochSeconds, requireString } from '../../util';
import { InvalidParameterException, UserNotFoundException, validationError } from '../exceptions';
import type { CognitoBackend } from '../model';

type Body = Record<string, any>;

const VERIFIED_FLAG: Record<string, string> = { email: 'email_verified', phone_number: 'phone_number_verified' };

export function adminUpdateUserAttributes(svc: CognitoBackend, body: Body): unknown {
  const p = svc.pool(body.UserPoolId);
  const username = requireString(body, 'Username', 'username');
  const attrs = body.UserAttributes;
  if (!Array.isArray(attrs)) throw validationError('userAttributes', 'Member must not be null', null);
  const u = svc.findUser(p, username);
  if (!u) throw new UserNotFoundException();
  const schema = new Map((p.desc.SchemaAttributes ?? []).map((a: { Name?: string; Mutable?: boolean }) => [a.Name, a]));
  const updates = new Map<string, string>();
  for (const a of attrs as Array<{ Name?: unknown; Value?: unknown }>) {
    if (typeof a?.Name !== 'string' || !a.Name) throw validationError('userAttributes.member.name', 'Member must not be null', null);
    const value = typeof a.Value === 'string' ? a.Value : '';
    if (value.length > 2048) throw validationError('userAttributes.member.value', 'Member must have length less than or equal to 2048');
    const def = schema.get(a.Name);
    if (!def) throw new InvalidParameterException(`Invalid user attributes: ${a.Name}: Attribute does not exist in the schema.`);
    if (a.Name === 'sub' || def.Mutable === false) throw new InvalidParameterException(`Invalid user attributes: ${a.Name}: Attribute cannot be updated. (changing an immutable attribute)`);
    updates.set(a.Name, value);
  }
  const current = new Map(u.Attributes.map((a) => [a.Name, a.Value]));
  for (const [name, flag] of Object.entries(VERIFIED_FLAG)) {
    if (updates.has(name) && updates.get(name) !== current.get(name) && !updates.has(flag)) updates.set(flag, 'false');
  }
  const aliases: string[] = [...((p.desc as { AliasAttributes?: string[] }).AliasAttributes ?? []), ...(p.desc.UsernameAttributes ?? [])];
  for (const [name, flag] of Object.entries(VERIFIED_FLAG)) {
    const value = updates.get(name);
    if (!aliases.includes(name) || !value || (updates.get(flag) ?? current.get(flag)) !== 'true') continue;
    const holder = [...p.users.values()].find((o) => o !== u
      && o.Attributes.some((a) => a.Name === name && a.Value === value) && o.Attributes.some((a) => a.Name === flag && a.Value === 'true'));
    if (holder) throw new AwsError('AliasExistsException', `An account with the given ${name === 'email' ? 'email' : 'phone number'} already exists.`);
  }
  for (const [name, value] of updates) {
    if (value === '') current.delete(name);
    else current.set(name, value);
  }
  u.Attributes = [...current].map(([Name, Value]) => ({ Name, Value }));
  u.UserLastModifiedDate = epochSeconds(svc.now());
  return {};
}
